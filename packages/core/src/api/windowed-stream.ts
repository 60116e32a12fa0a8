/**
 * `WindowedStream`: a keyed stream cut into windows (Flink's `WindowedStream`). Configure the trigger, evictor,
 * allowed lateness and late side output, then evaluate the windows with `reduce`, `aggregate`, `process` or a field
 * aggregation. A window's results carry the timestamp `window.maxTimestamp()`.
 */
import type { AggregateFunction } from '../state/aggregate-function.js';
import type { FieldExpression, KeySelector, ReduceFunction } from '../functions/user-functions.js';
import type { ProcessWindowFunction } from '../functions/window-functions.js';
import { instantiateFunction } from '../functions/instantiate-function.js';
import type { Key } from '../keys/key-group.js';
import { resolveFunction } from '../runtime/operators/abstract-stream-operator.js';
import {
  passThroughWindowFunction,
  processWindowFunction,
  type InternalWindowFunction,
} from '../runtime/operators/internal-window-function.js';
import { fieldAggregateFunction, type AggregationKind } from '../runtime/operators/keyed-aggregation-operator.js';
import { WindowOperator, type WindowContents } from '../runtime/operators/window-operator.js';
import type { Evictor } from '../windowing/evictor.js';
import type { Trigger } from '../windowing/trigger.js';
import type { WindowAssigner } from '../windowing/window-assigner.js';
import { checkAllowedLateness, checkWindowConfiguration } from '../windowing/window-configuration.js';
import type { Window } from '../windowing/window.js';
import type { DataStream } from './data-stream.js';
import type { OutputTag } from './output-tag.js';

/** Builds one window operator after `input`, keyed by `keySelector`. */
export interface WindowTransformer<T> {
  /** Adds the operator; `needsWatermarks` marks event-time windows (for the warning about windows that never fire). */
  (name: string, factory: () => WindowOperator, keySelector: KeySelector<T, any>, needsWatermarks: boolean): DataStream<unknown>;
}

/** A keyed stream cut into windows. */
export class WindowedStream<T, K extends Key = Key, W extends Window = Window> {
  private triggerValue: Trigger<any, any>;
  private evictorValue: Evictor<any, any> | undefined;
  private lateness = 0;
  private lateTag: OutputTag<T> | undefined;

  /** @internal Created by `KeyedStream.window`. */
  constructor(
    private readonly transformer: WindowTransformer<T>,
    private readonly keySelector: KeySelector<T, K>,
    private readonly assigner: WindowAssigner<any, W>,
    private readonly afterKeyed: (result: DataStream<unknown>) => void = () => undefined,
  ) {
    this.triggerValue = assigner.getDefaultTrigger();
  }

  /** Replaces the assigner's default trigger. */
  trigger(trigger: Trigger<any, any>): this {
    if (typeof trigger?.onElement !== 'function') throw new TypeError('trigger() expects a Trigger');
    this.triggerValue = trigger;
    return this;
  }

  /** Evicts elements before and/or after the window function (disables pre-aggregation). */
  evictor(evictor: Evictor<any, any>): this {
    if (typeof evictor?.evictBefore !== 'function') throw new TypeError('evictor() expects an Evictor');
    this.evictorValue = evictor;
    return this;
  }

  /** Keeps windows open for late elements for `ms` after their end (event time). */
  allowedLateness(ms: number): this {
    checkAllowedLateness(ms);
    this.lateness = ms;
    return this;
  }

  /** Sends elements that arrive after their windows were cleaned up to side output `tag`. */
  sideOutputLateData(tag: OutputTag<T>): this {
    this.lateTag = tag;
    return this;
  }

  /** Reduces each window incrementally; with `processWindowFn` the reduced value goes to it at the end. */
  reduce<R = T>(reduceFn: ReduceFunction<T>, processWindowFn?: ProcessWindowFunction<T, R, K, W>): DataStream<R> {
    return this.build<R>(
      'Reduce',
      () => ({ kind: 'reduce', reduce: resolveFunction(instantiateFunction(reduceFn), 'reduce', 'reduce()') }),
      processWindowFn,
    );
  }

  /** Aggregates each window incrementally with an AggregateFunction; optionally hands the result to `processWindowFn`. */
  aggregate<ACC, V, R = V>(aggregateFn: AggregateFunction<T, ACC, V>, processWindowFn?: ProcessWindowFunction<V, R, K, W>): DataStream<R> {
    for (const m of ['createAccumulator', 'add', 'getResult', 'merge'] as const) {
      if (typeof aggregateFn?.[m] !== 'function') throw new TypeError(`aggregate() expects an AggregateFunction with ${m}()`);
    }
    return this.build<R>(
      'Aggregate',
      () => ({ kind: 'aggregate', aggregate: instantiateFunction(aggregateFn) }),
      processWindowFn as ProcessWindowFunction<any, R, K, W> | undefined,
    );
  }

  /** Evaluates each window with all its elements. */
  process<R>(processWindowFn: ProcessWindowFunction<T, R, K, W>): DataStream<R> {
    return this.build<R>('Process', () => ({ kind: 'list' }), processWindowFn);
  }

  /** The sum of `field` per window (other fields from the window's first element). */
  sum(field: FieldExpression): DataStream<T> {
    return this.fieldAggregation('sum', field);
  }

  /** The minimum of `field` per window. */
  min(field: FieldExpression): DataStream<T> {
    return this.fieldAggregation('min', field);
  }

  /** The maximum of `field` per window. */
  max(field: FieldExpression): DataStream<T> {
    return this.fieldAggregation('max', field);
  }

  /** The element with the smallest `field` per window. */
  minBy(field: FieldExpression): DataStream<T> {
    return this.fieldAggregation('minBy', field);
  }

  /** The element with the largest `field` per window. */
  maxBy(field: FieldExpression): DataStream<T> {
    return this.fieldAggregation('maxBy', field);
  }

  private fieldAggregation(kind: AggregationKind, field: FieldExpression): DataStream<T> {
    return this.build<T>(`${kind}(${field})`, () => ({ kind: 'aggregate', aggregate: fieldAggregateFunction(kind, field) }), undefined);
  }

  private build<R>(what: string, contents: () => WindowContents, processWindowFn: ProcessWindowFunction<any, R, K, W> | undefined): DataStream<R> {
    checkWindowConfiguration(this.assigner, this.triggerValue, this.evictorValue);
    if (processWindowFn !== undefined) void processWindowFunction(processWindowFn);
    const userWindowFunction = (): InternalWindowFunction =>
      processWindowFn === undefined ? passThroughWindowFunction() : processWindowFunction(instantiateFunction(processWindowFn));
    return this.buildInternal<R>(what, contents, userWindowFunction);
  }

  /** @internal Builds the operator with an internal window function (used by `windowAll`). */
  buildInternal<R>(what: string, contents: () => WindowContents, userWindowFunction: () => InternalWindowFunction): DataStream<R> {
    checkWindowConfiguration(this.assigner, this.triggerValue, this.evictorValue);
    const evictor = this.evictorValue;
    const trigger = this.triggerValue;
    const assigner = this.assigner;
    const lateness = this.lateness;
    const lateTag = this.lateTag;
    const name = `Window(${String(assigner)}, ${String(trigger)}${evictor === undefined ? '' : `, ${evictor.constructor.name}`}, ${what})`;
    const factory = (): WindowOperator =>
      new WindowOperator({
        assigner,
        trigger,
        evictor,
        allowedLateness: lateness,
        lateDataTag: lateTag,
        contents: evictor === undefined ? contents() : { kind: 'list' },
        // With an evictor the contents are kept as a list; reduce or aggregate them after eviction.
        windowFunction: evictor === undefined ? userWindowFunction() : preAggregate(contents(), userWindowFunction()),
      });
    const result = this.transformer(name, factory, this.keySelector as KeySelector<T, any>, assigner.isEventTime());
    this.afterKeyed(result);
    return result as DataStream<R>;
  }
}

/** Applies a reduce or aggregate to the (evicted) list of elements before the window function sees it. */
function preAggregate(contents: WindowContents, inner: InternalWindowFunction): InternalWindowFunction {
  if (contents.kind === 'list') return inner;
  return {
    userFunction: inner.userFunction,
    clear: (context) => inner.clear(context),
    process(key, context, input, out) {
      if (contents.kind === 'reduce') return inner.process(key, context, [input.reduce((a, b) => contents.reduce(a, b))], out);
      const f = contents.aggregate;
      let acc = f.createAccumulator();
      for (const v of input) acc = f.add(v, acc);
      return inner.process(key, context, [f.getResult(acc)], out);
    },
  };
}
