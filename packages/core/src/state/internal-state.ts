/**
 * The internal, maybe-async state interfaces (Flink's `InternalKvState` family) that built-in operators use. Every
 * method returns either a plain value or a promise ({@link MaybeAsync}); with the memory backend it is always a plain
 * value, so the hot path of an operator creates no promise. The public async objects (`ValueState`, ...) wrap these.
 *
 * Contract, for callers and for backends implementing these interfaces:
 * - A state value lives under (key group, key, namespace). The key is the backend's current key
 *   (`backend.setCurrentKey`), the namespace is the state object's current namespace (`setCurrentNamespace`; `''`,
 *   the default namespace, until set). Windows use their own namespace strings.
 * - Every method reads the current key and namespace synchronously, when it is called, before returning a promise;
 *   the caller may change them as soon as the method returns.
 * - `undefined` is never stored: writing it clears (value state, `updateInternal`) or is a `TypeError` (`add`, `put`).
 * - Arrays and values returned by reads belong to the state: do not mutate them (they may change on the next write).
 *   Lists handed to writes are copied; other values are stored by reference, so do not mutate them afterwards.
 *
 * Threading model: used from the owning operator's mailbox only, never concurrently from two threads.
 */
import type { AggregatingStateDescriptor } from './aggregating-state-descriptor.js';
import type { ListStateDescriptor } from './list-state-descriptor.js';
import type { MapStateDescriptor } from './map-state-descriptor.js';
import type { MaybeAsync } from './maybe-async.js';
import type { ReducingStateDescriptor } from './reducing-state-descriptor.js';
import type { MapStateKey } from './state.js';
import type { StateType } from './state-descriptor.js';
import type { ValueStateDescriptor } from './value-state-descriptor.js';

/** What every internal state offers. */
export interface InternalKvState {
  /** The state's name (the descriptor's). */
  readonly name: string;
  /** The state's type. */
  readonly type: StateType;
  /** Sets the namespace the following calls use (`''` is the default namespace). */
  setCurrentNamespace(namespace: string): void;
  /** Removes the value(s) of the current key and namespace. */
  clear(): MaybeAsync<void>;
}

/** The internal form of a value state. */
export interface InternalValueState<T> extends InternalKvState {
  /** The value, or the descriptor's default value (or undefined) when none is set. */
  value(): MaybeAsync<T | undefined>;
  /** Sets the value; `undefined` clears it. */
  update(value: T | undefined): MaybeAsync<void>;
  /** The stored value without the default: undefined when none is set. */
  getInternal(): MaybeAsync<T | undefined>;
  /** Same as `update`. */
  updateInternal(value: T | undefined): MaybeAsync<void>;
}

/** A state that values are added to; `SV` is its stored form, `OUT` what `get` returns. */
export interface InternalAppendingState<IN, SV, OUT> extends InternalKvState {
  /** The state's result. */
  get(): MaybeAsync<OUT>;
  /** Adds a value; `undefined` is a `TypeError`. */
  add(value: IN): MaybeAsync<void>;
  /** The stored form (the list, the reduced value, the accumulator), or undefined when empty. */
  getInternal(): MaybeAsync<SV | undefined>;
  /** Replaces the stored form; `undefined` (or an empty list) clears. */
  updateInternal(value: SV | undefined): MaybeAsync<void>;
}

/** An appending state whose namespaces can be merged (Flink's `InternalMergingState`): for merging windows. */
export interface InternalMergingState<IN, SV, OUT> extends InternalAppendingState<IN, SV, OUT> {
  /**
   * Merges the state of the current key in each of the `sources` namespaces into namespace `target` and clears the
   * sources: lists are concatenated (target's elements first, then each source's in order), reduced values are
   * reduced, accumulators merged. A source equal to `target` is ignored. The current namespace is unchanged.
   */
  mergeNamespaces(target: string, sources: readonly string[]): MaybeAsync<void>;
}

/** The internal form of a list state. `get()` of an empty list is an empty array. */
export interface InternalListState<T> extends InternalMergingState<T, readonly T[], readonly T[]> {
  /** Appends every value; if one is `undefined`, a `TypeError` is thrown and nothing is added. */
  addAll(values: Iterable<T>): MaybeAsync<void>;
  /** Replaces the list (an empty iterable clears it). */
  update(values: Iterable<T>): MaybeAsync<void>;
}

/** The internal form of a reducing state. */
export type InternalReducingState<T> = InternalMergingState<T, T, T | undefined>;

/** The internal form of an aggregating state; the stored form is the accumulator. */
export type InternalAggregatingState<IN, ACC, OUT> = InternalMergingState<IN, ACC, OUT | undefined>;

/** The internal form of a map state. */
export interface InternalMapState<K extends MapStateKey, V> extends InternalKvState {
  /** The value under `key`, or undefined. */
  get(key: K): MaybeAsync<V | undefined>;
  /** Stores `value` under `key`; `undefined` is a `TypeError`. */
  put(key: K, value: V): MaybeAsync<void>;
  /** Stores every entry; nothing is stored if one is invalid. */
  putAll(entries: Iterable<readonly [K, V]>): MaybeAsync<void>;
  /** Removes `key`. */
  remove(key: K): MaybeAsync<void>;
  /** Whether `key` is present. */
  contains(key: K): MaybeAsync<boolean>;
  /** The entries: a new array (of new pairs) the caller owns, in an order the backend chooses. */
  entries(): MaybeAsync<[K, V][]>;
  /** The keys, in the order of `entries()`: a new array. */
  keys(): MaybeAsync<K[]>;
  /** The values, in the order of `entries()`: a new array. */
  values(): MaybeAsync<V[]>;
  /** Whether the map is empty. */
  isEmpty(): MaybeAsync<boolean>;
}

/** Any internal keyed state. */
export type InternalKeyedState =
  | InternalValueState<any>
  | InternalListState<any>
  | InternalMapState<any, any>
  | InternalReducingState<any>
  | InternalAggregatingState<any, any, any>;

/** The internal state that a descriptor type creates. */
export type InternalStateOf<D> =
  D extends ValueStateDescriptor<infer T>
    ? InternalValueState<T>
    : D extends ListStateDescriptor<infer T>
      ? InternalListState<T>
      : D extends MapStateDescriptor<infer K, infer V>
        ? InternalMapState<K, V>
        : D extends ReducingStateDescriptor<infer T>
          ? InternalReducingState<T>
          : D extends AggregatingStateDescriptor<infer IN, infer ACC, infer OUT>
            ? InternalAggregatingState<IN, ACC, OUT>
            : never;
