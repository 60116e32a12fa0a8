/**
 * What a `FileSink` stores in checkpoints, and its validation: committables (pending files to publish) and writer
 * bucket states (the open in-progress file of a bucket and how much of it is valid). Both are plain data (msgpack
 * round-trips them) with a `version`, and absolute paths, so any subtask of a later attempt can use them.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { ErrorCodes, WeirError } from '../../errors.js';

/** The version of the committables and writer states this release writes and reads. */
export const FILE_SINK_STATE_VERSION = 1;

/**
 * A pending part file: complete, synced to disk, under its hidden in-progress name. Committing it renames it to its
 * finished name in the same directory.
 */
export interface FileSinkCommittable {
  /** {@link FILE_SINK_STATE_VERSION}. */
  readonly version: number;
  /** The bucket the file belongs to. */
  readonly bucketId: string;
  /** The absolute path of the pending file (`.<name>.inprogress.<random>`). */
  readonly pendingPath: string;
  /** The absolute path it is committed to (`<name>`), in the same directory. */
  readonly finishedPath: string;
  /** The file's size in bytes. */
  readonly size: number;
}

/** The in-progress part file of a bucket as of a checkpoint. */
export interface InProgressFileState {
  /** The absolute path of the hidden in-progress file. */
  readonly path: string;
  /** The absolute path the file gets when it is rolled and committed. */
  readonly finishedPath: string;
  /** The bytes of the file that the checkpoint covers; a restored writer truncates the file to this length. */
  readonly validLength: number;
  /** The processing time (ms) at which the file was opened. */
  readonly creationTime: number;
  /** The processing time (ms) of the last write to the file. */
  readonly lastUpdateTime: number;
}

/** The state of one bucket of a `FileSink` writer, as of a checkpoint (Flink's `FileWriterBucketState`). */
export interface FileWriterBucketState {
  /** {@link FILE_SINK_STATE_VERSION}. */
  readonly version: number;
  /** The bucket's id. */
  readonly bucketId: string;
  /** The absolute path of the bucket's directory. */
  readonly bucketPath: string;
  /** The counter of the bucket's next part file; a restored writer continues from it. */
  readonly nextPartCounter: number;
  /** The open in-progress file, or null. */
  readonly inProgressFile: InProgressFileState | null;
}

/** Describes why `value` is not of the expected shape, or returns undefined when it is. */
type Check = (value: unknown) => string | undefined;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const describe = (value: unknown): string => {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
};

const checkVersion: Check = (value) =>
  value === FILE_SINK_STATE_VERSION ? undefined : `version ${describe(value)} is not supported (expected ${FILE_SINK_STATE_VERSION})`;
const checkString: Check = (value) => (typeof value === 'string' ? undefined : `expected a string, got ${describe(value)}`);
const checkAbsolutePath: Check = (value) =>
  typeof value === 'string' && value !== '' && isAbsolute(value) && !value.includes('\0')
    ? undefined
    : `expected an absolute path, got ${describe(value)}`;
const checkCount: Check = (value) =>
  Number.isSafeInteger(value) && (value as number) >= 0 ? undefined : `expected a non-negative integer, got ${describe(value)}`;
const checkTime: Check = (value) => (Number.isFinite(value) ? undefined : `expected a time in ms, got ${describe(value)}`);

/** The first problem of `value` against the field checks, as `field: problem`. */
function problemOf(value: unknown, fields: Readonly<Record<string, Check>>, prefix = ''): string | undefined {
  if (!isRecord(value)) return `${prefix === '' ? 'it' : prefix.slice(0, -1)} is ${describe(value)}, not an object`;
  for (const [name, check] of Object.entries(fields)) {
    const problem = check(value[name]);
    if (problem !== undefined) return `${prefix}${name}: ${problem}`;
  }
  return undefined;
}

function checkSameDirectory(a: string, b: string, what: string): string | undefined {
  return dirname(a) === dirname(b) ? undefined : `${what} are not in the same directory`;
}

const COMMITTABLE_FIELDS: Readonly<Record<string, Check>> = {
  version: checkVersion,
  bucketId: checkString,
  pendingPath: checkAbsolutePath,
  finishedPath: checkAbsolutePath,
  size: checkCount,
};

const BUCKET_STATE_FIELDS: Readonly<Record<string, Check>> = {
  version: checkVersion,
  bucketId: checkString,
  bucketPath: checkAbsolutePath,
  nextPartCounter: checkCount,
};

const IN_PROGRESS_FIELDS: Readonly<Record<string, Check>> = {
  path: checkAbsolutePath,
  finishedPath: checkAbsolutePath,
  validLength: checkCount,
  creationTime: checkTime,
  lastUpdateTime: checkTime,
};

/**
 * Why `value` is not a valid {@link FileSinkCommittable}, or undefined when it is.
 */
export function committableProblem(value: unknown): string | undefined {
  const problem = problemOf(value, COMMITTABLE_FIELDS);
  if (problem !== undefined) return problem;
  const c = value as FileSinkCommittable;
  return checkSameDirectory(c.pendingPath, c.finishedPath, 'pendingPath and finishedPath');
}

/**
 * Checks recovered writer states and returns them typed. A malformed one throws a `WeirError` with code
 * `WEIR_INVALID_STATE_SNAPSHOT` naming the state and the field; nothing is restored then.
 */
export function validateWriterBucketStates(states: unknown): FileWriterBucketState[] {
  if (!Array.isArray(states)) {
    throw new WeirError(ErrorCodes.INVALID_STATE_SNAPSHOT, `FileSink cannot restore its writer: the recovered state is ${describe(states)}, not an array`);
  }
  return states.map((state: unknown, index) => {
    let problem = problemOf(state, BUCKET_STATE_FIELDS);
    if (problem === undefined) {
      const s = state as FileWriterBucketState;
      if (s.inProgressFile !== null) {
        problem = problemOf(s.inProgressFile, IN_PROGRESS_FIELDS, 'inProgressFile.');
        if (problem === undefined) {
          problem =
            checkSameDirectory(s.inProgressFile.path, s.inProgressFile.finishedPath, 'inProgressFile.path and .finishedPath') ??
            (dirname(s.inProgressFile.path) === resolve(s.bucketPath) ? undefined : 'inProgressFile.path is not in bucketPath');
        }
      }
    }
    if (problem !== undefined) {
      throw new WeirError(
        ErrorCodes.INVALID_STATE_SNAPSHOT,
        `FileSink cannot restore its writer: recovered state #${index} is malformed (${problem}); nothing was restored`,
      );
    }
    return state as FileWriterBucketState;
  });
}
