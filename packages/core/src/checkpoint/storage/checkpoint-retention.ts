/**
 * Retention of completed checkpoints (Flink's `state.checkpoints.num-retained`). The coordinator drives it: after each
 * completed checkpoint it asks which ones to drop and calls `discard` on them (and `discardSharedState` for shared
 * files no retained checkpoint references any more).
 */
import { describeValue } from '../../state/state-key.js';

/**
 * The ids to discard so that only the newest `retain` of `completedIds` stay, ascending (oldest first). Duplicate ids
 * count once. Throws `TypeError` when `retain` is not a positive integer or an id is not a non-negative integer.
 *
 * @example
 * ```ts
 * checkpointsToDiscard([1, 2, 3, 4, 5], 3); // [1, 2]
 * ```
 */
export function checkpointsToDiscard(completedIds: Iterable<number>, retain: number): number[] {
  if (typeof retain !== 'number' || !Number.isSafeInteger(retain) || retain < 1) {
    throw new TypeError(`The number of retained checkpoints must be a positive integer; got ${describeValue(retain)}`);
  }
  const ids = new Set<number>();
  for (const id of completedIds) {
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) {
      throw new TypeError(`A checkpoint id must be a non-negative integer; got ${describeValue(id)}`);
    }
    ids.add(id);
  }
  const ascending = [...ids].sort((a, b) => a - b);
  return ascending.slice(0, Math.max(0, ascending.length - retain));
}
