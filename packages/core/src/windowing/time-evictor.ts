/**
 * `TimeEvictor`: keeps the elements of the last `windowSize` milliseconds before the newest element, as Flink's.
 */
import type { Evictor, EvictorContext, TimestampedValue } from './evictor.js';
import type { Window } from './window.js';

/**
 * Evicts the elements whose timestamp is `<= maxTimestamp - windowSize`, where `maxTimestamp` is the largest timestamp
 * in the window's contents. Elements without a timestamp are never evicted (and do not count toward the maximum);
 * as in Flink, nothing is evicted when the first element has no timestamp.
 */
export class TimeEvictor implements Evictor<unknown, Window> {
  /** The span of time kept, in milliseconds. */
  readonly windowSize: number;
  /** Whether to evict after the window function instead of before. */
  readonly doEvictAfter: boolean;

  private constructor(windowSize: number, doEvictAfter: boolean) {
    this.windowSize = windowSize;
    this.doEvictAfter = doEvictAfter;
  }

  /** An evictor keeping the last `windowSize` milliseconds (>= 0); after the window function if `doEvictAfter`. */
  static of(windowSize: number, doEvictAfter = false): TimeEvictor {
    if (typeof windowSize !== 'number' || !Number.isFinite(windowSize) || windowSize < 0) {
      throw new TypeError(`TimeEvictor.of(windowSize): windowSize must be a number of milliseconds >= 0, got ${String(windowSize)}`);
    }
    return new TimeEvictor(windowSize, doEvictAfter);
  }

  /** Evicts unless `doEvictAfter`. */
  evictBefore(elements: TimestampedValue<unknown>[], _size?: number, _window?: Window, _ctx?: EvictorContext): void {
    if (!this.doEvictAfter) this.evict(elements);
  }

  /** Evicts if `doEvictAfter`. */
  evictAfter(elements: TimestampedValue<unknown>[], _size?: number, _window?: Window, _ctx?: EvictorContext): void {
    if (this.doEvictAfter) this.evict(elements);
  }

  /** `TimeEvictor(ms)`. */
  toString(): string {
    return `TimeEvictor(${this.windowSize}${this.doEvictAfter ? ', after' : ''})`;
  }

  private evict(elements: TimestampedValue<unknown>[]): void {
    if (elements.length === 0 || elements[0].timestamp === undefined) return;
    let maxTimestamp = -Infinity;
    for (const element of elements) {
      if (element.timestamp !== undefined && element.timestamp > maxTimestamp) maxTimestamp = element.timestamp;
    }
    const cutoff = maxTimestamp - this.windowSize;
    let kept = 0;
    for (const element of elements) {
      if (element.timestamp === undefined || element.timestamp > cutoff) elements[kept++] = element;
    }
    elements.length = kept;
  }
}
