/**
 * Where a source reader's records enter the chain of a source task: counts records (for error positions), assigns
 * timestamps and generates watermarks with the source's `WatermarkStrategy` (punctuated on events, periodic on
 * the auto-watermark interval), never lets the watermark go back, and keeps order when the chain is asynchronous.
 */
import type { ReaderOutput } from '../connector/source.js';
import type { WatermarkStrategy } from '../eventtime/watermark-strategy.js';
import type { TimestampAssigner, Watermark, WatermarkGenerator, WatermarkOutput } from '../eventtime/watermark.js';
import { MIN_WATERMARK } from './frame.js';
import { isPromise, type MaybePromise, type Output } from './stream-operator.js';

/** The output a source task hands its reader. */
export class SourceOutput implements ReaderOutput<unknown>, WatermarkOutput {
  /** Records emitted so far. */
  count = 0;
  private pending: Promise<void> | undefined;
  private readonly assigner: TimestampAssigner<unknown> | undefined;
  private readonly generator: WatermarkGenerator<unknown> | undefined;
  private watermark = MIN_WATERMARK;
  private idle = false;

  /** Wraps the chain's `output`; with a strategy, assigns timestamps and generates watermarks. */
  constructor(
    readonly output: Output,
    strategy: WatermarkStrategy<unknown> | undefined,
    currentProcessingTime: () => number,
  ) {
    if (strategy !== undefined) {
      this.assigner = strategy.hasTimestampAssigner() ? strategy.createTimestampAssigner() : undefined;
      this.generator = strategy.createWatermarkGenerator({ currentProcessingTime });
    }
  }

  /** True when the source generates watermarks. */
  get generatesWatermarks(): boolean {
    return this.generator !== undefined;
  }

  collect(record: unknown, timestamp?: number): void {
    let ts = timestamp;
    if (this.assigner !== undefined) ts = this.assigner(record, timestamp);
    if (this.pending === undefined) {
      // The common, synchronous case: no closure per record.
      this.count++;
      const r = this.output.collect(record, ts);
      if (isPromise(r)) this.pending = r;
    } else {
      this.run(() => {
        this.count++;
        return this.output.collect(record, ts);
      });
    }
    // The record goes out before any watermark its event produces (as Flink's SourceOutputWithWatermarks).
    if (this.generator !== undefined && ts !== undefined) this.generator.onEvent(record, ts, this);
  }

  /** Calls the generator's periodic emit (on the auto-watermark interval). */
  periodicEmit(): void {
    this.generator?.onPeriodicEmit(this);
  }

  emitWatermark(watermark: Watermark): void {
    if (watermark.timestamp <= this.watermark) return;
    this.watermark = watermark.timestamp;
    if (this.idle) this.markActive();
    this.run(() => this.output.emitWatermark(watermark.timestamp));
  }

  markIdle(): void {
    if (this.idle) return;
    this.idle = true;
    this.run(() => this.output.emitWatermarkStatus(true));
  }

  markActive(): void {
    if (!this.idle) return;
    this.idle = false;
    this.run(() => this.output.emitWatermarkStatus(false));
  }

  /** Returns what is still pending (undefined when everything was synchronous) and resets. */
  drain(): MaybePromise {
    const p = this.pending;
    this.pending = undefined;
    return p;
  }

  private run(step: () => MaybePromise): void {
    if (this.pending !== undefined) {
      this.pending = this.pending.then(step);
      return;
    }
    const r = step();
    if (isPromise(r)) this.pending = r;
  }
}
