/**
 * The public keyed-state interfaces (Flink's `ValueState`, `ListState`, `MapState`, `ReducingState`,
 * `AggregatingState`). Every access is async, so a backend may read from disk; the memory backend resolves at once.
 * A state object reads the current key when a method is called: inside a keyed function that is the key of the
 * record or timer being processed. Values are plain, msgpack-able data and are stored by reference: do not mutate a
 * value after handing it to the state or after reading it.
 *
 * Threading model: state objects belong to one operator instance and are used from its mailbox only.
 */
import type { Key } from '../keys/key-group.js';

/** A key of a `MapState`: a string, number, bigint, boolean or an array (tuple) of those, compared by value. */
export type MapStateKey = Key;

/** What every state offers. */
export interface State {
  /** Removes the value(s) of the current key (and namespace). */
  clear(): Promise<void>;
}

/** One value per key (Flink's `ValueState`). */
export interface ValueState<T> extends State {
  /** The value of the current key, or the descriptor's default value (or undefined) when none is set. */
  value(): Promise<T | undefined>;
  /** Sets the value of the current key; `undefined` clears it. */
  update(value: T | undefined): Promise<void>;
  /** Removes the value of the current key. */
  clear(): Promise<void>;
}

/** A list of values per key (Flink's `ListState`). */
export interface ListState<T> extends State {
  /**
   * The elements of the current key, in insertion order: a new array the caller owns. An empty list is an empty
   * array (Flink returns null or an empty iterable; weir always returns an array).
   */
  get(): Promise<T[]>;
  /** Appends `value`; `undefined` is rejected with a `TypeError`. */
  add(value: T): Promise<void>;
  /** Appends every value; if one is `undefined`, a `TypeError` is thrown and nothing is added. */
  addAll(values: Iterable<T>): Promise<void>;
  /** Replaces the list with `values` (an empty iterable clears it). */
  update(values: Iterable<T>): Promise<void>;
  /** Removes the list of the current key. */
  clear(): Promise<void>;
}

/** A map per key (Flink's `MapState`). Keys are compared by value (see {@link MapStateKey}). */
export interface MapState<K extends MapStateKey, V> extends State {
  /** The value stored under `key`, or undefined. */
  get(key: K): Promise<V | undefined>;
  /** Stores `value` under `key`; `undefined` is rejected with a `TypeError` (use `remove`). */
  put(key: K, value: V): Promise<void>;
  /** Stores every entry (a `Map` or an iterable of pairs); nothing is stored if one entry is invalid. */
  putAll(entries: Iterable<readonly [K, V]>): Promise<void>;
  /** Removes `key`. */
  remove(key: K): Promise<void>;
  /** Whether `key` is present. */
  contains(key: K): Promise<boolean>;
  /** The entries: a new array the caller owns, in an order the backend chooses (insertion order in memory). */
  entries(): Promise<[K, V][]>;
  /** The keys, in the order of `entries()`. */
  keys(): Promise<K[]>;
  /** The values, in the order of `entries()`. */
  values(): Promise<V[]>;
  /** Whether the map of the current key is empty. */
  isEmpty(): Promise<boolean>;
  /** Removes the whole map of the current key. */
  clear(): Promise<void>;
}

/** The values added for a key, combined into one by a reduce function (Flink's `ReducingState`). */
export interface ReducingState<T> extends State {
  /** The combined value, or undefined when nothing was added. */
  get(): Promise<T | undefined>;
  /** Combines `value` into the state: `reduce(current, value)`, or `value` when empty. `undefined` is rejected. */
  add(value: T): Promise<void>;
  /** Removes the combined value of the current key. */
  clear(): Promise<void>;
}

/** The values added for a key, folded by an aggregate function (Flink's `AggregatingState`). */
export interface AggregatingState<IN, OUT> extends State {
  /** `getResult(accumulator)`, or undefined when nothing was added. */
  get(): Promise<OUT | undefined>;
  /** Adds `value` to the accumulator (created by `createAccumulator()` when empty). `undefined` is rejected. */
  add(value: IN): Promise<void>;
  /** Removes the accumulator of the current key. */
  clear(): Promise<void>;
}
