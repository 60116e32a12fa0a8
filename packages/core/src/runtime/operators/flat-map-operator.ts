/** Runs a `flatMap` function: any number of outputs per input, emitted through the collector or returned. */
import type { FlatMapFunction } from '../../functions/user-functions.js';
import { OrderedEmitter } from '../ordered-emitter.js';
import type { MaybePromise, OperatorContext, Output } from '../stream-operator.js';
import { AbstractStreamOperator, resolveFunction } from './abstract-stream-operator.js';

/** The operator of `DataStream.flatMap`. */
export class FlatMapOperator extends AbstractStreamOperator {
  private readonly fn: (value: unknown, out: OrderedEmitter) => void | Iterable<unknown>;
  private emitter!: OrderedEmitter;

  /** Wraps a flatMap function. */
  constructor(private readonly userFunction: FlatMapFunction<any, any>) {
    super();
    this.fn = resolveFunction(userFunction, 'flatMap', 'flatMap()');
  }

  protected userFunctions(): readonly unknown[] {
    return [this.userFunction];
  }

  override setup(context: OperatorContext, output: Output): void {
    super.setup(context, output);
    this.emitter = new OrderedEmitter(output);
  }

  processElement(value: unknown, timestamp: number | undefined): MaybePromise {
    const emitter = this.emitter;
    emitter.timestamp = timestamp;
    try {
      const returned = this.fn(value, emitter);
      if (returned !== undefined && returned !== null) emitter.collectAll(returned);
    } catch (e) {
      emitter.abandon();
      throw this.userError(e);
    }
    return emitter.drain();
  }
}
