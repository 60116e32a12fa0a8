/**
 * `FileSource`, as Flink's: reads the files under one or more paths with a record format, one split per file.
 *
 * ```ts
 * const lines = FileSource.forRecordStreamFormat(new TextLineInputFormat(), '/data/in').build();           // bounded
 * const tail = FileSource.forRecordStreamFormat(new TextLineInputFormat(), '/data/in').monitorContinuously(1000).build();
 * ```
 *
 * Bounded (the default): the directory is listed once when the job starts (recursively, skipping names starting
 * with `'.'` or `'_'`), sorted by path. Continuous (`monitorContinuously(intervalMs)`): it is listed every interval
 * and new files are read; a file is read once, when first found (files should appear whole, for example by a rename).
 * Relative paths are resolved against the working directory when the source is built.
 */
import { resolve } from 'node:path';
import type {
  Boundedness,
  Source,
  SourceReader,
  SourceReaderContext,
  SplitEnumerator,
  SplitEnumeratorContext,
} from '../connector/source.js';
import { FileSourceReader } from './file-source-reader.js';
import type { FileSourceEnumeratorState, FileSourceSplit } from './file-source-split.js';
import { FileSplitEnumerator } from './file-split-enumerator.js';
import type { StreamFormat } from './stream-format.js';

/** A source reading files record by record. */
export class FileSource<T> implements Source<T, FileSourceSplit, FileSourceEnumeratorState> {
  /** The absolute paths to read (deduplicated). */
  readonly paths: readonly string[];

  /**
   * Creates the source; prefer {@link FileSource.forRecordStreamFormat}. `monitorIntervalMs` makes it continuous.
   * Invalid arguments throw a `TypeError`.
   */
  constructor(
    readonly format: StreamFormat<T>,
    paths: readonly string[],
    /** The listing interval in continuous mode; undefined when bounded. */
    readonly monitorIntervalMs?: number,
  ) {
    if (format === null || typeof format !== 'object' || typeof format.createDecoder !== 'function') {
      throw new TypeError('FileSource needs a StreamFormat such as new TextLineInputFormat()');
    }
    if (paths.length === 0) throw new TypeError('FileSource needs at least one path');
    for (const path of paths) {
      if (typeof path !== 'string' || path === '') throw new TypeError(`FileSource paths must be non-empty strings, got ${String(path)}`);
    }
    if (monitorIntervalMs !== undefined && (!Number.isFinite(monitorIntervalMs) || monitorIntervalMs <= 0)) {
      throw new TypeError(`The monitoring interval must be a positive number of milliseconds, got ${monitorIntervalMs}`);
    }
    this.paths = [...new Set(paths.map((path) => resolve(path)))];
  }

  /** Starts building a source that reads `paths` (files or directories, at least one) with `format`. */
  static forRecordStreamFormat<T>(format: StreamFormat<T>, ...paths: string[]): FileSourceBuilder<T> {
    return new FileSourceBuilder(format, paths);
  }

  /** `'BOUNDED'`, or `'CONTINUOUS_UNBOUNDED'` when monitoring continuously. */
  getBoundedness(): Boundedness {
    return this.monitorIntervalMs === undefined ? 'BOUNDED' : 'CONTINUOUS_UNBOUNDED';
  }

  /** An enumerator that lists the paths (once, or every interval). */
  createEnumerator(context: SplitEnumeratorContext<FileSourceSplit>): SplitEnumerator<FileSourceSplit, FileSourceEnumeratorState> {
    return new FileSplitEnumerator(context, { paths: this.paths, monitorIntervalMs: this.monitorIntervalMs });
  }

  /** An enumerator resuming from `state`: it keeps its pending splits and does not read processed files again. */
  restoreEnumerator(
    context: SplitEnumeratorContext<FileSourceSplit>,
    state: FileSourceEnumeratorState,
  ): SplitEnumerator<FileSourceSplit, FileSourceEnumeratorState> {
    return new FileSplitEnumerator(context, { paths: this.paths, monitorIntervalMs: this.monitorIntervalMs, state });
  }

  /** A reader reading one file at a time in chunks. */
  createReader(context: SourceReaderContext): SourceReader<T, FileSourceSplit> {
    return new FileSourceReader(context, this.format);
  }
}

/** Builds a {@link FileSource}; get one from {@link FileSource.forRecordStreamFormat}. */
export class FileSourceBuilder<T> {
  private monitorIntervalMs: number | undefined;

  /** Starts a builder for `paths` read with `format`. */
  constructor(
    private readonly format: StreamFormat<T>,
    private readonly paths: readonly string[],
  ) {}

  /** Reads new files found in the paths every `intervalMs` milliseconds, forever (the source becomes unbounded). */
  monitorContinuously(intervalMs: number): this {
    if (!Number.isFinite(intervalMs) || intervalMs <= 0) {
      throw new TypeError(`monitorContinuously needs a positive interval in milliseconds, got ${intervalMs}`);
    }
    this.monitorIntervalMs = intervalMs;
    return this;
  }

  /** Reads the files found when the job starts, then ends (the default). */
  processStaticFileSet(): this {
    this.monitorIntervalMs = undefined;
    return this;
  }

  /** Creates the source; invalid arguments throw a `TypeError`. */
  build(): FileSource<T> {
    return new FileSource(this.format, this.paths, this.monitorIntervalMs);
  }
}
