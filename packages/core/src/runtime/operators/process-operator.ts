/** Runs a `ProcessFunction`: records, side outputs and the record's timestamp. */
import type { OutputTag } from '../../api/output-tag.js';
import type { ProcessContext, ProcessFunction } from '../../functions/user-functions.js';
import { OrderedEmitter } from '../ordered-emitter.js';
import { isPromise, type MaybePromise, type OperatorContext, type Output } from '../stream-operator.js';
import { AbstractStreamOperator } from './abstract-stream-operator.js';

/** The operator of `DataStream.process`. */
export class ProcessOperator extends AbstractStreamOperator implements ProcessContext {
  protected emitter!: OrderedEmitter;

  /** Wraps a process function. */
  constructor(private readonly fn: ProcessFunction<any, any>) {
    super();
    if (typeof fn?.processElement !== 'function') throw new TypeError('process() expects an object with a processElement(value, ctx, out) method');
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

  processElement(value: unknown, timestamp: number | undefined): MaybePromise {
    const emitter = this.emitter;
    emitter.timestamp = timestamp;
    let r: unknown;
    try {
      r = this.fn.processElement(value, this, emitter);
    } catch (e) {
      emitter.abandon();
      throw this.userError(e);
    }
    return settle(this.guard(r), emitter);
  }
}

/** Awaits the user function's promise, then whatever it emitted. */
export function settle(userResult: MaybePromise, emitter: OrderedEmitter): MaybePromise {
  if (isPromise(userResult)) return userResult.then(() => emitter.drain());
  return emitter.drain();
}
