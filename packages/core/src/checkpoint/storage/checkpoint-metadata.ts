/**
 * `CheckpointMetadata`: the content of a checkpoint's `_metadata` file, and its msgpack encoding. The file is written
 * last and atomically by `commit`; once it exists the checkpoint is complete. Decoding validates the shape and throws
 * `CHECKPOINT_CORRUPT` naming the file and the problem.
 */
import { packValue, unpackValue } from '../../codec/value-packr.js';
import { describeCause } from '../../errors.js';
import { describeValue } from '../../state/state-key.js';
import { isValidEntryName } from './checkpoint-layout.js';
import { corruptCheckpointFile } from './checkpoint-file-format.js';
import type { CheckpointKind } from './checkpoint-storage-location.js';
import { copyStateHandle, describeStateHandleProblem, stateHandleKey, type StateHandle } from './state-handle.js';

/** The version of the metadata format written here; the only one read. */
export const CHECKPOINT_METADATA_VERSION = 1;

/** The content of a checkpoint's `_metadata` file. */
export interface CheckpointMetadata {
  /** The metadata format version, {@link CHECKPOINT_METADATA_VERSION}. */
  readonly version: number;
  /** The job that took the checkpoint. */
  readonly jobId: string;
  /** The checkpoint id. */
  readonly checkpointId: number;
  /** Checkpoint or savepoint. */
  readonly kind: CheckpointKind;
  /** When the checkpoint was taken (ms since the epoch; the coordinator's trigger time). */
  readonly timestamp: number;
  /** Every file the checkpoint references, its own and shared ones; verified when the checkpoint is loaded. */
  readonly handles: readonly StateHandle[];
  /**
   * The coordinator's data (for example operator -> subtask -> handle names), opaque to storage. It goes through
   * msgpack: plain objects, arrays, strings, numbers, bigints, booleans, null, undefined and binary round-trip;
   * a `Map` comes back as a plain object.
   */
  readonly payload: unknown;
}


/** Encodes metadata as msgpack. Throws `TypeError` when the payload cannot be encoded. */
export function encodeCheckpointMetadata(metadata: CheckpointMetadata): Uint8Array {
  const record = {
    version: metadata.version,
    jobId: metadata.jobId,
    checkpointId: metadata.checkpointId,
    kind: metadata.kind,
    timestamp: metadata.timestamp,
    handles: metadata.handles.map(copyStateHandle),
    payload: metadata.payload,
  };
  try {
    // As record values are written (Maps, -0 and more types kept), so enumerator state in the payload survives.
    return packValue(record);
  } catch (error) {
    throw new TypeError(
      `The metadata of checkpoint ${metadata.checkpointId} of job ${metadata.jobId} cannot be encoded with msgpack: ${describeCause(error)}`,
      { cause: error },
    );
  }
}

/**
 * Decodes what {@link encodeCheckpointMetadata} wrote. `file` names the `_metadata` file in errors. Throws
 * `CHECKPOINT_CORRUPT` for bytes that are not msgpack, an unknown version or a wrong shape.
 */
export function decodeCheckpointMetadata(bytes: Uint8Array, file: string): CheckpointMetadata {
  let raw: unknown;
  try {
    raw = unpackValue(bytes);
  } catch (error) {
    throw corruptCheckpointFile(file, `its content is not valid msgpack: ${describeCause(error)}`, error);
  }
  const problem = (text: string): Error => corruptCheckpointFile(file, text);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw problem(`expected a metadata object, got ${describeValue(raw)}`);
  const { version, jobId, checkpointId, kind, timestamp, handles, payload } = raw as Record<string, unknown>;
  if (version !== CHECKPOINT_METADATA_VERSION) {
    throw problem(`unsupported metadata version ${describeValue(version)} (this weir reads version ${CHECKPOINT_METADATA_VERSION})`);
  }
  if (!isValidEntryName(jobId)) throw problem(`invalid job id ${describeValue(jobId)}`);
  if (typeof checkpointId !== 'number' || !Number.isSafeInteger(checkpointId) || checkpointId < 0) {
    throw problem(`invalid checkpoint id ${describeValue(checkpointId)}`);
  }
  if (kind !== 'checkpoint' && kind !== 'savepoint') throw problem(`invalid kind ${describeValue(kind)}`);
  if (typeof timestamp !== 'number' || !Number.isFinite(timestamp)) throw problem(`invalid timestamp ${describeValue(timestamp)}`);
  if (!Array.isArray(handles)) throw problem(`handles must be an array, got ${describeValue(handles)}`);
  const seen = new Set<string>();
  const cleanHandles: StateHandle[] = [];
  for (const handle of handles as unknown[]) {
    const handleProblem = describeStateHandleProblem(handle);
    if (handleProblem !== undefined) throw problem(handleProblem);
    const clean = copyStateHandle(handle as StateHandle);
    const key = stateHandleKey(clean);
    if (seen.has(key)) throw problem(`it lists the ${clean.scope} state file "${clean.name}" twice`);
    seen.add(key);
    cleanHandles.push(clean);
  }
  return { version, jobId, checkpointId, kind, timestamp, handles: cleanHandles, payload };
}
