/** The contiguous range of key groups a parallel instance owns (Flink's `KeyGroupRange`). */
import { keyGroupRangeForSubtask, UPPER_BOUND_MAX_PARALLELISM } from '../keys/key-group.js';

/** The key groups `start..end`, both inclusive. */
export interface KeyGroupRange {
  /** The first key group. */
  readonly start: number;
  /** The last key group (inclusive). */
  readonly end: number;
}

/** The range owned by `subtaskIndex` of `parallelism` when there are `maxParallelism` key groups (frozen). */
export function keyGroupRangeOf(maxParallelism: number, parallelism: number, subtaskIndex: number): KeyGroupRange {
  return Object.freeze(keyGroupRangeForSubtask(maxParallelism, parallelism, subtaskIndex));
}

/** Whether `keyGroup` lies in `range`. */
export function keyGroupRangeContains(range: KeyGroupRange, keyGroup: number): boolean {
  return keyGroup >= range.start && keyGroup <= range.end;
}

/** Checks the parameters of a keyed part (backend, timer queue); throws `TypeError` naming the wrong one. */
export function checkParallelismParameters(maxParallelism: number, parallelism: number, subtaskIndex: number): void {
  if (!Number.isInteger(maxParallelism) || maxParallelism < 1 || maxParallelism > UPPER_BOUND_MAX_PARALLELISM) {
    throw new TypeError(`maxParallelism must be an integer from 1 to ${UPPER_BOUND_MAX_PARALLELISM}; got ${String(maxParallelism)}`);
  }
  if (!Number.isInteger(parallelism) || parallelism < 1 || parallelism > maxParallelism) {
    throw new TypeError(`parallelism must be an integer from 1 to maxParallelism (${maxParallelism}); got ${String(parallelism)}`);
  }
  if (!Number.isInteger(subtaskIndex) || subtaskIndex < 0 || subtaskIndex >= parallelism) {
    throw new TypeError(`subtaskIndex must be an integer from 0 to ${parallelism - 1}; got ${String(subtaskIndex)}`);
  }
}
