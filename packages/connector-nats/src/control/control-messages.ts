/**
 * The control messages between a supervisor (JobManager) and the TaskManagers that host its actors on other
 * processes or hosts: deploy, start, cancel, checkpoint triggers and acknowledgements, heartbeats and failure reports.
 * Plain data, encoded as msgpack (core's value codec), each with a `type`; {@link validateControlMessage} checks every
 * field of a received message before anything acts on it.
 *
 * Every message that concerns a task names it by job, attempt, vertex and subtask, so a message of an older attempt
 * can be recognised and dropped (fencing), as frames are.
 */

/** Which task a message concerns. */
export interface TaskRef {
  readonly jobId: string;
  readonly attempt: number;
  readonly vertexId: string;
  readonly subtask: number;
}

/** An error as it travels: what a failure report carries. */
export interface ErrorInfo {
  readonly name: string;
  readonly message: string;
  /** The WeirError code, if any. */
  readonly code?: string;
}

/** JobManager -> TaskManager: deploy a task (not started yet), with its restored state if any. */
export interface DeployMessage extends TaskRef {
  readonly type: 'deploy';
  /** The content hash of the job bundle the TaskManager must run. */
  readonly bundle: string;
  /** The msgpack-encoded state of the task's operators, when the attempt starts from a checkpoint. */
  readonly restore?: Uint8Array;
}

/** JobManager -> TaskManager: start a deployed task. */
export interface StartMessage extends TaskRef {
  readonly type: 'start';
}

/** JobManager -> TaskManager: cancel a task. */
export interface CancelMessage extends TaskRef {
  readonly type: 'cancel';
}

/** JobManager -> TaskManager: a source task injects a checkpoint barrier. */
export interface TriggerCheckpointMessage extends TaskRef {
  readonly type: 'trigger-checkpoint';
  readonly checkpointId: number;
  readonly timestamp: number;
  readonly savepoint: boolean;
  /** Stop with savepoint without drain: the source stops reading behind the barrier. */
  readonly suspend: boolean;
}

/** JobManager -> TaskManager: a checkpoint completed (sinks commit). */
export interface CheckpointCompleteMessage extends TaskRef {
  readonly type: 'checkpoint-complete';
  readonly checkpointId: number;
}

/** TaskManager -> JobManager: a task took its part of a checkpoint. */
export interface AcknowledgeCheckpointMessage extends TaskRef {
  readonly type: 'acknowledge-checkpoint';
  readonly checkpointId: number;
  readonly state: Uint8Array;
}

/** TaskManager -> JobManager: a task could not take its part of a checkpoint. */
export interface DeclineCheckpointMessage extends TaskRef {
  readonly type: 'decline-checkpoint';
  readonly checkpointId: number;
  readonly error: ErrorInfo;
}

/** TaskManager -> JobManager: a task ended (FINISHED with its final snapshot, CANCELED, or FAILED with the error). */
export interface TaskEndedMessage extends TaskRef {
  readonly type: 'task-ended';
  readonly state: 'FINISHED' | 'CANCELED' | 'FAILED';
  readonly finalSnapshot?: Uint8Array;
  readonly error?: ErrorInfo;
}

/** Either way: I am alive. A TaskManager also says how many slots it has and which tasks run. */
export interface HeartbeatMessage {
  readonly type: 'heartbeat';
  /** The sender's id (a TaskManager id, or `jobmanager`). */
  readonly from: string;
  readonly timestamp: number;
  /** A TaskManager's slots. */
  readonly slots?: number;
  /** A TaskManager's running tasks. */
  readonly tasks?: readonly TaskRef[];
}

/** A client (the CLI) -> JobManager: the cluster's members and jobs. */
export interface ClusterStatusMessage {
  readonly type: 'cluster-status';
  /** Who asks (for the log). */
  readonly from: string;
}

/** Every control message. */
export type ControlMessage =
  | ClusterStatusMessage
  | DeployMessage
  | StartMessage
  | CancelMessage
  | TriggerCheckpointMessage
  | CheckpointCompleteMessage
  | AcknowledgeCheckpointMessage
  | DeclineCheckpointMessage
  | TaskEndedMessage
  | HeartbeatMessage;

/** The `type`s of control messages. */
export type ControlMessageType = ControlMessage['type'];

/** The answer to a control request: done (with an optional result), or refused with a code and a reason. */
export type ControlReply = { readonly ok: true; readonly result?: unknown } | { readonly ok: false; readonly code: string; readonly message: string };
