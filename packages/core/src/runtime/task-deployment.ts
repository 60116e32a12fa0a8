/**
 * What the JobManager hands a TaskManager to start one subtask of a job vertex, and the services a task calls back
 * on (its JobManager). In the embedded runtime these are direct calls; across processes they become messages.
 */
import type { RestoredOperatorState } from '../checkpoint/task-state.js';
import type { SourceSplit } from '../connector/source.js';
import type { BarrierHandling } from './input-gate.js';
import type { JobGraph, JobVertex } from '../graph/job-graph.js';
import type { ExecutionMode } from './stream-operator.js';
import type { StateBackend } from '../state/state-backend.js';
import type { MetricGroup } from './metrics.js';
import type { Transport } from './transport.js';

/** Runtime settings of a job's tasks. */
export interface TaskSettings {
  /** Records per frame. */
  readonly frameSize: number;
  /** Buffer timeout: > 0 flush period in ms, 0 flush after every record, -1 only full frames. */
  readonly bufferTimeoutMs: number;
  /** Frames a receiver lets each sender have in flight. */
  readonly initialCredits: number;
  /** The auto-watermark interval in ms (0: no periodic watermarks). */
  readonly autoWatermarkIntervalMs: number;
}

/** One subtask to run. */
export interface TaskDeployment {
  readonly jobId: string;
  readonly jobName: string;
  readonly attempt: number;
  readonly jobGraph: JobGraph;
  readonly vertex: JobVertex;
  readonly subtaskIndex: number;
  readonly mode: ExecutionMode;
  readonly settings: TaskSettings;
  /** The state backend of the job. */
  readonly stateBackend: StateBackend;
  /** How the task takes part in checkpoints. */
  readonly checkpointing: TaskCheckpointing;
  /** The state of the task's operators (by operator id) when the attempt starts from a checkpoint or savepoint. */
  readonly restore?: ReadonlyMap<string, RestoredOperatorState>;
}

/** How a task takes part in checkpoints. */
export interface TaskCheckpointing {
  /** Whether the job takes periodic checkpoints. */
  readonly enabled: boolean;
  /** Their interval in ms, when enabled. */
  readonly interval?: number;
  /** How barriers are handled on multi-channel inputs. */
  readonly mode: BarrierHandling;
  /**
   * Whether the task ends with a final checkpoint: at the end of input it reports its final snapshot (only taken with
   * periodic checkpoints) and waits until every task did, so that two-phase-commit sinks commit their last output
   * exactly once.
   */
  readonly finalCheckpoint: boolean;
}

/** The calls a task makes to its JobManager. */
export interface TaskServices {
  /** The transport for the task's channels. */
  readonly transport: Transport;
  /** A source reader started: the enumerator may assign splits to it. */
  registerReader(vertexId: string, subtask: number): void;
  /** A source reader asks for a split. */
  requestSplit(vertexId: string, subtask: number): void;
  /** The metric group of an operator instance (scope: its uid or name). */
  metricGroup(scope: string): MetricGroup;
  /** A collect sink sends records to the client. */
  sendToClient(sinkId: string, attempt: number, values: unknown[]): void;
  /** The task took its part of checkpoint `checkpointId` (a msgpack-encoded `TaskSnapshot`). */
  acknowledgeCheckpoint(vertexId: string, subtask: number, checkpointId: number, state: Uint8Array): void;
  /** The task could not take its part of checkpoint `checkpointId`. */
  declineCheckpoint(vertexId: string, subtask: number, checkpointId: number, error: Error): void;
  /** The task reached the end of its input and took its final snapshot; it now waits for the final checkpoint. */
  reportFinished(vertexId: string, subtask: number, state: Uint8Array): void;
}

/**
 * A deployed task as its JobMaster drives it, wherever it runs: in this process (a `StreamTask`), or on a TaskManager
 * elsewhere (a proxy that turns each call into a control message).
 */
export interface TaskHandle {
  /** A name for logs and errors: `vertex name (i/p)`. */
  readonly taskName: string;
  /** Puts mail into the task's mailbox. */
  send(mail: TaskMail): void;
  /** Asks the task to stop; it then ends as CANCELED. */
  cancel(): void;
  /** Closes the task's outgoing channels (after the attempt ended). */
  closeChannels(): void;
}

/** Mail for a task's mailbox. */
export type TaskMail =
  | { readonly kind: 'add-splits'; readonly splits: SourceSplit[] }
  | { readonly kind: 'no-more-splits' }
  | { readonly kind: 'flush' }
  | { readonly kind: 'timer'; readonly time: number; readonly callback: (time: number) => void | Promise<void> }
  | { readonly kind: 'cancel' }
  | {
      readonly kind: 'trigger-checkpoint';
      readonly checkpointId: number;
      readonly timestamp: number;
      readonly savepoint: boolean;
      /** Stop with savepoint without draining: a source stops reading right behind this barrier. */
      readonly suspend?: boolean;
    }
  | { readonly kind: 'checkpoint-complete'; readonly checkpointId: number }
  /** A stop-with-savepoint without drain failed: a suspended source reads again. */
  | { readonly kind: 'resume' }
  /** A stop-with-savepoint without drain completed: the task ends at once, without finishing its operators. */
  | { readonly kind: 'terminate' }
  /**
   * Stop with savepoint and drain: a source ends its input here (the maximum watermark fires every timer and
   * window), and every task takes its final snapshot, which becomes the savepoint.
   */
  | { readonly kind: 'drain' };

/** How a task ended. */
export type TaskOutcome = { readonly state: 'FINISHED' } | { readonly state: 'CANCELED' } | { readonly state: 'FAILED'; readonly error: Error };
