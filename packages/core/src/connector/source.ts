/**
 * The `Source` interface, in the style of Flink's FLIP-27 sources: a source is split into splits; a
 * `SplitEnumerator` (one per source, run by the JobManager) discovers splits and assigns them to `SourceReader`s
 * (one per parallel source subtask, run by the task's actor). Readers report their position per split in
 * `snapshotState`, which checkpoints store and restore.
 *
 * Threading model: the enumerator's methods are called one at a time by the JobManager; a reader's methods are called
 * one at a time by its task's mailbox loop. `pollNext` must not block: when it has nothing, it returns
 * `NOTHING_AVAILABLE` and `isAvailable()` resolves once it may have more.
 * Lifecycle of a reader: `start` -> (`addSplits` | `pollNext` | `snapshotState`)* -> `notifyNoMoreSplits` -> ... -> `close`.
 */
import type { MetricGroup } from '../runtime/metrics.js';

/** Whether a source ends by itself. */
export type Boundedness = 'BOUNDED' | 'CONTINUOUS_UNBOUNDED';

/** A portion of a source's input: plain data (it is serialized with msgpack when it crosses processes). */
export interface SourceSplit {
  /** Unique among the splits of one source. */
  readonly splitId: string;
}

/** What `pollNext` reports. */
export type InputStatus = 'MORE_AVAILABLE' | 'NOTHING_AVAILABLE' | 'END_OF_INPUT';

/** Where a reader emits its records. */
export interface ReaderOutput<T> {
  /** Emits a record, with an event timestamp in milliseconds if the source has one. */
  collect(record: T, timestamp?: number): void;
}

/** What a reader may ask of its task. */
export interface SourceReaderContext {
  /** The index of this reader's subtask. */
  readonly subtaskIndex: number;
  /** The parallelism of the source. */
  readonly parallelism: number;
  /** Asks the enumerator for a split; it answers with `addSplits` or `notifyNoMoreSplits`. */
  sendSplitRequest(): void;
  /** The source's metrics (counters summed over subtasks, read with `JobClient.getMetrics()` as `<uid or name>.<name>`). */
  readonly metrics?: MetricGroup;
}

/** Reads the records of the splits assigned to one subtask. */
export interface SourceReader<T, SplitT extends SourceSplit> {
  /** Called once before anything else. */
  start(): void | Promise<void>;
  /** Emits what is available now (one or more records) and says whether more is available. Never blocks. */
  pollNext(output: ReaderOutput<T>): InputStatus;
  /** Resolves when `pollNext` may have records again after it returned `NOTHING_AVAILABLE`. */
  isAvailable(): Promise<void>;
  /** Adds splits that the enumerator assigned to this reader. */
  addSplits(splits: SplitT[]): void;
  /** The enumerator will assign no more splits: the reader ends once its splits are read. */
  notifyNoMoreSplits(): void;
  /** The unfinished splits with their current positions, for a checkpoint. */
  snapshotState(checkpointId: number): SplitT[];
  /** Releases resources; safe to call twice. */
  close(): void | Promise<void>;
}

/** What an enumerator may ask of the JobManager. */
export interface SplitEnumeratorContext<SplitT extends SourceSplit> {
  /** The parallelism of the source. */
  currentParallelism(): number;
  /** The subtasks whose readers are registered. */
  registeredReaders(): ReadonlySet<number>;
  /** Assigns a split to the reader of a subtask. */
  assignSplit(split: SplitT, subtask: number): void;
  /** Tells a reader that no more splits will come. */
  signalNoMoreSplits(subtask: number): void;
  /**
   * Runs `callable` off the enumerator (once, or every `periodMs` after `initialDelayMs`) and hands the result to
   * `handler` back in the enumerator's thread of control. Used for directory scans.
   */
  callAsync<R>(
    callable: () => Promise<R>,
    handler: (result: R | undefined, error: unknown) => void,
    initialDelayMs?: number,
    periodMs?: number,
  ): void;
}

/** Discovers splits and assigns them to readers. */
export interface SplitEnumerator<SplitT extends SourceSplit, EnumState> {
  /** Called once before anything else. */
  start(): void;
  /** The reader of `subtask` asks for a split. */
  handleSplitRequest(subtask: number): void;
  /** Splits that a failed reader had not finished come back (they are reassigned). */
  addSplitsBack(splits: SplitT[], subtask: number): void;
  /** A reader registered. */
  addReader(subtask: number): void;
  /** The enumerator's state for a checkpoint. */
  snapshotState(checkpointId: number): EnumState;
  /** Releases resources; safe to call twice. */
  close(): void | Promise<void>;
}

/** A source in Flink's style: a factory of an enumerator and readers. */
export interface Source<T, SplitT extends SourceSplit = SourceSplit, EnumState = unknown> {
  /** Whether the source ends by itself. BATCH mode requires `BOUNDED`. */
  getBoundedness(): Boundedness;
  /** Creates the enumerator for a fresh start. */
  createEnumerator(context: SplitEnumeratorContext<SplitT>): SplitEnumerator<SplitT, EnumState>;
  /** Creates the enumerator from checkpointed state. */
  restoreEnumerator(context: SplitEnumeratorContext<SplitT>, state: EnumState): SplitEnumerator<SplitT, EnumState>;
  /** Creates a reader for one subtask. */
  createReader(context: SourceReaderContext): SourceReader<T, SplitT>;
  /** The largest parallelism the source supports (1 for non-parallel sources such as a socket); default unlimited. */
  readonly maxParallelism?: number;
}
