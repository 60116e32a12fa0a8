/** The descriptor of a reducing state: the values added per key and namespace, combined by a reduce function. */
import type { ReduceFunction } from '../functions/user-functions.js';
import { StateDescriptor } from './state-descriptor.js';

/** Describes a `ReducingState<T>`: `add(v)` stores `reduce(current, v)` (or `v` when empty). */
export class ReducingStateDescriptor<T> extends StateDescriptor {
  /** Always `'reducing'`. */
  readonly type = 'reducing' as const;
  /** The reduce function as given. */
  readonly reduceFunction: ReduceFunction<T>;
  /** The reduce function as a plain function (bound to its object when an object was given). */
  readonly reduce: (a: T, b: T) => T;

  /** Creates the descriptor of a reducing state named `name`; `reduceFunction` is a function or `{ reduce(a, b) }`. */
  constructor(name: string, reduceFunction: ReduceFunction<T>) {
    super(name);
    this.reduceFunction = reduceFunction;
    if (typeof reduceFunction === 'function') {
      this.reduce = reduceFunction;
    } else if (typeof reduceFunction === 'object' && reduceFunction !== null && typeof reduceFunction.reduce === 'function') {
      this.reduce = reduceFunction.reduce.bind(reduceFunction);
    } else {
      throw new TypeError(`ReducingStateDescriptor "${name}" expects a function or an object with a reduce() method`);
    }
  }
}
