/**
 * `DataGeneratorSource`, as Flink's: emits `generatorFunction(index)` for the indices `0..count-1`, optionally
 * rate-limited. The index range is cut into one split per parallel subtask like {@link NumberSequenceSource}; the
 * rate of a `RateLimiterStrategy.perSecond(n)` strategy is divided among the readers. Rate limiting never blocks the
 * task: a reader whose budget is spent returns `NOTHING_AVAILABLE` and becomes available again on a timer.
 */
import type {
  Boundedness,
  ReaderOutput,
  Source,
  SourceReader,
  SourceReaderContext,
  SplitEnumerator,
  SplitEnumeratorContext,
} from '../connector/source.js';
import { IteratorSourceEnumerator } from './iterator-source-enumerator.js';
import { NumberRangeReader, splitNumberRange } from './number-sequence-source.js';
import type { NumberSequencePosition, NumberSequenceSplit } from './number-sequence-source.js';
import type { RateLimiter } from './rate-limiter.js';
import { RateLimiterStrategy } from './rate-limiter-strategy.js';

/** Maps the index of a record (0, 1, 2, ...) to the record. */
export type GeneratorFunction<T> = (index: number) => T;

/** A source of generated records: `generatorFunction(index)` for `index` in `0..count-1`. */
export class DataGeneratorSource<T> implements Source<T, NumberSequenceSplit, NumberSequenceSplit[]> {
  /**
   * Creates the source. `count` is a non-negative safe integer, or `Infinity` for an unbounded source (whose indices
   * then run up to `Number.MAX_SAFE_INTEGER - 1`).
   */
  constructor(
    readonly generatorFunction: GeneratorFunction<T>,
    readonly count: number,
    readonly rateLimiterStrategy: RateLimiterStrategy = RateLimiterStrategy.noOp(),
  ) {
    if (typeof generatorFunction !== 'function') {
      throw new TypeError(`generatorFunction must be a function, got ${typeof generatorFunction}`);
    }
    if (count !== Infinity && (!Number.isSafeInteger(count) || count < 0)) {
      throw new TypeError(`count must be a non-negative safe integer or Infinity, got ${count}`);
    }
    if (typeof rateLimiterStrategy?.createRateLimiter !== 'function') {
      throw new TypeError('rateLimiterStrategy must be a RateLimiterStrategy');
    }
  }

  /** `'BOUNDED'` for a finite count, else `'CONTINUOUS_UNBOUNDED'`. */
  getBoundedness(): Boundedness {
    return this.count === Infinity ? 'CONTINUOUS_UNBOUNDED' : 'BOUNDED';
  }

  /** An enumerator holding one split of the index range per parallel subtask. */
  createEnumerator(context: SplitEnumeratorContext<NumberSequenceSplit>): SplitEnumerator<NumberSequenceSplit, NumberSequenceSplit[]> {
    const last = this.count === Infinity ? Number.MAX_SAFE_INTEGER - 1 : this.count - 1;
    return new IteratorSourceEnumerator(context, splitNumberRange(0, last, context.currentParallelism()));
  }

  /** An enumerator holding the splits of `state` (the ones it had not assigned). */
  restoreEnumerator(
    context: SplitEnumeratorContext<NumberSequenceSplit>,
    state: NumberSequenceSplit[],
  ): SplitEnumerator<NumberSequenceSplit, NumberSequenceSplit[]> {
    return new IteratorSourceEnumerator(context, state);
  }

  /** A reader with its share of the rate. */
  createReader(context: SourceReaderContext): SourceReader<T, NumberSequenceSplit> {
    return new DataGeneratorSourceReader(context, this.generatorFunction, this.rateLimiterStrategy.createRateLimiter(context.parallelism));
  }
}

/** Emits generated records of its index ranges within the budget of its rate limiter. */
class DataGeneratorSourceReader<T> extends NumberRangeReader<T> {
  constructor(
    context: SourceReaderContext,
    private readonly generatorFunction: GeneratorFunction<T>,
    private readonly rateLimiter: RateLimiter,
  ) {
    super(context);
  }

  protected override acquire(wanted: number): number {
    return this.rateLimiter.tryAcquire(wanted);
  }

  protected override millisUntilNextPermit(): number {
    return this.rateLimiter.millisUntilNextPermit();
  }

  protected emit(position: NumberSequencePosition, output: ReaderOutput<T>, count: number): void {
    const generate = this.generatorFunction;
    let index = position.next;
    const end = index + count;
    try {
      for (; index < end; index++) output.collect(generate(index));
    } finally {
      position.next = index;
    }
  }
}
