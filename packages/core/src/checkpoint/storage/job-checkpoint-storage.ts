/**
 * `JobCheckpointStorage`: the checkpoint storage of one job, made by {@link CheckpointStorage.createJobStorage}. The
 * checkpoint coordinator initializes a location per checkpoint, tasks write their state into it, the coordinator
 * commits the metadata (last, atomically), discards what the retention policy drops, and on recovery lists the
 * completed checkpoints and loads the newest valid one.
 *
 * Threading model: every method is asynchronous and may run concurrently with any other, from any number of callers
 * (the coordinator and the tasks of one process, or instances in several processes over the same storage): several
 * checkpoints may be in flight, and many tasks may write into one location at once, each under its own name. The
 * storage relies on one order only: `commit(location)` is called after every write whose handle it references has
 * resolved, and nothing is written to a location once its `commit` or `discard` has started. A listing sees a
 * checkpoint once its `commit` has resolved, and never a half-written one.
 *
 * Lifecycle: valid while its {@link CheckpointStorage} is open; it holds no resources of its own. After the storage
 * is closed every method rejects with `CHECKPOINT_STORAGE_FAILED`.
 *
 * @example
 * ```ts
 * const job = await storage.createJobStorage(jobId);
 * const location = await job.initializeLocation(7, 'checkpoint');
 * const handle = await job.writeState(location, 'map-1-0', bytes);   // in each task
 * await job.commit(location, { timestamp, handles: [handle], payload: { 'map-1': [handle.name] } });
 * for (const id of checkpointsToDiscard((await job.listCompleted()).map((l) => l.checkpointId), 3)) { ... }
 * const latest = await job.findLatestValid({ onWarning: (message) => log.warn(message) });
 * ```
 */
import type { CheckpointStorage, FindLatestValidOptions } from './checkpoint-storage.js';
import type { CheckpointKind, CheckpointStorageLocation, CompletedCheckpoint } from './checkpoint-storage-location.js';
import type { StateHandle } from './state-handle.js';

/** What the coordinator records when it commits a checkpoint; storage adds the version, job, id and kind. */
export interface CheckpointMetadataInput {
  /** When the checkpoint was triggered (ms since the epoch); default `Date.now()`. */
  readonly timestamp?: number;
  /** Every file the checkpoint references, its own and shared ones (a savepoint may not reference shared state). */
  readonly handles: readonly StateHandle[];
  /** The coordinator's data, opaque to storage; see `CheckpointMetadata.payload`. */
  readonly payload: unknown;
}

/** The checkpoint storage of one job; see the module documentation for the threading model. */
export interface JobCheckpointStorage {
  /** The job's id. */
  readonly jobId: string;
  /** The storage this job's checkpoints live in. */
  readonly storage: CheckpointStorage;

  /**
   * Prepares the location of checkpoint `checkpointId`: `<base>/<jobId>/chk-<n>` for a checkpoint (leftovers of an
   * earlier, uncompleted attempt at that id are removed; a completed checkpoint of that id is an error), or
   * `<targetDirectory>/savepoint-<jobId[0..6]>-<random>` for a savepoint (the target defaults to the storage's
   * `savepointDirectory`; without either it is a `TypeError`). Only savepoints take a target directory.
   */
  initializeLocation(checkpointId: number, kind: CheckpointKind, targetDirectory?: string): Promise<CheckpointStorageLocation>;

  /**
   * Writes one task's serialized state as file `name` of the location (durably, with a checksummed header) and
   * returns its handle. Writing a name again before the commit replaces the file.
   */
  writeState(location: CheckpointStorageLocation, name: string, bytes: Uint8Array): Promise<StateHandle>;

  /**
   * Writes shared state (incremental checkpoints) as `<jobId>/shared/<name>`, atomically, and returns its handle
   * (scope `'shared'`). Shared files are immutable: writing the same name with the same bytes again returns the same
   * handle; with other bytes it is a `TypeError` (name new content by its hash or a random id).
   */
  writeSharedState(name: string, bytes: Uint8Array): Promise<StateHandle>;

  /** Removes shared state files that no retained checkpoint references any more; missing files are ignored. */
  discardSharedState(handles: readonly StateHandle[]): Promise<void>;

  /**
   * Completes the checkpoint: checks that every referenced file exists with the recorded size, then writes
   * `_metadata` last and atomically (temporary file, sync, rename, directory sync). Returns the completed checkpoint.
   * Rejects with `CHECKPOINT_STORAGE_FAILED` when a referenced file is missing or the location is already committed.
   */
  commit(location: CheckpointStorageLocation, metadata: CheckpointMetadataInput): Promise<CompletedCheckpoint>;

  /**
   * Removes a checkpoint's or savepoint's own files (never shared state): `_metadata` first, so that an interrupted
   * discard leaves an incomplete checkpoint rather than a damaged one. Safe on a half-written location and twice.
   */
  discard(location: CheckpointStorageLocation): Promise<void>;

  /**
   * Removes the job's directory when nothing is left in it but an empty shared-state directory (its checkpoints were
   * all discarded, as when the job finished); leaves it otherwise. Safe to call twice.
   */
  removeIfEmpty(): Promise<void>;

  /**
   * The completed checkpoints of this job (those with a `_metadata` file), ascending by id, from the storage's
   * listing, so that a new process finds them. Savepoints are not listed. Nothing is verified here.
   */
  listCompleted(): Promise<CheckpointStorageLocation[]>;

  /**
   * The newest completed checkpoint of this job that verifies fully (see
   * {@link CheckpointStorage.findLatestValid}), or undefined; each one skipped is reported to `onWarning`.
   */
  findLatestValid(options?: Omit<FindLatestValidOptions, 'jobId'>): Promise<CompletedCheckpoint | undefined>;

  /**
   * Reads the state of `handle` from a checkpoint (a location or a pointer), verifying its size and checksum against
   * the handle; `CHECKPOINT_CORRUPT` naming the file otherwise. Same as {@link CheckpointStorage.readState}.
   */
  readState(checkpoint: CheckpointStorageLocation | string, handle: StateHandle): Promise<Uint8Array>;
}
