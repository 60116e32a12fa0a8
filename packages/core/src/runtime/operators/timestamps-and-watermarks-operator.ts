/**
 * `assignTimestampsAndWatermarks(strategy)`: gives records the timestamps of the strategy's assigner and emits
 * the strategy's watermarks (punctuated on events, periodic on the auto-watermark interval), replacing upstream
 * watermarks; only the end-of-input maximum watermark from upstream passes through (Flink's
 * `TimestampsAndWatermarksOperator`).
 */
import type { WatermarkStrategy } from '../../eventtime/watermark-strategy.js';
import { Watermark, type TimestampAssigner, type WatermarkGenerator, type WatermarkOutput } from '../../eventtime/watermark.js';
import { MAX_WATERMARK, MIN_WATERMARK } from '../frame.js';
import { OrderedEmitter } from '../ordered-emitter.js';
import type { MaybePromise } from '../stream-operator.js';
import { AbstractStreamOperator } from './abstract-stream-operator.js';

/** The operator of `DataStream.assignTimestampsAndWatermarks`. */
export class TimestampsAndWatermarksOperator extends AbstractStreamOperator implements WatermarkOutput {
  private assigner!: TimestampAssigner<unknown>;
  private generator!: WatermarkGenerator<unknown>;
  private emitter!: OrderedEmitter;
  private watermark = MIN_WATERMARK;
  private idle = false;
  private cancelTimer: (() => void) | undefined;

  /** Creates the operator for `strategy`. */
  constructor(private readonly strategy: WatermarkStrategy<unknown>) {
    super();
  }

  protected userFunctions(): readonly unknown[] {
    return [];
  }

  override open(): MaybePromise {
    this.emitter = new OrderedEmitter(this.downstream);
    const pts = this.context.processingTimeService;
    try {
      this.assigner = this.strategy.createTimestampAssigner();
      this.generator = this.strategy.createWatermarkGenerator({ currentProcessingTime: () => pts.getCurrentProcessingTime() });
    } catch (e) {
      throw this.userError(e, 'while creating its watermark generator');
    }
    const interval = this.context.autoWatermarkIntervalMs;
    if (interval > 0) {
      const tick = (time: number): MaybePromise => {
        this.cancelTimer = pts.registerTimer(time + interval, tick);
        try {
          this.generator.onPeriodicEmit(this);
        } catch (e) {
          throw this.userError(e, 'in onPeriodicEmit()');
        }
        return this.emitter.drain();
      };
      this.cancelTimer = pts.registerTimer(pts.getCurrentProcessingTime() + interval, tick);
    }
    return undefined;
  }

  processElement(value: unknown, timestamp: number | undefined): MaybePromise {
    let ts: number;
    try {
      ts = this.assigner(value, timestamp);
      if (typeof ts !== 'number' || Number.isNaN(ts)) throw new TypeError(`the timestamp assigner returned ${String(ts)}, not a number`);
    } catch (e) {
      throw this.userError(e);
    }
    this.emitter.timestamp = ts;
    this.emitter.collect(value);
    try {
      this.generator.onEvent(value, ts, this);
    } catch (e) {
      this.emitter.abandon();
      throw this.userError(e);
    }
    return this.emitter.drain();
  }

  override processWatermark(watermark: number): MaybePromise {
    if (watermark === MAX_WATERMARK && this.watermark !== MAX_WATERMARK) {
      // Through emitWatermark, which marks an idle stream active first (downstream ignores an idle channel's watermarks).
      this.emitWatermark(new Watermark(MAX_WATERMARK));
      return this.emitter.drain();
    }
    return undefined;
  }

  override processWatermarkStatus(): MaybePromise {
    return undefined;
  }

  override finish(): MaybePromise {
    try {
      this.generator.onPeriodicEmit(this);
    } catch (e) {
      throw this.userError(e, 'in onPeriodicEmit()');
    }
    return this.emitter.drain();
  }

  override close(): MaybePromise {
    this.cancelTimer?.();
    return super.close();
  }

  emitWatermark(watermark: Watermark): void {
    if (watermark.timestamp <= this.watermark) return;
    this.watermark = watermark.timestamp;
    if (this.idle) this.markActive();
    const ts = watermark.timestamp;
    this.emitter.run(() => this.downstream.emitWatermark(ts));
  }

  markIdle(): void {
    if (this.idle) return;
    this.idle = true;
    this.emitter.run(() => this.downstream.emitWatermarkStatus(true));
  }

  markActive(): void {
    if (!this.idle) return;
    this.idle = false;
    this.emitter.run(() => this.downstream.emitWatermarkStatus(false));
  }
}
