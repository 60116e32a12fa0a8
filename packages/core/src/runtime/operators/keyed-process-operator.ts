/** Runs a `KeyedProcessFunction`: a process function that knows the current key. */
import { ErrorCodes, WeirError } from '../../errors.js';
import type { KeyedProcessContext, KeyedProcessFunction, TimerService } from '../../functions/user-functions.js';
import { checkKey, type Key } from '../../keys/key-group.js';
import { MIN_WATERMARK } from '../frame.js';
import type { MaybePromise } from '../stream-operator.js';
import { ProcessOperator, settle } from './process-operator.js';

/** The operator of `KeyedStream.process`. */
export class KeyedProcessOperator extends ProcessOperator implements KeyedProcessContext<Key>, TimerService {
  private currentKey: Key | undefined;
  private watermark = MIN_WATERMARK;

  /** Wraps a keyed process function. */
  constructor(private readonly keyedFn: KeyedProcessFunction<any, any, any>) {
    super(keyedFn);
  }

  getCurrentKey(): Key {
    return this.currentKey!;
  }

  timerService(): TimerService {
    return this;
  }

  currentProcessingTime(): number {
    return this.context.currentProcessingTime();
  }

  currentWatermark(): number {
    return this.watermark;
  }

  registerEventTimeTimer(_time: number): void {
    throw timersUnsupported();
  }

  registerProcessingTimeTimer(_time: number): void {
    throw timersUnsupported();
  }

  deleteEventTimeTimer(_time: number): void {
    throw timersUnsupported();
  }

  deleteProcessingTimeTimer(_time: number): void {
    throw timersUnsupported();
  }

  override processWatermark(watermark: number): MaybePromise {
    this.watermark = watermark;
    return super.processWatermark(watermark);
  }

  override processElement(value: unknown, timestamp: number | undefined): MaybePromise {
    const emitter = this.emitter;
    emitter.timestamp = timestamp;
    let r: unknown;
    try {
      this.currentKey = checkKey(this.context.keySelectors![0]!(value), this.context.name);
      r = this.keyedFn.processElement(value, this, emitter);
    } catch (e) {
      emitter.abandon();
      throw this.userError(e);
    }
    return settle(this.guard(r), emitter);
  }
}

function timersUnsupported(): WeirError {
  return new WeirError(ErrorCodes.UNSUPPORTED_OPERATION, 'Timers are not available yet in this version of weir');
}
