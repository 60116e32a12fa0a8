/**
 * `StateHandle`: what checkpoint storage returns for a file it wrote and what a checkpoint's metadata lists for every
 * file the checkpoint references. Plain data (msgpack-able), so handles travel between processes.
 */
import { describeValue } from '../../state/state-key.js';
import { isValidEntryName } from './checkpoint-layout.js';

/**
 * Where a state file lives: `'exclusive'` in the checkpoint's own directory (removed with the checkpoint), or
 * `'shared'` in the job's `shared/` directory (incremental state that several checkpoints reference; removed only by
 * `discardSharedState`).
 */
export type StateHandleScope = 'exclusive' | 'shared';

/** One state file of a checkpoint. */
export interface StateHandle {
  /** The file's name within its directory. */
  readonly name: string;
  /** The length of the state in bytes (without the file's header). */
  readonly size: number;
  /** The CRC-32 (`zlib.crc32`) of the state, unsigned. */
  readonly checksum: number;
  /** Whether the file belongs to one checkpoint or is shared between checkpoints. */
  readonly scope: StateHandleScope;
}

/** What is wrong with `value` as a state handle, or undefined when it is a valid one. */
export function describeStateHandleProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return `expected a state handle object, got ${describeValue(value)}`;
  const { name, size, checksum, scope } = value as Record<string, unknown>;
  if (!isValidEntryName(name)) return `invalid state file name ${describeValue(name)}`;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    return `state handle "${name}": size must be a non-negative integer, got ${describeValue(size)}`;
  }
  if (typeof checksum !== 'number' || !Number.isInteger(checksum) || checksum < 0 || checksum > 0xffffffff) {
    return `state handle "${name}": checksum must be an unsigned 32-bit integer, got ${describeValue(checksum)}`;
  }
  if (scope !== 'exclusive' && scope !== 'shared') {
    return `state handle "${name}": scope must be "exclusive" or "shared", got ${describeValue(scope)}`;
  }
  return undefined;
}

/** Returns a clean copy of `value` if it is a valid state handle; throws `TypeError` naming `what` otherwise. */
export function checkStateHandle(what: string, value: unknown): StateHandle {
  const problem = describeStateHandleProblem(value);
  if (problem !== undefined) throw new TypeError(`${what}: ${problem}`);
  return copyStateHandle(value as StateHandle);
}

/** A copy of a valid handle with exactly its four fields. */
export function copyStateHandle(handle: StateHandle): StateHandle {
  return { name: handle.name, size: handle.size, checksum: handle.checksum, scope: handle.scope };
}

/** A key identifying a handle's file within a checkpoint (`scope/name`), for finding duplicates. */
export function stateHandleKey(handle: StateHandle): string {
  return `${handle.scope}/${handle.name}`;
}
