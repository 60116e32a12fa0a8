/**
 * The layout of checkpoint storage, the same for every implementation (as in Flink):
 *
 * ```text
 * <base>/<jobId>/chk-<n>/_metadata        written last and atomically: the checkpoint is complete once it exists
 * <base>/<jobId>/chk-<n>/<state name>     one task's serialized state (exclusive to the checkpoint)
 * <base>/<jobId>/shared/<state name>      shared state of incremental checkpoints, referenced by several of them
 * <target>/savepoint-<jobId[0..6]>-<12 hex digits>/   a savepoint: `_metadata` and state files, self-contained
 * ```
 *
 * Names of jobs and state files are restricted to a portable set (letters, digits, `.`, `_`, `-`; starting with a
 * letter or digit; at most 200 characters; not ending in `.tmp`) so that they are valid file names and object keys
 * everywhere, and never collide with `_metadata` or temporary files.
 */
import { randomBytes } from 'node:crypto';
import { describeValue } from '../../state/state-key.js';

/** The name of the file that completes a checkpoint: written last, atomically. */
export const METADATA_FILE_NAME = '_metadata';

/** The name of the directory, inside a job's directory, that holds shared (incremental) state. */
export const SHARED_STATE_DIRECTORY_NAME = 'shared';

const ENTRY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;
const CHECKPOINT_DIRECTORY = /^chk-(0|[1-9][0-9]{0,15})$/;
const SAVEPOINT_DIRECTORY = /^savepoint-[A-Za-z0-9._-]{1,6}-[0-9a-f]{12}$/;

/** True when `name` is a valid job id or state file name (see the module documentation). */
export function isValidEntryName(name: unknown): name is string {
  return typeof name === 'string' && ENTRY_NAME.test(name) && !name.endsWith('.tmp');
}

/** Returns `name` if it is a valid job id or state file name; throws `TypeError` naming `what` otherwise. */
export function checkEntryName(what: string, name: unknown): string {
  if (isValidEntryName(name)) return name;
  throw new TypeError(
    `${what} must be 1 to 200 letters, digits, ".", "_" or "-", starting with a letter or digit and not ending in ".tmp"; got ${describeValue(name)}`,
  );
}

/** Returns `checkpointId` if it is a non-negative safe integer; throws `TypeError` otherwise. */
export function checkCheckpointId(checkpointId: unknown): number {
  if (typeof checkpointId === 'number' && Number.isSafeInteger(checkpointId) && checkpointId >= 0) return checkpointId;
  throw new TypeError(`A checkpoint id must be a non-negative integer; got ${describeValue(checkpointId)}`);
}

/** The directory name of checkpoint `checkpointId`: `chk-<n>`. */
export function checkpointDirectoryName(checkpointId: number): string {
  return `chk-${checkpointId}`;
}

/** The checkpoint id of a directory named `chk-<n>`, or undefined for any other name. */
export function parseCheckpointDirectoryName(name: string): number | undefined {
  const match = CHECKPOINT_DIRECTORY.exec(name);
  if (match === null) return undefined;
  const id = Number(match[1]);
  return Number.isSafeInteger(id) ? id : undefined;
}

/** A fresh savepoint directory name, as Flink names them: `savepoint-<first 6 characters of the job id>-<12 hex>`. */
export function savepointDirectoryName(jobId: string): string {
  return `savepoint-${jobId.slice(0, 6)}-${randomBytes(6).toString('hex')}`;
}

/** True for a name made by {@link savepointDirectoryName}. */
export function isSavepointDirectoryName(name: string): boolean {
  return SAVEPOINT_DIRECTORY.test(name);
}
