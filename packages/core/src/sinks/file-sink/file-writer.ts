/**
 * The writer of a `FileSink` (Flink's `FileWriter`): routes records to buckets, rolls part files per the rolling
 * policy, hands out rolled files as committables at checkpoints and snapshots the open in-progress files.
 * See `connector/sink.ts` for the protocol the runtime follows and the threading model (one task, one call at a time).
 */
import { isAbsolute, join } from 'node:path';
import type { PrecommittingSinkWriter, SinkWriterContext } from '../../connector/sink.js';
import type { BucketAssigner, BucketAssignerContext } from './bucket-assigner.js';
import type { Encoder } from './encoder.js';
import { validateWriterBucketStates, type FileSinkCommittable, type FileWriterBucketState } from './file-sink-checkpoint-data.js';
import { FileWriterBucket, type FileWriterBucketSettings } from './file-writer-bucket.js';
import type { OutputFileConfig } from './output-file-config.js';
import type { RollingPolicy } from './rolling-policy.js';

/** What a `FileSink` hands its writers. */
export interface FileWriterConfig<T> {
  /** The absolute base path. */
  readonly basePath: string;
  /** Turns records into bytes. */
  readonly encoder: Encoder<T>;
  /** Decides when part files roll. */
  readonly rollingPolicy: RollingPolicy<T>;
  /** Picks each record's bucket. */
  readonly bucketAssigner: BucketAssigner<T>;
  /** Part file prefix and suffix. */
  readonly outputFileConfig: OutputFileConfig;
  /** How often (ms) the runtime should call `onProcessingTime`. */
  readonly bucketCheckInterval: number;
}

/**
 * The status of a file writer: `'open'` takes records; `'end-of-input'` after `flush(true)` (no more records; the
 * next `prepareCommit` rolls every part file); `'closed'` after `close()`.
 */
export type FileWriterStatus = 'open' | 'end-of-input' | 'closed';

/** The bucket assigner's view of the record being written; one object per writer, updated per record. */
class WriterBucketAssignerContext implements BucketAssignerContext {
  now = 0;
  recordTimestamp: number | undefined;

  currentProcessingTime(): number {
    return this.now;
  }

  timestamp(): number | undefined {
    return this.recordTimestamp;
  }
}

function checkCheckpointId(method: string, checkpointId: number): void {
  if (!Number.isSafeInteger(checkpointId) || checkpointId < 0) {
    throw new TypeError(`FileSink writer: ${method} needs a non-negative integer checkpoint id, got ${String(checkpointId)}`);
  }
}

/** Checks a bucket id from the assigner: a relative path inside the base path. */
function checkBucketId(bucketId: unknown): string {
  if (typeof bucketId !== 'string') {
    throw new TypeError(`FileSink: the bucket assigner must return a string bucket id, got ${typeof bucketId}`);
  }
  if (isAbsolute(bucketId) || bucketId.includes('\0') || bucketId.split(/[/\\]/).includes('..')) {
    throw new TypeError(`FileSink: the bucket id ${JSON.stringify(bucketId)} must be a relative path without '..' segments`);
  }
  return bucketId;
}

/** The writer of one `FileSink` subtask. Create it with {@link FileWriter.create}. */
export class FileWriter<T> implements PrecommittingSinkWriter<T, FileSinkCommittable, FileWriterBucketState> {
  /** How often (ms) the runtime should call {@link FileWriter.onProcessingTime}: the sink's bucket check interval. */
  readonly processingTimeInterval: number;
  private readonly buckets = new Map<string, FileWriterBucket<T>>();
  private readonly bucketSettings: FileWriterBucketSettings<T>;
  private readonly assignerContext = new WriterBucketAssignerContext();
  private readonly clock: () => number;
  private currentStatus: FileWriterStatus = 'open';

  private constructor(
    private readonly config: FileWriterConfig<T>,
    context: SinkWriterContext,
  ) {
    this.processingTimeInterval = config.bucketCheckInterval;
    this.bucketSettings = {
      subtaskIndex: context.subtaskIndex,
      encoder: config.encoder,
      rollingPolicy: config.rollingPolicy,
      outputFileConfig: config.outputFileConfig,
    };
    this.clock = typeof context.currentProcessingTime === 'function' ? () => context.currentProcessingTime!() : Date.now;
  }

  /**
   * Creates a writer, restoring `recoveredState` (the bucket states of a checkpoint): every in-progress file is
   * truncated to its valid length and written on; part counters continue. Malformed state throws
   * `WEIR_INVALID_STATE_SNAPSHOT`; a missing or too short in-progress file throws `WEIR_SINK_FAILED`.
   */
  static async create<T>(config: FileWriterConfig<T>, context: SinkWriterContext, recoveredState: readonly unknown[] = []): Promise<FileWriter<T>> {
    const states = validateWriterBucketStates(recoveredState);
    const writer = new FileWriter(config, context);
    try {
      for (const state of states) {
        let bucket = writer.buckets.get(state.bucketId);
        if (bucket === undefined) {
          bucket = new FileWriterBucket(state.bucketId, state.bucketPath, writer.bucketSettings);
          writer.buckets.set(state.bucketId, bucket);
        }
        await bucket.restore(state);
      }
    } catch (error) {
      await writer.close();
      throw error;
    }
    return writer;
  }

  /** The writer's status. */
  get status(): FileWriterStatus {
    return this.currentStatus;
  }

  /** Writes `element` to the in-progress file of its bucket; returns a promise only when a file is opened, rolled or written. */
  write(element: T, timestamp: number | undefined): void | Promise<void> {
    if (this.currentStatus !== 'open') throw new TypeError(`FileSink writer: write() after ${this.currentStatus === 'closed' ? 'close()' : 'flush(true)'}`);
    const now = this.clock();
    const context = this.assignerContext;
    context.now = now;
    context.recordTimestamp = timestamp;
    const bucketId = this.config.bucketAssigner.getBucketId(element, context);
    let bucket = this.buckets.get(bucketId);
    if (bucket === undefined) {
      bucket = new FileWriterBucket(bucketId, join(this.config.basePath, checkBucketId(bucketId)), this.bucketSettings);
      this.buckets.set(bucketId, bucket);
    }
    return bucket.write(element, now);
  }

  /** Writes buffered bytes to the in-progress files; `endOfInput` makes the next `prepareCommit` roll every file. */
  async flush(endOfInput: boolean): Promise<void> {
    this.checkNotClosed('flush');
    for (const bucket of this.buckets.values()) await bucket.flush();
    if (endOfInput) this.currentStatus = 'end-of-input';
  }

  /**
   * Rolls the in-progress files that the policy rolls on checkpoints (all of them after end of input) and returns
   * every file rolled since the last call as committables, synced to disk. As in Flink, buckets that got no records
   * since the previous checkpoint (no open or rolled file) are dropped first; a bucket that rolls at every checkpoint
   * but keeps getting records stays, with its uuid and part counter.
   */
  async prepareCommit(checkpointId: number): Promise<FileSinkCommittable[]> {
    this.checkNotClosed('prepareCommit');
    checkCheckpointId('prepareCommit', checkpointId);
    const committables: FileSinkCommittable[] = [];
    for (const [bucketId, bucket] of this.buckets) {
      if (bucket.isActive()) committables.push(...(await bucket.prepareCommit(this.currentStatus === 'end-of-input')));
      else this.buckets.delete(bucketId);
    }
    return committables;
  }

  /**
   * The state of every bucket: its open in-progress file, if any, with its path and valid length (written and synced
   * now), and its part counter. Must follow `prepareCommit(checkpointId)`, which hands out the rolled files.
   */
  async snapshotState(checkpointId: number): Promise<FileWriterBucketState[]> {
    this.checkNotClosed('snapshotState');
    checkCheckpointId('snapshotState', checkpointId);
    for (const bucket of this.buckets.values()) {
      if (bucket.hasPendingFiles()) {
        throw new TypeError(
          `FileSink writer: snapshotState(${checkpointId}) without prepareCommit(${checkpointId}) first; the files rolled since the last ` +
            'checkpoint would be in neither the committables nor the state',
        );
      }
    }
    const states: FileWriterBucketState[] = [];
    for (const bucket of this.buckets.values()) states.push(await bucket.snapshotState());
    return states;
  }

  /**
   * Rolls the in-progress files whose rollover or inactivity interval passed by processing time `currentTime`. The
   * runtime calls it every {@link FileWriter.processingTimeInterval} ms; records check the same before they are written.
   */
  async onProcessingTime(currentTime: number): Promise<void> {
    if (this.currentStatus !== 'open') return;
    for (const bucket of this.buckets.values()) await bucket.onProcessingTime(currentTime);
  }

  /**
   * Closes the open files without writing their buffers and without committing: what was not handed out stays in
   * hidden in-progress files (a restore from a checkpoint truncates and continues them). Safe to call twice.
   */
  async close(): Promise<void> {
    this.currentStatus = 'closed';
    const buckets = [...this.buckets.values()];
    this.buckets.clear();
    for (const bucket of buckets) await bucket.dispose();
  }

  private checkNotClosed(method: string): void {
    if (this.currentStatus === 'closed') throw new TypeError(`FileSink writer: ${method}() after close()`);
  }
}
