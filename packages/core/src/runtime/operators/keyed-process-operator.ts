/**
 * Runs a `KeyedProcessFunction`: records of the current key with keyed state (through `open(ctx)`), side outputs,
 * and event-time and processing-time timers per key (`ctx.timerService()`, `onTimer`).
 */
import type { OutputTag } from '../../api/output-tag.js';
import type { KeyedProcessFunction, OnTimerContext, TimerService } from '../../functions/user-functions.js';
import type { Key } from '../../keys/key-group.js';
import type { Timer } from '../../state/timer-queue.js';
import { OrderedEmitter } from '../ordered-emitter.js';
import type { MaybePromise, OperatorContext, Output } from '../stream-operator.js';
import { AbstractKeyedOperator } from './abstract-keyed-operator.js';
import { settle } from './process-operator.js';

/** The operator of `KeyedStream.process`. */
export class KeyedProcessOperator extends AbstractKeyedOperator implements OnTimerContext<Key> {
  private emitter!: OrderedEmitter;
  private timers: TimerService | undefined;
  private domain: 'EVENT_TIME' | 'PROCESSING_TIME' = 'EVENT_TIME';

  /** Wraps a keyed process function. */
  constructor(private readonly fn: KeyedProcessFunction<any, any, any>) {
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

  getCurrentKey(): Key {
    return this.currentKey();
  }

  timestamp(): number | undefined {
    return this.emitter.timestamp;
  }

  output<X>(tag: OutputTag<X>, value: X): void {
    this.emitter.collectSide(tag.id, value);
  }

  timeDomain(): 'EVENT_TIME' | 'PROCESSING_TIME' {
    return this.domain;
  }

  timerService(): TimerService {
    return (this.timers ??= this.userTimerService());
  }

  processElement(value: unknown, timestamp: number | undefined): MaybePromise {
    const emitter = this.emitter;
    emitter.timestamp = timestamp;
    let r: unknown;
    try {
      this.setKeyOf(value, 0);
      r = this.fn.processElement(value, this, emitter);
    } catch (e) {
      emitter.abandon();
      throw this.userError(e);
    }
    return settle(this.guard(r), emitter);
  }

  protected onEventTime(timer: Timer): MaybePromise {
    return this.fire(timer, 'EVENT_TIME', timer.timestamp);
  }

  protected onProcessingTime(timer: Timer): MaybePromise {
    return this.fire(timer, 'PROCESSING_TIME', undefined);
  }

  private fire(timer: Timer, domain: 'EVENT_TIME' | 'PROCESSING_TIME', timestamp: number | undefined): MaybePromise {
    if (this.fn.onTimer === undefined) return undefined;
    const emitter = this.emitter;
    emitter.timestamp = timestamp;
    this.domain = domain;
    let r: unknown;
    try {
      r = this.fn.onTimer(timer.timestamp, this, emitter);
    } catch (e) {
      emitter.abandon();
      throw this.userError(e, 'in onTimer()');
    }
    return settle(this.guard(r), emitter);
  }
}
