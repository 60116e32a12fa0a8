/** Runs a `CoMapFunction` over two connected inputs. */
import type { CoMapFunction } from '../../functions/user-functions.js';
import type { MaybePromise } from '../stream-operator.js';
import { AbstractStreamOperator } from './abstract-stream-operator.js';

/** The operator of `ConnectedStreams.map`. */
export class CoMapOperator extends AbstractStreamOperator {
  /** Wraps a co-map function. */
  constructor(private readonly fn: CoMapFunction<any, any, any>) {
    super();
    if (typeof fn?.map1 !== 'function' || typeof fn.map2 !== 'function') throw new TypeError('connect().map() expects an object with map1() and map2()');
  }

  protected userFunctions(): readonly unknown[] {
    return [this.fn];
  }

  processElement(value: unknown, timestamp: number | undefined, inputIndex: number): MaybePromise {
    let result: unknown;
    try {
      result = inputIndex === 0 ? this.fn.map1(value) : this.fn.map2(value);
    } catch (e) {
      throw this.userError(e);
    }
    return this.downstream.collect(result, timestamp);
  }
}
