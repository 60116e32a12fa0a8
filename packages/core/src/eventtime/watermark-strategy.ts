/**
 * `WatermarkStrategy`: how a stream gets event timestamps and watermarks (Flink's API of the same name). Immutable:
 * `withTimestampAssigner` and `withIdleness` return new strategies.
 *
 * @example
 * ```ts
 * WatermarkStrategy.forBoundedOutOfOrderness<Click>(5000)
 *   .withTimestampAssigner((click) => click.time)
 *   .withIdleness(60_000);
 * ```
 */
import { BoundedOutOfOrdernessWatermarks, NoWatermarksGenerator, WatermarksWithIdleness } from './watermark-generators.js';
import type { TimestampAssigner, WatermarkGenerator, WatermarkGeneratorSupplierContext } from './watermark.js';

/** Creates a generator for one parallel instance. */
export type WatermarkGeneratorSupplier<T> = (context: WatermarkGeneratorSupplierContext) => WatermarkGenerator<T>;

/** How a stream gets timestamps and watermarks. */
export class WatermarkStrategy<T> {
  private constructor(
    private readonly generatorSupplier: WatermarkGeneratorSupplier<T>,
    private readonly timestampAssigner: TimestampAssigner<T> | undefined,
    private readonly idleTimeoutMs: number | undefined,
    /** True for `noWatermarks()`: windows on such a stream can never fire by event time. */
    readonly emitsNoWatermarks: boolean,
  ) {}

  /** Timestamps only increase: the watermark is the largest timestamp seen minus 1. */
  static forMonotonousTimestamps<T>(): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(() => new BoundedOutOfOrdernessWatermarks<T>(0), undefined, undefined, false);
  }

  /** Records may be late by up to `maxOutOfOrdernessMs`: watermark = largest timestamp seen - bound - 1. */
  static forBoundedOutOfOrderness<T>(maxOutOfOrdernessMs: number): WatermarkStrategy<T> {
    void new BoundedOutOfOrdernessWatermarks<T>(maxOutOfOrdernessMs);
    return new WatermarkStrategy<T>(() => new BoundedOutOfOrdernessWatermarks<T>(maxOutOfOrdernessMs), undefined, undefined, false);
  }

  /** No watermarks at all (processing-time jobs). */
  static noWatermarks<T>(): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(() => new NoWatermarksGenerator<T>(), undefined, undefined, true);
  }

  /** A custom generator, periodic (`onPeriodicEmit`) or punctuated (`onEvent`). */
  static forGenerator<T>(supplier: WatermarkGeneratorSupplier<T>): WatermarkStrategy<T> {
    if (typeof supplier !== 'function') throw new TypeError('forGenerator() expects a function that creates a WatermarkGenerator');
    return new WatermarkStrategy<T>(supplier, undefined, undefined, false);
  }

  /** Takes timestamps from the events; without an assigner, records keep the timestamps their source gave. */
  withTimestampAssigner(assigner: TimestampAssigner<T>): WatermarkStrategy<T> {
    if (typeof assigner !== 'function') throw new TypeError('withTimestampAssigner() expects a function (event, recordTimestamp) => timestamp');
    return new WatermarkStrategy<T>(this.generatorSupplier, assigner, this.idleTimeoutMs, this.emitsNoWatermarks);
  }

  /** Marks the stream idle after `idleTimeoutMs` without events, so it does not hold back downstream watermarks. */
  withIdleness(idleTimeoutMs: number): WatermarkStrategy<T> {
    if (!Number.isFinite(idleTimeoutMs) || idleTimeoutMs <= 0) throw new TypeError(`withIdleness() needs a timeout > 0 ms, got ${idleTimeoutMs}`);
    return new WatermarkStrategy<T>(this.generatorSupplier, this.timestampAssigner, idleTimeoutMs, this.emitsNoWatermarks);
  }

  /** Creates the generator of one parallel instance. */
  createWatermarkGenerator(context: WatermarkGeneratorSupplierContext): WatermarkGenerator<T> {
    const generator = this.generatorSupplier(context);
    if (typeof generator?.onEvent !== 'function' || typeof generator.onPeriodicEmit !== 'function') {
      throw new TypeError('A watermark generator needs onEvent(event, timestamp, output) and onPeriodicEmit(output)');
    }
    if (this.idleTimeoutMs === undefined) return generator;
    return new WatermarksWithIdleness(generator, this.idleTimeoutMs, () => context.currentProcessingTime());
  }

  /** The timestamp assigner: the user's, or one that keeps the record's own timestamp. */
  createTimestampAssigner(): TimestampAssigner<T> {
    return this.timestampAssigner ?? ((_event, recordTimestamp) => recordTimestamp as number);
  }

  /** True when a timestamp assigner was set. */
  hasTimestampAssigner(): boolean {
    return this.timestampAssigner !== undefined;
  }
}
