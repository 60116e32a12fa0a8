/**
 * The enumerator of sources whose splits are all known up front (collections, number sequences, data generators,
 * the socket source), like Flink's `IteratorSourceEnumerator`: it hands one pending split to each reader that asks
 * and tells a reader that asks when none is left that no more splits will come.
 *
 * Threading model: its methods are called one at a time by the JobManager (see `connector/source.ts`).
 */
import type { SourceSplit, SplitEnumerator, SplitEnumeratorContext } from '../connector/source.js';

/** Assigns a fixed list of splits, one per split request, then signals that no more splits will come. */
export class IteratorSourceEnumerator<SplitT extends SourceSplit> implements SplitEnumerator<SplitT, SplitT[]> {
  private readonly remaining: SplitT[];

  /** Creates the enumerator over `splits` (the pending splits; the enumerator's state is the ones not yet assigned). */
  constructor(
    private readonly context: SplitEnumeratorContext<SplitT>,
    splits: readonly SplitT[],
  ) {
    this.remaining = [...splits];
  }

  /** Nothing to do: readers ask for splits. */
  start(): void {}

  /** Assigns the next pending split to `subtask`, or signals that no more splits will come. */
  handleSplitRequest(subtask: number): void {
    const split = this.remaining.shift();
    if (split === undefined) this.context.signalNoMoreSplits(subtask);
    else this.context.assignSplit(split, subtask);
  }

  /** Takes back the unfinished splits of a failed reader; they go to the next readers that ask. */
  addSplitsBack(splits: SplitT[], _subtask: number): void {
    this.remaining.unshift(...splits);
  }

  /** Nothing to do: a reader asks for a split once it is started. */
  addReader(_subtask: number): void {}

  /** The splits not yet assigned. */
  snapshotState(_checkpointId: number): SplitT[] {
    return [...this.remaining];
  }

  /** Nothing to release. */
  close(): void {}
}
