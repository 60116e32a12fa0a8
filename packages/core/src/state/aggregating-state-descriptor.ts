/** The descriptor of an aggregating state: the values added per key and namespace, folded by an aggregate function. */
import type { AggregateFunction } from './aggregate-function.js';
import { StateDescriptor } from './state-descriptor.js';

/** Describes an `AggregatingState<IN, OUT>` whose accumulator is of type `ACC`. */
export class AggregatingStateDescriptor<IN, ACC, OUT> extends StateDescriptor {
  /** Always `'aggregating'`. */
  readonly type = 'aggregating' as const;
  /** The aggregate function; its methods are called on it. */
  readonly aggregateFunction: AggregateFunction<IN, ACC, OUT>;

  /** Creates the descriptor of an aggregating state named `name`. */
  constructor(name: string, aggregateFunction: AggregateFunction<IN, ACC, OUT>) {
    super(name);
    if (typeof aggregateFunction !== 'object' || aggregateFunction === null) {
      throw new TypeError(
        `AggregatingStateDescriptor "${name}" expects an object with createAccumulator(), add(value, acc), getResult(acc) and merge(a, b)`,
      );
    }
    for (const method of ['createAccumulator', 'add', 'getResult', 'merge'] as const) {
      if (typeof aggregateFunction[method] !== 'function') {
        throw new TypeError(`AggregatingStateDescriptor "${name}": the aggregate function has no ${method}() method`);
      }
    }
    this.aggregateFunction = aggregateFunction;
  }
}
