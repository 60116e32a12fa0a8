/**
 * The interval join (Flink's `IntervalJoinOperator`): for two keyed streams, emits every pair of the same key with
 * `left.ts + lower <= right.ts <= left.ts + upper` (bounds inclusive), with the timestamp `max(left.ts, right.ts)`.
 * Each side's elements wait in keyed map state (timestamp -> elements) until the watermark passes the last time a
 * partner could arrive (`left.ts + upper`, `right.ts - lower`), then a timer removes them. Event time only: a record
 * without a timestamp is an error, and a record behind the watermark is dropped as late.
 */
import { ErrorCodes, WeirError } from '../../errors.js';
import type { Collector } from '../../functions/user-functions.js';
import type { InternalMapState } from '../../state/internal-state.js';
import { MapStateDescriptor } from '../../state/map-state-descriptor.js';
import type { Timer } from '../../state/timer-queue.js';
import { runSteps, type Steps } from '../coroutine.js';
import type { Counter } from '../metrics.js';
import { OrderedEmitter } from '../ordered-emitter.js';
import type { MaybePromise, OperatorContext, Output } from '../stream-operator.js';
import { AbstractKeyedOperator } from './abstract-keyed-operator.js';

/** What the interval join's function gets besides the pair. */
export interface IntervalJoinContext {
  /** The timestamp of the left element. */
  getLeftTimestamp(): number;
  /** The timestamp of the right element. */
  getRightTimestamp(): number;
  /** The timestamp of the result: the larger of the two. */
  timestamp(): number;
}

/** The function of an interval join. */
export type IntervalJoinFunction<L, R, O> = (left: L, right: R, context: IntervalJoinContext, out: Collector<O>) => void | Iterable<O>;

const LEFT_NAMESPACE = 'left';
const RIGHT_NAMESPACE = 'right';

/** The operator of `KeyedStream.intervalJoin(...).between(...).process(...)`. */
export class IntervalJoinOperator extends AbstractKeyedOperator implements IntervalJoinContext {
  private buffer!: InternalMapState<number, unknown[]>;
  private emitter!: OrderedEmitter;
  private leftTs = 0;
  private rightTs = 0;
  private lateRecordsDropped: Counter | undefined;

  /** Records dropped because they were behind the watermark (the metric `numLateRecordsDropped`). */
  get numLateRecordsDropped(): number {
    return this.lateRecordsDropped?.getCount() ?? 0;
  }

  /** Creates the operator for the bounds (inclusive) and the function. */
  constructor(
    private readonly lower: number,
    private readonly upper: number,
    private readonly fn: IntervalJoinFunction<any, any, any>,
  ) {
    super();
  }

  protected userFunctions(): readonly unknown[] {
    return [this.fn];
  }

  override setup(context: OperatorContext, output: Output): void {
    super.setup(context, output);
    this.emitter = new OrderedEmitter(output);
  }

  protected override initializeState(): void {
    this.buffer = this.keyedBackend.getInternalState(new MapStateDescriptor<number, unknown[]>('_weir_interval_join_buffer'));
  }

  getLeftTimestamp(): number {
    return this.leftTs;
  }

  getRightTimestamp(): number {
    return this.rightTs;
  }

  timestamp(): number {
    return Math.max(this.leftTs, this.rightTs);
  }

  processElement(value: unknown, timestamp: number | undefined, inputIndex: number): MaybePromise {
    if (timestamp === undefined) {
      throw new WeirError(
        ErrorCodes.MISSING_TIMESTAMP,
        `The interval join "${this.context.name}" needs event timestamps; call assignTimestampsAndWatermarks(...) on both inputs`,
      );
    }
    try {
      this.setKeyOf(value, inputIndex);
    } catch (e) {
      throw this.userError(e);
    }
    if (timestamp < this.watermark) {
      (this.lateRecordsDropped ??= this.context.metrics.counter('numLateRecordsDropped')).inc();
      return undefined;
    }
    return this.run(this.steps(value, timestamp, inputIndex === 0));
  }

  private *steps(value: unknown, ts: number, isLeft: boolean): Steps {
    const own = isLeft ? LEFT_NAMESPACE : RIGHT_NAMESPACE;
    this.buffer.setCurrentNamespace(own);
    const existing = (yield this.buffer.get(ts)) as unknown[] | undefined;
    this.buffer.setCurrentNamespace(own);
    yield this.buffer.put(ts, existing === undefined ? [value] : [...existing, value]);
    this.buffer.setCurrentNamespace(isLeft ? RIGHT_NAMESPACE : LEFT_NAMESPACE);
    const others = (yield this.buffer.entries()) as [number, unknown[]][];
    const from = isLeft ? ts + this.lower : ts - this.upper;
    const to = isLeft ? ts + this.upper : ts - this.lower;
    for (const [otherTs, values] of others) {
      if (otherTs < from || otherTs > to) continue;
      for (const other of values) {
        this.leftTs = isLeft ? ts : otherTs;
        this.rightTs = isLeft ? otherTs : ts;
        yield this.emit(isLeft ? value : other, isLeft ? other : value);
      }
    }
    const cleanup = isLeft ? ts + Math.max(this.upper, 0) : ts - Math.min(this.lower, 0);
    this.registerEventTimeTimer(cleanup, `${own}:${ts}`);
  }

  private emit(left: unknown, right: unknown): MaybePromise {
    const emitter = this.emitter;
    emitter.timestamp = this.timestamp();
    try {
      const returned = this.fn(left, right, this, emitter);
      if (returned !== undefined && returned !== null) emitter.collectAll(returned);
    } catch (e) {
      emitter.abandon();
      throw this.userError(e);
    }
    return emitter.drain();
  }

  protected onEventTime(timer: Timer): MaybePromise {
    const [side, ts] = timer.namespace.split(':');
    this.buffer.setCurrentNamespace(side);
    const r = this.buffer.remove(Number(ts));
    return r instanceof Promise ? r : undefined;
  }

  protected onProcessingTime(): MaybePromise {
    return undefined;
  }

  private run(steps: Steps): MaybePromise {
    let r: MaybePromise;
    try {
      r = runSteps(steps);
    } catch (e) {
      throw this.userError(e);
    }
    return r?.then(undefined, (e: unknown) => {
      throw this.userError(e);
    });
  }
}
