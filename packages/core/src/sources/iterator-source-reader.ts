/**
 * The base of readers whose splits are in-memory ranges (collections, number sequences, data generators), like
 * Flink's `IteratorSourceReaderBase`: it asks the enumerator for a split whenever it has none, emits records of its
 * splits in batches, and ends once it has none and the enumerator said no more will come.
 *
 * Threading model and lifecycle: those of `SourceReader` (see `connector/source.ts`); restored splits may be added
 * before `start`.
 */
import type { InputStatus, ReaderOutput, SourceReader, SourceReaderContext, SourceSplit } from '../connector/source.js';
import { AvailabilitySignal } from './availability-signal.js';

/** The largest number of records one `pollNext` call emits, so a task's mailbox keeps turning. */
export const ITERATOR_READER_BATCH_SIZE = 1024;

/**
 * Reads splits that hold their records (or how to compute them) in memory. `PositionT` is the reader's mutable view of
 * a split; subclasses convert between it and the split, count what remains, and emit records.
 */
export abstract class IteratorSourceReader<T, SplitT extends SourceSplit, PositionT = SplitT>
  implements SourceReader<T, SplitT>
{
  private readonly availability = new AvailabilitySignal();
  private readonly queued: PositionT[] = [];
  private current: PositionT | undefined;
  private noMoreSplits = false;
  private splitRequested = false;
  private started = false;

  /** Creates the reader of one subtask. */
  constructor(protected readonly context: SourceReaderContext) {}

  /** Converts an assigned split into the reader's mutable position in it. */
  protected abstract toPosition(split: SplitT): PositionT;
  /** Converts a position back into a split that resumes there (for `snapshotState`). */
  protected abstract toSplit(position: PositionT): SplitT;
  /** How many records of the split are left to emit. */
  protected abstract remaining(position: PositionT): number;
  /** Emits exactly `count` records (no more than `remaining`) and advances the position past them. */
  protected abstract emit(position: PositionT, output: ReaderOutput<T>, count: number): void;

  /**
   * How many of `wanted` records may be emitted now; the default allows all. A rate-limited reader returns fewer,
   * and 0 when its budget for now is spent.
   */
  protected acquire(wanted: number): number {
    return wanted;
  }

  /** After `acquire` returned 0: milliseconds until a record may go (the reader becomes available then). */
  protected millisUntilNextPermit(): number {
    return 0;
  }

  /** Asks for a split unless it already has one or restored ones. */
  start(): void {
    this.started = true;
    if (this.current === undefined && this.queued.length === 0) this.requestSplit();
  }

  /** Emits up to a batch of records from its splits. */
  pollNext(output: ReaderOutput<T>): InputStatus {
    let budget = ITERATOR_READER_BATCH_SIZE;
    let emitted = 0;
    while (budget > 0) {
      let position = this.current;
      if (position === undefined) {
        position = this.queued.shift();
        if (position === undefined) break;
        this.current = position;
      }
      const left = this.remaining(position);
      if (left === 0) {
        this.current = undefined;
        continue;
      }
      const count = this.acquire(Math.min(budget, left));
      if (count === 0) {
        if (emitted > 0) return 'MORE_AVAILABLE';
        this.availability.reset();
        this.availability.notifyAfter(this.millisUntilNextPermit());
        return 'NOTHING_AVAILABLE';
      }
      this.emit(position, output, count);
      emitted += count;
      budget -= count;
      if (count === left) this.current = undefined;
    }
    if (emitted > 0) {
      // Ask for the next split early, while the task processes this batch.
      if (this.current === undefined && this.queued.length === 0 && !this.noMoreSplits && this.started) this.requestSplit();
      return 'MORE_AVAILABLE';
    }
    if (this.noMoreSplits) return 'END_OF_INPUT';
    if (this.started) this.requestSplit();
    this.availability.reset();
    return 'NOTHING_AVAILABLE';
  }

  /** Resolves when a split arrives, the enumerator has no more, or (rate-limited readers) the next record may go. */
  isAvailable(): Promise<void> {
    return this.availability.wait();
  }

  /** Queues the assigned splits. */
  addSplits(splits: SplitT[]): void {
    for (const split of splits) this.queued.push(this.toPosition(split));
    this.splitRequested = false;
    this.availability.notify();
  }

  /** The reader ends once its splits are read. */
  notifyNoMoreSplits(): void {
    this.noMoreSplits = true;
    this.splitRequested = false;
    this.availability.notify();
  }

  /** The unfinished splits, each resuming at the next record to emit. */
  snapshotState(_checkpointId: number): SplitT[] {
    const splits: SplitT[] = [];
    if (this.current !== undefined && this.remaining(this.current) > 0) splits.push(this.toSplit(this.current));
    for (const position of this.queued) splits.push(this.toSplit(position));
    return splits;
  }

  /** Cancels a pending availability timer; safe to call twice. */
  close(): void {
    this.availability.close();
  }

  private requestSplit(): void {
    if (this.splitRequested) return;
    this.splitRequested = true;
    this.context.sendSplitRequest();
  }
}
