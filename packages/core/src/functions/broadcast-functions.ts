/**
 * The broadcast state pattern (Flink's `KeyedBroadcastProcessFunction`): a low-volume stream of rules or
 * configuration is broadcast to every parallel instance and kept in broadcast state, which the keyed side reads.
 * Broadcast state is the same in every instance as long as every instance applies the same updates; only the
 * broadcast side may change it.
 */
import type { OutputTag } from '../api/output-tag.js';
import type { MapStateDescriptor } from '../state/map-state-descriptor.js';
import type { MapStateKey } from '../state/state.js';
import type { Collector, KeyedProcessContext, OnTimerContext, RichFunction } from './user-functions.js';

/** Broadcast state as the keyed side sees it: read only. */
export interface ReadOnlyBroadcastState<K extends MapStateKey, V> {
  /** The value of `key`, or undefined. */
  get(key: K): Promise<V | undefined>;
  /** Whether `key` has a value. */
  contains(key: K): Promise<boolean>;
  /** All entries. */
  entries(): Promise<[K, V][]>;
}

/** Broadcast state as the broadcast side sees it. */
export interface BroadcastState<K extends MapStateKey, V> extends ReadOnlyBroadcastState<K, V> {
  /** Sets the value of `key`. */
  put(key: K, value: V): Promise<void>;
  /** Removes `key`. */
  remove(key: K): Promise<void>;
  /** Removes every entry. */
  clear(): Promise<void>;
}

/** The context of the keyed side. */
export interface KeyedBroadcastReadOnlyContext<K> extends KeyedProcessContext<K> {
  /** The broadcast state of `descriptor`, read only. */
  getBroadcastState<MK extends MapStateKey, V>(descriptor: MapStateDescriptor<MK, V>): ReadOnlyBroadcastState<MK, V>;
}

/** The context of the broadcast side. */
export interface KeyedBroadcastContext {
  /** The broadcast state of `descriptor`. */
  getBroadcastState<MK extends MapStateKey, V>(descriptor: MapStateDescriptor<MK, V>): BroadcastState<MK, V>;
  /** The timestamp of the current broadcast record. */
  timestamp(): number | undefined;
  /** The current processing time. */
  currentProcessingTime(): number;
  /** The current watermark. */
  currentWatermark(): number;
  /** Emits to a side output. */
  output<X>(tag: OutputTag<X>, value: X): void;
}

/** Processes a keyed stream connected with a broadcast stream. */
export interface KeyedBroadcastProcessFunction<K, IN, BC, OUT> extends RichFunction {
  /** A record of the keyed side; broadcast state is read only here. May be async. */
  processElement(value: IN, ctx: KeyedBroadcastReadOnlyContext<K>, out: Collector<OUT>): void | Promise<void>;
  /** A record of the broadcast side (every instance gets every one); may update broadcast state. May be async. */
  processBroadcastElement(value: BC, ctx: KeyedBroadcastContext, out: Collector<OUT>): void | Promise<void>;
  /** A timer of the keyed side fired. May be async. */
  onTimer?(timestamp: number, ctx: OnTimerContext<K> & KeyedBroadcastReadOnlyContext<K>, out: Collector<OUT>): void | Promise<void>;
}
