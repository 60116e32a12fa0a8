/**
 * The source behind `env.fromSequence(from, to)`: the integers `from..to` (both inclusive), as Flink's
 * `NumberSequenceSource`. The enumerator cuts the range into one split per parallel subtask and hands them out on
 * request; readers emit each split in order, so each subtask's output is ascending.
 */
import type {
  Boundedness,
  ReaderOutput,
  Source,
  SourceReader,
  SourceReaderContext,
  SourceSplit,
  SplitEnumerator,
  SplitEnumeratorContext,
} from '../connector/source.js';
import { IteratorSourceEnumerator } from './iterator-source-enumerator.js';
import { IteratorSourceReader } from './iterator-source-reader.js';

/** A range of a number sequence: the numbers `from..to`, both inclusive; `from` is the next one to emit. */
export interface NumberSequenceSplit extends SourceSplit {
  /** The split's index in the range, as a string. */
  readonly splitId: string;
  /** The next number to emit. */
  readonly from: number;
  /** The last number of the split (inclusive). */
  readonly to: number;
}

/**
 * Cuts `from..to` (inclusive) into at most `numSplits` contiguous splits of sizes differing by at most one, as Flink
 * does; empty splits are left out (when the range has fewer numbers than `numSplits`).
 */
export function splitNumberRange(from: number, to: number, numSplits: number): NumberSequenceSplit[] {
  if (!Number.isSafeInteger(numSplits) || numSplits < 1) {
    throw new TypeError(`numSplits must be a positive integer, got ${numSplits}`);
  }
  const total = to - from + 1;
  if (total <= 0) return [];
  const size = Math.floor(total / numSplits);
  const remainder = total % numSplits;
  const splits: NumberSequenceSplit[] = [];
  let start = from;
  for (let i = 0; i < numSplits; i++) {
    const length = size + (i < remainder ? 1 : 0);
    if (length === 0) break;
    splits.push({ splitId: String(i), from: start, to: start + length - 1 });
    start += length;
  }
  return splits;
}

/** Checks that `from..to` is a valid range of safe integers with at most `Number.MAX_SAFE_INTEGER` numbers. */
function validateRange(from: number, to: number): void {
  if (!Number.isSafeInteger(from)) throw new TypeError(`from must be a safe integer, got ${from}`);
  if (!Number.isSafeInteger(to)) throw new TypeError(`to must be a safe integer, got ${to}`);
  if (from > to) throw new TypeError(`from (${from}) must not be greater than to (${to})`);
  if (to - from >= Number.MAX_SAFE_INTEGER) {
    throw new TypeError(`the range ${from}..${to} holds more than Number.MAX_SAFE_INTEGER numbers`);
  }
}

/** A bounded, parallel source of the integers `from..to`, both inclusive. */
export class NumberSequenceSource implements Source<number, NumberSequenceSplit, NumberSequenceSplit[]> {
  /** Creates the source; `from` and `to` are safe integers with `from <= to`, else it throws a `TypeError`. */
  constructor(
    readonly from: number,
    readonly to: number,
  ) {
    validateRange(from, to);
  }

  /** Always `'BOUNDED'`. */
  getBoundedness(): Boundedness {
    return 'BOUNDED';
  }

  /** An enumerator holding one split per parallel subtask. */
  createEnumerator(context: SplitEnumeratorContext<NumberSequenceSplit>): SplitEnumerator<NumberSequenceSplit, NumberSequenceSplit[]> {
    return new IteratorSourceEnumerator(context, splitNumberRange(this.from, this.to, context.currentParallelism()));
  }

  /** An enumerator holding the splits of `state` (the ones it had not assigned). */
  restoreEnumerator(
    context: SplitEnumeratorContext<NumberSequenceSplit>,
    state: NumberSequenceSplit[],
  ): SplitEnumerator<NumberSequenceSplit, NumberSequenceSplit[]> {
    return new IteratorSourceEnumerator(context, state);
  }

  /** A reader emitting up to a batch of numbers per `pollNext`. */
  createReader(context: SourceReaderContext): SourceReader<number, NumberSequenceSplit> {
    return new NumberSequenceSourceReader(context);
  }
}

/** A reader's mutable position in a {@link NumberSequenceSplit}. */
export interface NumberSequencePosition {
  /** The split's id. */
  readonly splitId: string;
  /** The next number (or index) to emit. */
  next: number;
  /** The last number (or index) of the split, inclusive. */
  readonly to: number;
}

/** The base of readers of {@link NumberSequenceSplit}s: position bookkeeping over a range of indices. */
export abstract class NumberRangeReader<T> extends IteratorSourceReader<T, NumberSequenceSplit, NumberSequencePosition> {
  protected toPosition(split: NumberSequenceSplit): NumberSequencePosition {
    return { splitId: split.splitId, next: split.from, to: split.to };
  }

  protected toSplit(position: NumberSequencePosition): NumberSequenceSplit {
    return { splitId: position.splitId, from: position.next, to: position.to };
  }

  protected remaining(position: NumberSequencePosition): number {
    return Math.max(0, position.to - position.next + 1);
  }
}

/** Emits the numbers of its splits; the inner loop allocates nothing per record. */
class NumberSequenceSourceReader extends NumberRangeReader<number> {
  protected emit(position: NumberSequencePosition, output: ReaderOutput<number>, count: number): void {
    let n = position.next;
    const end = n + count;
    for (; n < end; n++) output.collect(n);
    position.next = end;
  }
}
