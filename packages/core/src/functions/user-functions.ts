/**
 * The user-function interfaces of the DataStream API. Every function may be a plain function or an object with the
 * method plus optional `open(context)` / `close()`; `open` runs once per parallel instance before the first record.
 * Threading model: an instance's methods are never called concurrently (the operator runs in its task's mailbox).
 */
import type { OutputTag } from '../api/output-tag.js';
import type { Key } from '../keys/key-group.js';
import type { AggregatingStateDescriptor } from '../state/aggregating-state-descriptor.js';
import type { ListStateDescriptor } from '../state/list-state-descriptor.js';
import type { MapStateDescriptor } from '../state/map-state-descriptor.js';
import type { ReducingStateDescriptor } from '../state/reducing-state-descriptor.js';
import type { AggregatingState, ListState, MapState, MapStateKey, ReducingState, ValueState } from '../state/state.js';
import type { ValueStateDescriptor } from '../state/value-state-descriptor.js';

/** What a function learns of its parallel instance in `open`. */
export interface RuntimeContext {
  /** The index of this parallel instance (0-based). */
  getIndexOfThisSubtask(): number;
  /** The parallelism of the operator. */
  getNumberOfParallelSubtasks(): number;
  /** The max parallelism (number of key groups) of the operator. */
  getMaxNumberOfParallelSubtasks(): number;
  /** The execution attempt: 0 on the first run, +1 per restart. */
  getAttemptNumber(): number;
  /** The operator's name. */
  getTaskName(): string;
  /** The job's id. */
  getJobId(): string;
  /** Keyed value state of the current key (keyed streams only; call in `open`). */
  getState<T>(descriptor: ValueStateDescriptor<T>): ValueState<T>;
  /** Keyed list state of the current key (keyed streams only). */
  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T>;
  /** Keyed map state of the current key (keyed streams only). */
  getMapState<K extends MapStateKey, V>(descriptor: MapStateDescriptor<K, V>): MapState<K, V>;
  /** Keyed reducing state of the current key (keyed streams only). */
  getReducingState<T>(descriptor: ReducingStateDescriptor<T>): ReducingState<T>;
  /** Keyed aggregating state of the current key (keyed streams only). */
  getAggregatingState<IN, ACC, OUT>(descriptor: AggregatingStateDescriptor<IN, ACC, OUT>): AggregatingState<IN, OUT>;
}

/**
 * Optional lifecycle methods of a function object. Function objects may carry their own fields (a counter, a
 * connection), which each parallel instance gets a copy of.
 */
export interface RichFunction {
  /** Fields of the function object. */
  [field: string]: any;
  /** Called once per parallel instance before the first record. May be async. */
  open?(context: RuntimeContext): void | Promise<void>;
  /** Called once at the end. May be async. */
  close?(): void | Promise<void>;
}

/** Collects the outputs of a function. */
export interface Collector<T> {
  /** Emits one record. */
  collect(record: T): void;
}

/** `map`: one output per input. */
export type MapFunction<T, R> = ((value: T) => R) | (RichFunction & { map(value: T): R });
/** `flatMap`: any number of outputs per input, through `out` or as a returned iterable. */
export type FlatMapFunction<T, R> =
  | ((value: T, out: Collector<R>) => void | Iterable<R>)
  | (RichFunction & { flatMap(value: T, out: Collector<R>): void | Iterable<R> });
/** `filter`: keeps records for which it returns true. */
export type FilterFunction<T> = ((value: T) => boolean) | (RichFunction & { filter(value: T): boolean });
/** `reduce`: combines two values of the same key into one. */
export type ReduceFunction<T> = ((a: T, b: T) => T) | (RichFunction & { reduce(a: T, b: T): T });
/** Extracts the key of a record. */
export type KeySelector<T, K extends Key = Key> = (value: T) => K;
/** Chooses the partition of a key for `partitionCustom`. */
export type Partitioner<K> = ((key: K, numPartitions: number) => number) | { partition(key: K, numPartitions: number): number };

/** The context of `ProcessFunction.processElement`. */
export interface ProcessContext {
  /** The timestamp of the current record, or undefined if it has none. */
  timestamp(): number | undefined;
  /** Emits a record to a side output. */
  output<X>(tag: OutputTag<X>, value: X): void;
}

/** A low-level function with side outputs: `ds.process(fn)`. */
export interface ProcessFunction<T, R> extends RichFunction {
  /** Processes one record; may emit any number of records and side outputs. May be async. */
  processElement(value: T, ctx: ProcessContext, out: Collector<R>): void | Promise<void>;
}

/** The timer service of a keyed process function. */
export interface TimerService {
  /** The current processing time in milliseconds. */
  currentProcessingTime(): number;
  /** The current event-time watermark. */
  currentWatermark(): number;
  /** Registers an event-time timer for the current key. */
  registerEventTimeTimer(time: number): void;
  /** Registers a processing-time timer for the current key. */
  registerProcessingTimeTimer(time: number): void;
  /** Deletes an event-time timer of the current key. */
  deleteEventTimeTimer(time: number): void;
  /** Deletes a processing-time timer of the current key. */
  deleteProcessingTimeTimer(time: number): void;
}

/** The context of `KeyedProcessFunction.processElement`. */
export interface KeyedProcessContext<K> extends ProcessContext {
  /** The key of the current record. */
  getCurrentKey(): K;
  /** The timer service. */
  timerService(): TimerService;
}

/** The context of `KeyedProcessFunction.onTimer`. */
export interface OnTimerContext<K> extends KeyedProcessContext<K> {
  /** Whether the firing timer is an event-time or a processing-time timer. */
  timeDomain(): 'EVENT_TIME' | 'PROCESSING_TIME';
}

/** A process function on a keyed stream, with timers (and keyed state). */
export interface KeyedProcessFunction<K, T, R> extends RichFunction {
  /** Processes one record of the current key. May be async. */
  processElement(value: T, ctx: KeyedProcessContext<K>, out: Collector<R>): void | Promise<void>;
  /** Called when a timer fires. May be async. */
  onTimer?(timestamp: number, ctx: OnTimerContext<K>, out: Collector<R>): void | Promise<void>;
}

/** `connect(...).map`: one function per input. */
export interface CoMapFunction<A, B, R> extends RichFunction {
  /** Maps a record of the first input. */
  map1(value: A): R;
  /** Maps a record of the second input. */
  map2(value: B): R;
}

/** `connect(...).flatMap`: one function per input. */
export interface CoFlatMapFunction<A, B, R> extends RichFunction {
  /** Processes a record of the first input. */
  flatMap1(value: A, out: Collector<R>): void | Iterable<R>;
  /** Processes a record of the second input. */
  flatMap2(value: B, out: Collector<R>): void | Iterable<R>;
}

/** `connect(...).process`: one function per input, with side outputs. */
export interface CoProcessFunction<A, B, R> extends RichFunction {
  /** Processes a record of the first input. May be async. */
  processElement1(value: A, ctx: ProcessContext, out: Collector<R>): void | Promise<void>;
  /** Processes a record of the second input. May be async. */
  processElement2(value: B, ctx: ProcessContext, out: Collector<R>): void | Promise<void>;
}

/** The context a sink function receives with each record. */
export interface SinkContext {
  /** The record's timestamp, or undefined. */
  timestamp(): number | undefined;
  /** The current processing time. */
  currentProcessingTime(): number;
}

/** `addSink`: called once per record. May be async (awaited in order). */
export type SinkFunction<T> =
  | ((value: T, context: SinkContext) => void | Promise<void>)
  | (RichFunction & { invoke(value: T, context: SinkContext): void | Promise<void> });

/** A field of a record for `sum`/`min`/`max`/`minBy`/`maxBy`: a property name, or an index for tuples (arrays). */
export type FieldExpression = string | number;
