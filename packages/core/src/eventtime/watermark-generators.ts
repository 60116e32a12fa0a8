/** The built-in watermark generators behind `WatermarkStrategy`'s factories. */
import { MIN_WATERMARK } from '../runtime/frame.js';
import { Watermark, type WatermarkGenerator, type WatermarkOutput } from './watermark.js';

/**
 * Bounded out-of-orderness: periodically emits `maxTimestampSeen - delay - 1`. With delay 0 this is the generator
 * for monotonous timestamps.
 */
export class BoundedOutOfOrdernessWatermarks<T> implements WatermarkGenerator<T> {
  private maxTimestamp: number;

  /** Creates the generator for an out-of-orderness bound of `delayMs`. */
  constructor(private readonly delayMs: number) {
    if (!Number.isFinite(delayMs) || delayMs < 0) throw new TypeError(`The out-of-orderness bound must be >= 0 ms, got ${delayMs}`);
    this.maxTimestamp = MIN_WATERMARK + delayMs + 1;
  }

  onEvent(_event: T, eventTimestamp: number): void {
    if (eventTimestamp > this.maxTimestamp) this.maxTimestamp = eventTimestamp;
  }

  onPeriodicEmit(output: WatermarkOutput): void {
    output.emitWatermark(new Watermark(this.maxTimestamp - this.delayMs - 1));
  }
}

/** Emits no watermarks (`WatermarkStrategy.noWatermarks()`). */
export class NoWatermarksGenerator<T> implements WatermarkGenerator<T> {
  onEvent(): void {}
  onPeriodicEmit(): void {}
}

/**
 * Wraps a generator with idleness detection (`withIdleness`): when no event arrived for `idleTimeoutMs` of
 * processing time, the stream is marked idle at the next periodic emit; the next event makes it active again.
 */
export class WatermarksWithIdleness<T> implements WatermarkGenerator<T> {
  private lastActivity: number;
  private idle = false;

  /** Wraps `inner`; `clock` gives the processing time. */
  constructor(
    private readonly inner: WatermarkGenerator<T>,
    private readonly idleTimeoutMs: number,
    private readonly clock: () => number,
  ) {
    if (!Number.isFinite(idleTimeoutMs) || idleTimeoutMs <= 0) throw new TypeError(`The idleness timeout must be > 0 ms, got ${idleTimeoutMs}`);
    this.lastActivity = clock();
  }

  onEvent(event: T, eventTimestamp: number, output: WatermarkOutput): void {
    this.lastActivity = this.clock();
    if (this.idle) {
      this.idle = false;
      output.markActive();
    }
    this.inner.onEvent(event, eventTimestamp, output);
  }

  onPeriodicEmit(output: WatermarkOutput): void {
    if (this.idle) return;
    if (this.clock() - this.lastActivity >= this.idleTimeoutMs) {
      this.idle = true;
      output.markIdle();
      return;
    }
    this.inner.onPeriodicEmit(output);
  }
}
