/**
 * `KeyedStream<T, K>`: a stream partitioned by key (Flink's `KeyedStream`). Rolling aggregations emit one updated
 * result per record in STREAMING mode and only the final result per key in BATCH mode.
 */
import { instantiateFunction } from '../functions/instantiate-function.js';
import type { FieldExpression, KeyedProcessFunction, KeySelector, ReduceFunction } from '../functions/user-functions.js';
import type { Transformation } from '../graph/transformation.js';
import type { Key } from '../keys/key-group.js';
import { KeyedAggregationOperator, type AggregationKind } from '../runtime/operators/keyed-aggregation-operator.js';
import { KeyedProcessOperator } from '../runtime/operators/keyed-process-operator.js';
import { DataStream } from './data-stream.js';
import { ConnectedStreams } from './connected-streams.js';
import { BroadcastConnectedStream, BroadcastStream } from './broadcast-stream.js';
import { IntervalJoinOperator, type IntervalJoinFunction } from '../runtime/operators/interval-join-operator.js';
import { WindowedStream } from './windowed-stream.js';
import { CountEvictor } from '../windowing/count-evictor.js';
import { CountTrigger } from '../windowing/count-trigger.js';
import type { GlobalWindow } from '../windowing/global-window.js';
import { GlobalWindows } from '../windowing/global-windows.js';
import { PurgingTrigger } from '../windowing/purging-trigger.js';
import type { WindowAssigner } from '../windowing/window-assigner.js';
import type { Window } from '../windowing/window.js';
import type { StreamExecutionEnvironment } from './stream-execution-environment.js';

/** An interval join with its bounds, ready for its function. */
export interface IntervalJoined<L, R, K extends Key> {
  /** Joins with `fn(left, right, ctx, out)`; results carry `max(left.ts, right.ts)`. */
  process<O>(fn: IntervalJoinFunction<L, R, O>): DataStream<O>;
  /** Phantom field that carries the key type. */
  readonly __key?: K;
}

/** A stream partitioned by key. */
export class KeyedStream<T, K extends Key = Key> extends DataStream<T> {
  /** @internal Created by `DataStream.keyBy`. */
  constructor(
    environment: StreamExecutionEnvironment,
    transformation: Transformation,
    private readonly keySelector: KeySelector<T, K>,
  ) {
    super(environment, transformation);
  }

  /** The key selector of the stream. */
  getKeySelector(): KeySelector<T, K> {
    return this.keySelector;
  }

  /** Combines the records of each key with `fn`; emits the running result. */
  reduce(fn: ReduceFunction<T>): DataStream<T> {
    void KeyedAggregationOperator.forReduce(fn);
    return this.transform<T>('Keyed Reduce', () => KeyedAggregationOperator.forReduce(instantiateFunction(fn)), this.keySelector);
  }

  /** The running sum of `field` per key (other fields from the key's first record). */
  sum(field: FieldExpression): DataStream<T> {
    return this.aggregate('sum', field);
  }

  /** The running minimum of `field` per key (other fields from the key's first record). */
  min(field: FieldExpression): DataStream<T> {
    return this.aggregate('min', field);
  }

  /** The running maximum of `field` per key (other fields from the key's first record). */
  max(field: FieldExpression): DataStream<T> {
    return this.aggregate('max', field);
  }

  /** The record with the smallest `field` per key (the first one on ties). */
  minBy(field: FieldExpression): DataStream<T> {
    return this.aggregate('minBy', field);
  }

  /** The record with the largest `field` per key (the first one on ties). */
  maxBy(field: FieldExpression): DataStream<T> {
    return this.aggregate('maxBy', field);
  }

  /** Applies a KeyedProcessFunction: `ctx.getCurrentKey()`, side outputs, timestamps. */
  override process<R>(fn: KeyedProcessFunction<K, T, R>): DataStream<R> {
    void new KeyedProcessOperator(fn);
    return this.transform<R>('Keyed Process', () => new KeyedProcessOperator(instantiateFunction(fn)), this.keySelector);
  }

  /** Connects with a broadcast stream (broadcast state pattern), or with another stream. */
  override connect<U>(other: BroadcastStream<U>): BroadcastConnectedStream<T, U, K>;
  override connect<U>(other: DataStream<U>): ConnectedStreams<T, U>;
  override connect<U>(other: DataStream<U> | BroadcastStream<U>): ConnectedStreams<T, U> | BroadcastConnectedStream<T, U, K> {
    if (other instanceof BroadcastStream) return new BroadcastConnectedStream<T, U, K>(this, other);
    return super.connect(other);
  }

  /** Cuts the stream into windows of `assigner` (per key). */
  window<W extends Window>(assigner: WindowAssigner<any, W>): WindowedStream<T, K, W> {
    if (typeof assigner?.assignWindows !== 'function') throw new TypeError('window() expects a WindowAssigner');
    return new WindowedStream<T, K, W>(
      (name, factory, keySelector, needsWatermarks) => this.transform(name, factory, keySelector, { needsWatermarks }),
      this.keySelector,
      assigner,
    );
  }

  /**
   * Count windows per key: `countWindow(n)` fires and purges every `n` elements; `countWindow(n, s)` fires every `s`
   * elements over the last `n`.
   */
  countWindow(size: number, slide?: number): WindowedStream<T, K, GlobalWindow> {
    const windowed = this.window(GlobalWindows.create());
    if (slide === undefined) return windowed.trigger(PurgingTrigger.of(CountTrigger.of(size)));
    return windowed.evictor(CountEvictor.of(size)).trigger(CountTrigger.of(slide));
  }

  /**
   * Joins with another keyed stream on an event-time interval: pairs with
   * `this.ts + lower <= other.ts <= this.ts + upper` (inclusive), result timestamp `max(this.ts, other.ts)`.
   */
  intervalJoin<O>(other: KeyedStream<O, K>): { between(lowerMs: number, upperMs: number): IntervalJoined<T, O, K> } {
    if (!(other instanceof KeyedStream)) throw new TypeError('intervalJoin() expects a KeyedStream (call keyBy on the other stream)');
    return {
      between: (lowerMs, upperMs) => {
        if (!Number.isFinite(lowerMs) || !Number.isFinite(upperMs) || lowerMs > upperMs) {
          throw new TypeError(`between() needs finite bounds with lower <= upper, got ${lowerMs} and ${upperMs}`);
        }
        return {
          process: <R>(fn: IntervalJoinFunction<T, O, R>): DataStream<R> => {
            if (typeof fn !== 'function') throw new TypeError('process() expects a function (left, right, ctx, out)');
            const connected = new ConnectedStreams<T, O>(this.environment, this, other, [this.keySelector, other.getKeySelector()]);
            return connected.transform<R>('Interval Join', () => new IntervalJoinOperator(lowerMs, upperMs, fn));
          },
        };
      },
    };
  }

  private aggregate(kind: AggregationKind, field: FieldExpression): DataStream<T> {
    if (typeof field !== 'string' && !(Number.isInteger(field) && field >= 0)) {
      throw new TypeError(`${kind}() expects a property name or a tuple index, got ${String(field)}`);
    }
    return this.transform<T>(`Keyed Aggregation (${kind} ${field})`, () => KeyedAggregationOperator.forField(kind, field), this.keySelector);
  }
}
