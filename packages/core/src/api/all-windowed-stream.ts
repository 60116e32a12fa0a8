/**
 * `AllWindowedStream`: a whole (non-keyed) stream cut into windows (`windowAll`), evaluated by one parallel
 * instance, as in Flink.
 */
import type { FieldExpression, ReduceFunction } from '../functions/user-functions.js';
import type { ProcessAllWindowFunction } from '../functions/window-functions.js';
import { instantiateFunction } from '../functions/instantiate-function.js';
import { processAllWindowFunction } from '../runtime/operators/internal-window-function.js';
import type { AggregateFunction } from '../state/aggregate-function.js';
import type { Evictor } from '../windowing/evictor.js';
import type { Trigger } from '../windowing/trigger.js';
import type { Window } from '../windowing/window.js';
import type { DataStream } from './data-stream.js';
import type { OutputTag } from './output-tag.js';
import type { WindowedStream } from './windowed-stream.js';

/** A non-keyed stream cut into windows. */
export class AllWindowedStream<T, W extends Window = Window> {
  /** @internal Wraps the windowed stream of a constant key. */
  constructor(private readonly windowed: WindowedStream<T, number, W>) {}

  /** Replaces the assigner's default trigger. */
  trigger(trigger: Trigger<any, any>): this {
    this.windowed.trigger(trigger);
    return this;
  }

  /** Evicts elements before and/or after the window function. */
  evictor(evictor: Evictor<any, any>): this {
    this.windowed.evictor(evictor);
    return this;
  }

  /** Keeps windows open for late elements for `ms`. */
  allowedLateness(ms: number): this {
    this.windowed.allowedLateness(ms);
    return this;
  }

  /** Sends late elements to side output `tag`. */
  sideOutputLateData(tag: OutputTag<T>): this {
    this.windowed.sideOutputLateData(tag);
    return this;
  }

  /** Reduces each window; with `processAllWindowFn` the result goes to it. */
  reduce<R = T>(reduceFn: ReduceFunction<T>, processAllWindowFn?: ProcessAllWindowFunction<T, R, W>): DataStream<R> {
    if (processAllWindowFn === undefined) return this.windowed.reduce<R>(reduceFn);
    return this.windowed.reduce<R>(reduceFn, adapt(processAllWindowFn));
  }

  /** Aggregates each window; with `processAllWindowFn` the result goes to it. */
  aggregate<ACC, V, R = V>(aggregateFn: AggregateFunction<T, ACC, V>, processAllWindowFn?: ProcessAllWindowFunction<V, R, W>): DataStream<R> {
    if (processAllWindowFn === undefined) return this.windowed.aggregate<ACC, V, R>(aggregateFn);
    return this.windowed.aggregate<ACC, V, R>(aggregateFn, adapt(processAllWindowFn));
  }

  /** Evaluates each window with all its elements: `(context, elements, out)`. */
  process<R>(processAllWindowFn: ProcessAllWindowFunction<T, R, W>): DataStream<R> {
    void processAllWindowFunction(processAllWindowFn);
    return this.windowed.buildInternal<R>('Process', () => ({ kind: 'list' }), () => processAllWindowFunction(instantiateFunction(processAllWindowFn)));
  }

  /** The sum of `field` per window. */
  sum(field: FieldExpression): DataStream<T> {
    return this.windowed.sum(field);
  }

  /** The minimum of `field` per window. */
  min(field: FieldExpression): DataStream<T> {
    return this.windowed.min(field);
  }

  /** The maximum of `field` per window. */
  max(field: FieldExpression): DataStream<T> {
    return this.windowed.max(field);
  }

  /** The element with the smallest `field` per window. */
  minBy(field: FieldExpression): DataStream<T> {
    return this.windowed.minBy(field);
  }

  /** The element with the largest `field` per window. */
  maxBy(field: FieldExpression): DataStream<T> {
    return this.windowed.maxBy(field);
  }
}

/** A keyed process window function that drops the constant key and calls an all-window function. */
function adapt<IN, R, W extends Window>(fn: ProcessAllWindowFunction<IN, R, W>) {
  if (typeof fn === 'function') return (_key: number, context: Parameters<typeof fn>[0], elements: readonly IN[], out: Parameters<typeof fn>[2]) => fn(context, elements, out);
  const object = {
    ...fn,
    process(_key: number, context: Parameters<typeof fn.process>[0], elements: readonly IN[], out: Parameters<typeof fn.process>[2]) {
      return fn.process.call(this, context, elements, out);
    },
  };
  Object.setPrototypeOf(object, Object.getPrototypeOf(fn) as object);
  return object;
}
