/**
 * The runtime operator contract. Operators run inside their task's mailbox (never concurrently with themselves).
 * Lifecycle: `setup` -> `open` -> (`processElement` | `processWatermark`)* -> `endInput` per input -> `finish` -> `close`.
 * Every method may return a promise; the caller awaits it before the next call, so order is preserved, and a
 * synchronous operator costs no promise at all.
 */
import type { OperatorSnapshot, RestoredOperatorState } from '../checkpoint/task-state.js';
import type { RuntimeContext } from '../functions/user-functions.js';
import type { Key } from '../keys/key-group.js';
import type { StateBackend } from '../state/state-backend.js';
import type { MetricGroup } from './metrics.js';
import type { ProcessingTimeService } from './processing-time-service.js';

/** `void` for synchronous work, a promise for asynchronous work. */
export type MaybePromise = void | Promise<void>;

/** True when `value` is a promise (a thenable). */
export function isPromise(value: unknown): value is Promise<void> {
  return value !== undefined && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** Where an operator emits. */
export interface Output {
  /** Emits a record downstream. */
  collect(value: unknown, timestamp: number | undefined): MaybePromise;
  /** Emits a record to the side output named `tagId`. */
  collectSide(tagId: string, value: unknown, timestamp: number | undefined): MaybePromise;
  /** Forwards a watermark downstream. */
  emitWatermark(watermark: number): MaybePromise;
  /** Forwards a change of watermark status downstream (idle: left out of downstream watermarks). */
  emitWatermarkStatus(idle: boolean): MaybePromise;
}

/** The mode the job runs in once AUTOMATIC is resolved. */
export type ExecutionMode = 'STREAMING' | 'BATCH';

/** What an operator knows of its place in the job. */
export interface OperatorContext {
  /** The operator's name. */
  readonly name: string;
  /** The operator's uid, if set. */
  readonly uid: string | undefined;
  /** The subtask index. */
  readonly subtaskIndex: number;
  /** The operator's parallelism. */
  readonly parallelism: number;
  /** The operator's max parallelism (number of key groups). */
  readonly maxParallelism: number;
  /** The execution attempt (0, then +1 per restart). */
  readonly attempt: number;
  /** The job's id. */
  readonly jobId: string;
  /** STREAMING or BATCH. */
  readonly mode: ExecutionMode;
  /** The key selectors per input of a keyed operator. */
  readonly keySelectors: readonly (((value: any) => Key) | undefined)[] | undefined;
  /** The 1-based position of the record the task is processing (for error messages). */
  recordPosition(): number | undefined;
  /** The current processing time. */
  currentProcessingTime(): number;
  /** Sends records to the client that runs `executeAndCollect` (collect sinks only). */
  sendToClient(sinkId: string, values: unknown[]): void;
  /** The runtime context handed to user functions' `open`. */
  readonly runtimeContext: RuntimeContext;
  /** Processing time and processing-time timers (callbacks run as mail of the task). */
  readonly processingTimeService: ProcessingTimeService;
  /** The auto-watermark interval in ms (0: no periodic watermarks). */
  readonly autoWatermarkIntervalMs: number;
  /** The state backend keyed operators create their keyed state in. */
  readonly stateBackend: StateBackend;
  /** The operator's stable id for state: its uid, or its id in the job graph. */
  readonly operatorId: string;
  /** The operator instance's metrics (counters summed over subtasks by the JobManager). */
  readonly metrics: MetricGroup;
  /** The state this instance is restored from (a checkpoint or savepoint), or undefined on a fresh start. */
  readonly restored?: RestoredOperatorState;
  /** Whether the job takes checkpoints (periodic ones, or a final one at the end of bounded input in BATCH mode). */
  readonly checkpointing?: boolean;
  /** The interval of periodic checkpoints in ms, when the job takes them. */
  readonly checkpointIntervalMs?: number;
}

/** A runtime operator. */
export interface StreamOperator {
  /** Wires the operator to its context and output; called once before `open`. */
  setup(context: OperatorContext, output: Output): void;
  /** Opens user functions. */
  open(): MaybePromise;
  /** Processes one record of input `inputIndex` (0 or 1). */
  processElement(value: unknown, timestamp: number | undefined, inputIndex: number): MaybePromise;
  /** Processes a watermark (the operator's combined input watermark advanced). */
  processWatermark(watermark: number): MaybePromise;
  /** The operator's input became idle (`true`) or active again. */
  processWatermarkStatus(idle: boolean): MaybePromise;
  /** Input `inputIndex` ended (bounded input). */
  endInput(inputIndex: number): MaybePromise;
  /** All input ended: emit what is left. */
  finish(): MaybePromise;
  /**
   * Takes this instance's part of checkpoint `checkpointId`, before the barrier goes downstream: nothing else runs
   * on the task until it returns (or its promise resolves).
   */
  snapshotState(checkpointId: number, timestamp: number): OperatorSnapshot | Promise<OperatorSnapshot>;
  /** Checkpoint `checkpointId` completed (every task acknowledged it and its metadata is written). */
  notifyCheckpointComplete(checkpointId: number): MaybePromise;
  /** Releases resources; called on success and on failure. */
  close(): MaybePromise;
}

/** Creates a fresh operator instance for each subtask (and each attempt). */
export type StreamOperatorFactory = () => StreamOperator;
