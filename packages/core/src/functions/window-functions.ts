/** The user functions of windows (Flink's `ProcessWindowFunction` and `ProcessAllWindowFunction`). */
import type { OutputTag } from '../api/output-tag.js';
import type { AggregatingStateDescriptor } from '../state/aggregating-state-descriptor.js';
import type { ListStateDescriptor } from '../state/list-state-descriptor.js';
import type { MapStateDescriptor } from '../state/map-state-descriptor.js';
import type { ReducingStateDescriptor } from '../state/reducing-state-descriptor.js';
import type { AggregatingState, ListState, MapState, MapStateKey, ReducingState, ValueState } from '../state/state.js';
import type { ValueStateDescriptor } from '../state/value-state-descriptor.js';
import type { Window } from '../windowing/window.js';
import type { Collector, RichFunction } from './user-functions.js';

/** Keyed state scoped to one window (`windowState()`) or to the key across windows (`globalState()`). */
export interface KeyedStateStore {
  /** Value state. */
  getState<T>(descriptor: ValueStateDescriptor<T>): ValueState<T>;
  /** List state. */
  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T>;
  /** Map state. */
  getMapState<K extends MapStateKey, V>(descriptor: MapStateDescriptor<K, V>): MapState<K, V>;
  /** Reducing state. */
  getReducingState<T>(descriptor: ReducingStateDescriptor<T>): ReducingState<T>;
  /** Aggregating state. */
  getAggregatingState<IN, ACC, OUT>(descriptor: AggregatingStateDescriptor<IN, ACC, OUT>): AggregatingState<IN, OUT>;
}

/** What a window function knows of the window it evaluates. */
export interface ProcessWindowContext<W extends Window = Window> {
  /** The window being evaluated. */
  window(): W;
  /** The current processing time. */
  currentProcessingTime(): number;
  /** The current event-time watermark. */
  currentWatermark(): number;
  /** State of the current key in this window (cleared with the window). */
  windowState(): KeyedStateStore;
  /** State of the current key across all its windows. */
  globalState(): KeyedStateStore;
  /** Emits a record to a side output. */
  output<X>(tag: OutputTag<X>, value: X): void;
}

/**
 * Evaluates a window of a keyed stream with all its elements (or the pre-aggregated result): a function
 * `(key, context, elements, out)`, or an object with `process(...)` and optional `clear(context)`, `open`, `close`.
 * Returned iterables are emitted.
 */
export type ProcessWindowFunction<IN, OUT, KEY, W extends Window = Window> =
  | ((key: KEY, context: ProcessWindowContext<W>, elements: readonly IN[], out: Collector<OUT>) => void | Iterable<OUT> | Promise<void>)
  | (RichFunction & {
      process(key: KEY, context: ProcessWindowContext<W>, elements: readonly IN[], out: Collector<OUT>): void | Iterable<OUT> | Promise<void>;
      clear?(context: ProcessWindowContext<W>): void | Promise<void>;
    });

/** Evaluates a window of a non-keyed stream (`windowAll`): `(context, elements, out)`. */
export type ProcessAllWindowFunction<IN, OUT, W extends Window = Window> =
  | ((context: ProcessWindowContext<W>, elements: readonly IN[], out: Collector<OUT>) => void | Iterable<OUT> | Promise<void>)
  | (RichFunction & {
      process(context: ProcessWindowContext<W>, elements: readonly IN[], out: Collector<OUT>): void | Iterable<OUT> | Promise<void>;
      clear?(context: ProcessWindowContext<W>): void | Promise<void>;
    });
