/**
 * Checkpoint storage: where checkpoints and savepoints are kept. The `CheckpointStorage` template with the local
 * directory and in-memory implementations, the per-job `JobCheckpointStorage` the checkpoint coordinator uses, the
 * metadata, and retention. The layout and the checksummed file format stay internal to this folder.
 *
 * @example
 * ```ts
 * import { checkpointStorageFromUri } from './checkpoint/storage/index.js';
 *
 * const storage = checkpointStorageFromUri('file:///var/lib/weir/checkpoints');
 * const job = await storage.createJobStorage(jobId);
 * const location = await job.initializeLocation(1, 'checkpoint');
 * const handle = await job.writeState(location, 'map-1-0', bytes);
 * await job.commit(location, { handles: [handle], payload: { 'map-1': [handle.name] } });
 * const latest = await job.findLatestValid();
 * ```
 */
export {
  CheckpointStorage,
  type CheckpointStorageOptions,
  type CheckpointStorageStatus,
  type CheckpointStorageSupports,
  type CheckpointWarningListener,
  type FindLatestValidOptions,
  type LoadCheckpointOptions,
} from './checkpoint-storage.js';
export type { CheckpointMetadataInput, JobCheckpointStorage } from './job-checkpoint-storage.js';
export type { CheckpointKind, CheckpointStorageLocation, CompletedCheckpoint } from './checkpoint-storage-location.js';
export { CHECKPOINT_METADATA_VERSION, type CheckpointMetadata } from './checkpoint-metadata.js';
export type { StateHandle, StateHandleScope } from './state-handle.js';
export {
  DEFAULT_LOCAL_CHECKPOINT_DIRECTORY,
  LocalDirectoryCheckpointStorage,
  type LocalDirectoryCheckpointStorageOptions,
} from './local-directory-checkpoint-storage.js';
export { MemoryCheckpointStorage, type MemoryCheckpointStorageOptions } from './memory-checkpoint-storage.js';
export { checkpointStorageFromUri } from './checkpoint-storage-from-uri.js';
export { checkpointsToDiscard } from './checkpoint-retention.js';
