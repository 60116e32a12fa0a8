/**
 * Flink's `AggregateFunction`: an incremental aggregation with an accumulator, used by `AggregatingState` and by
 * `windowed.aggregate(...)`. The methods are called on the object (so `this` works) and may return a new accumulator
 * or the one they were given, changed.
 */

/** Aggregates values of type `IN` into an accumulator `ACC` and produces a result `OUT`. */
export interface AggregateFunction<IN, ACC, OUT> {
  /** A new, empty accumulator. */
  createAccumulator(): ACC;
  /** Adds `value` to `accumulator`; returns the updated accumulator. */
  add(value: IN, accumulator: ACC): ACC;
  /** The result of an accumulator. */
  getResult(accumulator: ACC): OUT;
  /** Merges two accumulators (of merged windows or namespaces) into one. */
  merge(a: ACC, b: ACC): ACC;
}
