/** Runs a `map` function: one output per input, with the input's timestamp. */
import type { MapFunction } from '../../functions/user-functions.js';
import type { MaybePromise } from '../stream-operator.js';
import { AbstractStreamOperator, resolveFunction } from './abstract-stream-operator.js';

/** The operator of `DataStream.map`. */
export class MapOperator extends AbstractStreamOperator {
  private readonly fn: (value: unknown) => unknown;

  /** Wraps a map function. */
  constructor(private readonly userFunction: MapFunction<any, any>) {
    super();
    this.fn = resolveFunction(userFunction, 'map', 'map()');
  }

  protected userFunctions(): readonly unknown[] {
    return [this.userFunction];
  }

  processElement(value: unknown, timestamp: number | undefined): MaybePromise {
    let result: unknown;
    try {
      result = this.fn(value);
    } catch (e) {
      throw this.userError(e);
    }
    return this.downstream.collect(result, timestamp);
  }
}
