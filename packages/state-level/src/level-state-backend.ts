/**
 * `LevelStateBackend`: keyed state in LevelDB (Flink's `EmbeddedRocksDBStateBackend`, with LevelDB). Each keyed
 * operator instance gets a database of its own in a directory under {@link LevelStateBackendOptions.path}:
 *
 * ```
 * <path>/<operatorId>-<subtaskIndex>-<process id>-<instance number>/
 * ```
 * (the operator id with characters other than letters, digits, `.`, `_` and `-` replaced by `_`, and cut to 80
 * characters; the process id and a per-process instance number keep instances of the same operator apart). The
 * directory is created empty when the instance opens and deleted when it closes: a backend always starts empty, and
 * state outlives the process only through snapshots (checkpoints and savepoints), as in Flink. A directory left by a
 * process that crashed is not reused; it can be deleted.
 */
import os from 'node:os';
import path from 'node:path';
import type { KeyedStateBackendParameters, StateBackend } from '@weir/core';
import { LevelKeyedStateBackend } from './level-keyed-state-backend.js';

/** The options of {@link LevelStateBackend}; every one has a default. */
export interface LevelStateBackendOptions {
  /**
   * The directory under which every keyed operator instance gets its database directory. Default:
   * `<os.tmpdir()>/weir-state-level`. Created when needed.
   */
  readonly path?: string;
  /**
   * How many `(state, key, namespace)` entries each operator instance keeps decoded in memory (its write cache);
   * the rest lives in LevelDB only. Default 100 000.
   */
  readonly cacheSize?: number;
  /** How many writes go to LevelDB in one batch when the cache overflows or before a snapshot. Default 1000. */
  readonly writeBatchSize?: number;
  /** LevelDB's own cache of (compressed) blocks, bytes per operator instance. Default 8 MiB. */
  readonly blockCacheSize?: number;
  /** LevelDB's write buffer (memtable), bytes per operator instance. Default 4 MiB. */
  readonly writeBufferSize?: number;
}

/** The default of {@link LevelStateBackendOptions.cacheSize}. */
export const DEFAULT_CACHE_SIZE = 100_000;

/** The default of {@link LevelStateBackendOptions.writeBatchSize}. */
export const DEFAULT_WRITE_BATCH_SIZE = 1000;

let instances = 0;

function positiveInteger(options: LevelStateBackendOptions, name: keyof LevelStateBackendOptions, fallback: number): number {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new TypeError(`LevelStateBackend: ${name} must be a positive integer; got ${String(value)}`);
  }
  return value;
}

/** The state backend that keeps keyed state in LevelDB; see the module documentation. */
export class LevelStateBackend implements StateBackend {
  /** `'level'`. */
  readonly name = 'level';
  /** The directory of the operator instances' databases. */
  readonly path: string;
  /** Entries each instance keeps decoded in memory. */
  readonly cacheSize: number;
  /** Writes per LevelDB batch. */
  readonly writeBatchSize: number;
  /** LevelDB's block cache per instance, bytes. */
  readonly blockCacheSize: number;
  /** LevelDB's write buffer per instance, bytes. */
  readonly writeBufferSize: number;

  /** Checks the options (`TypeError` for a wrong one); nothing is created until a keyed backend opens. */
  constructor(options: LevelStateBackendOptions = {}) {
    if (typeof options !== 'object' || options === null) throw new TypeError('LevelStateBackend expects an options object');
    if (options.path !== undefined && (typeof options.path !== 'string' || options.path.length === 0)) {
      throw new TypeError(`LevelStateBackend: path must be a non-empty string; got ${String(options.path)}`);
    }
    this.path = path.resolve(options.path ?? path.join(os.tmpdir(), 'weir-state-level'));
    this.cacheSize = positiveInteger(options, 'cacheSize', DEFAULT_CACHE_SIZE);
    this.writeBatchSize = positiveInteger(options, 'writeBatchSize', DEFAULT_WRITE_BATCH_SIZE);
    this.blockCacheSize = positiveInteger(options, 'blockCacheSize', 8 * 1024 * 1024);
    this.writeBufferSize = positiveInteger(options, 'writeBufferSize', 4 * 1024 * 1024);
  }

  /** The database directory of a new instance of the operator instance `parameters` describes. */
  directoryFor(parameters: KeyedStateBackendParameters): string {
    const operator = String(parameters.operatorId).replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80);
    return path.join(this.path, `${operator}-${parameters.subtaskIndex}-${process.pid}-${++instances}`);
  }

  /** Creates and opens the keyed state backend of one operator instance, in a new, empty database directory. */
  createKeyedStateBackend(parameters: KeyedStateBackendParameters): Promise<LevelKeyedStateBackend> {
    return LevelKeyedStateBackend.create(parameters, {
      location: this.directoryFor(parameters ?? ({} as KeyedStateBackendParameters)),
      cacheSize: this.cacheSize,
      writeBatchSize: this.writeBatchSize,
      blockCacheSize: this.blockCacheSize,
      writeBufferSize: this.writeBufferSize,
    });
  }
}
