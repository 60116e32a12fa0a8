/**
 * `MemoryCheckpointStorage`: checkpoint storage in the memory of the process (Flink's `JobManagerCheckpointStorage`),
 * for tests and for jobs that need recovery from task failures but not from the loss of the process. It behaves
 * exactly like the local directory storage (same layout, format, checksums and verification); only its files live in
 * a `Map` from pointer to bytes, so completed checkpoints do not survive the process.
 *
 * Pointers are `memory://<jobId>/chk-<n>`; savepoints go to `memory://<target>/savepoint-<jobId[0..6]>-<random>`.
 * Directories are implicit: one exists while a file lies under it. Bytes are copied in and out, so callers may reuse
 * their buffers.
 *
 * Threading model and lifecycle: those of {@link CheckpointStorage}. Each instance has its own files unless several
 * are given the same `files` map (like several processes sharing a directory); the files stay in the map after
 * `close()`.
 *
 * @example
 * ```ts
 * const storage = new MemoryCheckpointStorage({ savepointDirectory: 'memory://savepoints' });
 * ```
 */
import { CheckpointStorage, type CheckpointStorageOptions, type CheckpointStorageSupports } from './checkpoint-storage.js';

/** The scheme and root of in-memory pointers. */
const ROOT = 'memory://';

/** Options of {@link MemoryCheckpointStorage}. */
export interface MemoryCheckpointStorageOptions extends CheckpointStorageOptions {
  /**
   * The files, by pointer (`memory://<jobId>/chk-<n>/_metadata`). Default: a new, empty map. Pass the same map to
   * several storages to share their checkpoints, or inspect (and damage) files in tests.
   */
  readonly files?: Map<string, Uint8Array>;
}

/** Concatenates chunks into a new array. */
function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const result = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    result.set(chunk, offset);
    offset += chunk.length;
  }
  return result;
}

/** Checkpoint storage in memory; see the module documentation. */
export class MemoryCheckpointStorage extends CheckpointStorage {
  /** `memory`. */
  readonly name = 'memory';
  /** Checkpoints live in the process only. */
  readonly supports: CheckpointStorageSupports = { durable: false };
  /** The files, by pointer. */
  readonly files: Map<string, Uint8Array>;

  /** Creates the storage; throws `TypeError` when `files` is not a `Map`. */
  constructor(options: MemoryCheckpointStorageOptions = {}) {
    super(options);
    if (options.files !== undefined && !(options.files instanceof Map)) throw new TypeError('files must be a Map from pointer to bytes');
    this.files = options.files ?? new Map();
  }

  protected _rootDirectory(): string {
    return ROOT;
  }

  protected _resolve(pointer: string): string | undefined {
    if (!pointer.startsWith(ROOT)) return undefined;
    const segments = pointer
      .slice(ROOT.length)
      .split('/')
      .filter((segment) => segment !== '' && segment !== '.');
    if (segments.includes('..')) return undefined;
    return ROOT + segments.join('/');
  }

  protected _child(directory: string, name: string): string {
    return directory === ROOT ? ROOT + name : `${directory}/${name}`;
  }

  protected _parent(pointer: string): string {
    const relative = pointer.slice(ROOT.length);
    const slash = relative.lastIndexOf('/');
    return slash < 0 ? ROOT : ROOT + relative.slice(0, slash);
  }

  protected _baseName(pointer: string): string {
    const relative = pointer.slice(ROOT.length);
    return relative.slice(relative.lastIndexOf('/') + 1);
  }

  protected _makeDirectory(): Promise<void> {
    return Promise.resolve();
  }

  protected _list(directory: string): Promise<string[] | undefined> {
    const prefix = directory === ROOT ? ROOT : `${directory}/`;
    const names = new Set<string>();
    for (const key of this.files.keys()) {
      if (!key.startsWith(prefix)) continue;
      const rest = key.slice(prefix.length);
      const slash = rest.indexOf('/');
      names.add(slash < 0 ? rest : rest.slice(0, slash));
    }
    return Promise.resolve(names.size === 0 ? undefined : [...names]);
  }

  protected _writeFile(directory: string, name: string, chunks: readonly Uint8Array[]): Promise<void> {
    this.files.set(this._child(directory, name), concat(chunks));
    return Promise.resolve();
  }

  protected _writeFileAtomically(directory: string, name: string, chunks: readonly Uint8Array[]): Promise<void> {
    return this._writeFile(directory, name, chunks);
  }

  protected _readFile(directory: string, name: string, maxBytes?: number): Promise<Uint8Array | undefined> {
    const bytes = this.files.get(this._child(directory, name));
    return Promise.resolve(bytes?.slice(0, maxBytes ?? bytes.length));
  }

  protected _fileSize(directory: string, name: string): Promise<number | undefined> {
    return Promise.resolve(this.files.get(this._child(directory, name))?.length);
  }

  protected _deleteFile(directory: string, name: string): Promise<void> {
    this.files.delete(this._child(directory, name));
    return Promise.resolve();
  }

  protected _deleteDirectory(directory: string): Promise<void> {
    const prefix = `${directory}/`;
    for (const key of [...this.files.keys()]) if (key.startsWith(prefix)) this.files.delete(key);
    return Promise.resolve();
  }
}
