/**
 * Hooks of user functions into checkpoints (Flink's `CheckpointedFunction` and `CheckpointListener`). A function
 * object that has `initializeState` and `snapshotState` keeps operator state: lists that survive failures and
 * rescaling. Both may be async. Called by the operator's task, one at a time with the function's other methods.
 * Lifecycle: `initializeState` (before `open`) -> (`snapshotState` per checkpoint, `notifyCheckpointComplete` when
 * one completes)* -> `close`.
 */
import type { OperatorStateStore } from '../state/operator-state-store.js';

/** What `initializeState` gets. */
export interface FunctionInitializationContext {
  /** True when the operator is restored from a checkpoint or savepoint (its states hold the restored items). */
  isRestored(): boolean;
  /** The operator state store: `getListState(descriptor)`, `getUnionListState(descriptor)`. */
  getOperatorStateStore(): OperatorStateStore;
}

/** What `snapshotState` gets. */
export interface FunctionSnapshotContext {
  /** The id of the checkpoint being taken. */
  getCheckpointId(): number;
  /** When the checkpoint was triggered (ms since the epoch). */
  getCheckpointTimestamp(): number;
}

/** A function with operator state. */
export interface CheckpointedFunction {
  /** Creates (and on restore, reads) the function's operator states. */
  initializeState(context: FunctionInitializationContext): void | Promise<void>;
  /** Writes the function's current state into its operator states for a checkpoint. */
  snapshotState(context: FunctionSnapshotContext): void | Promise<void>;
}

/** A function told when checkpoints complete (for example to commit side effects). */
export interface CheckpointListener {
  /** Checkpoint `checkpointId` completed: every task acknowledged it and its metadata is written. */
  notifyCheckpointComplete(checkpointId: number): void | Promise<void>;
}

/** True when `f` implements {@link CheckpointedFunction}. */
export function isCheckpointedFunction(f: unknown): f is CheckpointedFunction {
  return (
    typeof f === 'object' &&
    f !== null &&
    typeof (f as CheckpointedFunction).initializeState === 'function' &&
    typeof (f as CheckpointedFunction).snapshotState === 'function'
  );
}

/** True when `f` implements {@link CheckpointListener}. */
export function isCheckpointListener(f: unknown): f is CheckpointListener {
  return typeof f === 'object' && f !== null && typeof (f as CheckpointListener).notifyCheckpointComplete === 'function';
}
