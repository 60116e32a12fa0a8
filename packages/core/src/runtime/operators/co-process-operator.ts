/** Runs a `CoProcessFunction` over two connected inputs, with side outputs. */
import type { OutputTag } from '../../api/output-tag.js';
import type { CoProcessFunction, ProcessContext } from '../../functions/user-functions.js';
import { OrderedEmitter } from '../ordered-emitter.js';
import type { MaybePromise, OperatorContext, Output } from '../stream-operator.js';
import { AbstractStreamOperator } from './abstract-stream-operator.js';
import { settle } from './process-operator.js';

/** The operator of `ConnectedStreams.process`. */
export class CoProcessOperator extends AbstractStreamOperator implements ProcessContext {
  private emitter!: OrderedEmitter;

  /** Wraps a co-process function. */
  constructor(private readonly fn: CoProcessFunction<any, any, any>) {
    super();
    if (typeof fn?.processElement1 !== 'function' || typeof fn.processElement2 !== 'function') {
      throw new TypeError('connect().process() expects an object with processElement1() and processElement2()');
    }
  }

  protected userFunctions(): readonly unknown[] {
    return [this.fn];
  }

  override setup(context: OperatorContext, output: Output): void {
    super.setup(context, output);
    this.emitter = new OrderedEmitter(output);
  }

  timestamp(): number | undefined {
    return this.emitter.timestamp;
  }

  output<X>(tag: OutputTag<X>, value: X): void {
    this.emitter.collectSide(tag.id, value);
  }

  processElement(value: unknown, timestamp: number | undefined, inputIndex: number): MaybePromise {
    const emitter = this.emitter;
    emitter.timestamp = timestamp;
    let r: unknown;
    try {
      r = inputIndex === 0 ? this.fn.processElement1(value, this, emitter) : this.fn.processElement2(value, this, emitter);
    } catch (e) {
      emitter.abandon();
      throw this.userError(e);
    }
    return settle(this.guard(r), emitter);
  }
}
