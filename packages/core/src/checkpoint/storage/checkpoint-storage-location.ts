/**
 * `CheckpointStorageLocation`: where one checkpoint or savepoint lives in checkpoint storage. Plain data (msgpack-able),
 * so the coordinator can hand a location to tasks in other processes, which write their state into it.
 */
import type { CheckpointMetadata } from './checkpoint-metadata.js';

/** A checkpoint (periodic, owned by weir, retained per policy) or a savepoint (triggered by a user, owned by them). */
export type CheckpointKind = 'checkpoint' | 'savepoint';

/** Where one checkpoint or savepoint lives. */
export interface CheckpointStorageLocation {
  /** The job that took it. */
  readonly jobId: string;
  /** Its checkpoint id. */
  readonly checkpointId: number;
  /** Checkpoint or savepoint. */
  readonly kind: CheckpointKind;
  /**
   * The external pointer: a string naming the location in its storage, which a later process (or a user, as
   * `weir run --from-savepoint <pointer>`) passes to `loadCompletedCheckpoint`. The local directory storage uses the
   * absolute path of the directory; the in-memory one `memory://<jobId>/chk-<n>`. `<pointer>/_metadata` names the
   * same checkpoint.
   */
  readonly pointer: string;
}

/** A completed checkpoint or savepoint: where it lives and its verified metadata. */
export interface CompletedCheckpoint {
  /** Where it lives (for a loaded savepoint: the job and id recorded in its metadata, and the pointer it was read from). */
  readonly location: CheckpointStorageLocation;
  /** Its metadata. */
  readonly metadata: CheckpointMetadata;
}
