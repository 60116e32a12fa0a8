/**
 * Watermarks and the generator interfaces of Flink's `WatermarkStrategy` API. A watermark `t` says that no more
 * records with a timestamp <= `t` are expected.
 */

/** A watermark, as Flink's `org.apache.flink.api.common.eventtime.Watermark`. */
export class Watermark {
  /** The largest watermark; emitted at the end of bounded input. */
  static readonly MAX_WATERMARK = new Watermark(Number.MAX_SAFE_INTEGER);

  /** Creates a watermark at `timestamp` (ms). */
  constructor(readonly timestamp: number) {
    if (typeof timestamp !== 'number' || Number.isNaN(timestamp)) throw new TypeError(`A watermark needs a numeric timestamp, got ${String(timestamp)}`);
  }

  /** The watermark's timestamp. */
  getTimestamp(): number {
    return this.timestamp;
  }

  /** Renders as `Watermark @ t`. */
  toString(): string {
    return `Watermark @ ${this.timestamp}`;
  }
}

/** Where a generator emits watermarks and idleness. */
export interface WatermarkOutput {
  /** Emits a watermark; one that is not higher than the last emitted one is ignored. */
  emitWatermark(watermark: Watermark): void;
  /** Marks the stream idle: it is left out of downstream watermark computation until it emits again. */
  markIdle(): void;
  /** Marks the stream active again. */
  markActive(): void;
}

/**
 * Generates watermarks from events (punctuated) and/or periodically (every auto-watermark interval).
 * Threading model: called by its task's mailbox, one call at a time.
 */
export interface WatermarkGenerator<T> {
  /** Called for every event with its timestamp. */
  onEvent(event: T, eventTimestamp: number, output: WatermarkOutput): void;
  /** Called every auto-watermark interval (`env.getConfig().setAutoWatermarkInterval`). */
  onPeriodicEmit(output: WatermarkOutput): void;
}

/** Extracts an event's timestamp; `recordTimestamp` is the timestamp the record already has, if any. */
export type TimestampAssigner<T> = (event: T, recordTimestamp: number | undefined) => number;

/** What a generator factory gets. */
export interface WatermarkGeneratorSupplierContext {
  /** The current processing time. */
  currentProcessingTime(): number;
}
