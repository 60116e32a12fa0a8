/** Runs a `filter` function: keeps the records for which it returns true. */
import type { FilterFunction } from '../../functions/user-functions.js';
import type { MaybePromise } from '../stream-operator.js';
import { AbstractStreamOperator, resolveFunction } from './abstract-stream-operator.js';

/** The operator of `DataStream.filter`. */
export class FilterOperator extends AbstractStreamOperator {
  private readonly fn: (value: unknown) => boolean;

  /** Wraps a filter function. */
  constructor(private readonly userFunction: FilterFunction<any>) {
    super();
    this.fn = resolveFunction(userFunction, 'filter', 'filter()');
  }

  protected userFunctions(): readonly unknown[] {
    return [this.userFunction];
  }

  processElement(value: unknown, timestamp: number | undefined): MaybePromise {
    let keep: boolean;
    try {
      keep = this.fn(value);
    } catch (e) {
      throw this.userError(e);
    }
    return keep ? this.downstream.collect(value, timestamp) : undefined;
  }
}
