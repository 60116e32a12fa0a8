/** Runs a `CoFlatMapFunction` over two connected inputs. */
import type { CoFlatMapFunction } from '../../functions/user-functions.js';
import { OrderedEmitter } from '../ordered-emitter.js';
import type { MaybePromise, OperatorContext, Output } from '../stream-operator.js';
import { AbstractStreamOperator } from './abstract-stream-operator.js';

/** The operator of `ConnectedStreams.flatMap`. */
export class CoFlatMapOperator extends AbstractStreamOperator {
  private emitter!: OrderedEmitter;

  /** Wraps a co-flatMap function. */
  constructor(private readonly fn: CoFlatMapFunction<any, any, any>) {
    super();
    if (typeof fn?.flatMap1 !== 'function' || typeof fn.flatMap2 !== 'function') {
      throw new TypeError('connect().flatMap() expects an object with flatMap1() and flatMap2()');
    }
  }

  protected userFunctions(): readonly unknown[] {
    return [this.fn];
  }

  override setup(context: OperatorContext, output: Output): void {
    super.setup(context, output);
    this.emitter = new OrderedEmitter(output);
  }

  processElement(value: unknown, timestamp: number | undefined, inputIndex: number): MaybePromise {
    const emitter = this.emitter;
    emitter.timestamp = timestamp;
    try {
      const returned = inputIndex === 0 ? this.fn.flatMap1(value, emitter) : this.fn.flatMap2(value, emitter);
      if (returned !== undefined && returned !== null) emitter.collectAll(returned);
    } catch (e) {
      emitter.abandon();
      throw this.userError(e);
    }
    return emitter.drain();
  }
}
