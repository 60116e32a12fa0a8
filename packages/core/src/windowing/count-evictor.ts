/**
 * `CountEvictor`: keeps the last `n` elements of a window, as Flink's.
 */
import type { Evictor, EvictorContext, TimestampedValue } from './evictor.js';
import type { Window } from './window.js';

/** Keeps at most `maxCount` elements, evicting from the beginning (the oldest), before (default) or after the function. */
export class CountEvictor implements Evictor<unknown, Window> {
  /** The number of elements kept. */
  readonly maxCount: number;
  /** Whether to evict after the window function instead of before. */
  readonly doEvictAfter: boolean;

  private constructor(maxCount: number, doEvictAfter: boolean) {
    this.maxCount = maxCount;
    this.doEvictAfter = doEvictAfter;
  }

  /** An evictor keeping the last `maxCount` elements (an integer >= 0); after the window function if `doEvictAfter`. */
  static of(maxCount: number, doEvictAfter = false): CountEvictor {
    if (!Number.isSafeInteger(maxCount) || maxCount < 0) {
      throw new TypeError(`CountEvictor.of(maxCount): maxCount must be an integer >= 0, got ${maxCount}`);
    }
    return new CountEvictor(maxCount, doEvictAfter);
  }

  /** Evicts unless `doEvictAfter`. */
  evictBefore(elements: TimestampedValue<unknown>[], size: number, _window?: Window, _ctx?: EvictorContext): void {
    if (!this.doEvictAfter) this.evict(elements, size);
  }

  /** Evicts if `doEvictAfter`. */
  evictAfter(elements: TimestampedValue<unknown>[], size: number, _window?: Window, _ctx?: EvictorContext): void {
    if (this.doEvictAfter) this.evict(elements, size);
  }

  /** `CountEvictor(n)`. */
  toString(): string {
    return `CountEvictor(${this.maxCount}${this.doEvictAfter ? ', after' : ''})`;
  }

  private evict(elements: TimestampedValue<unknown>[], size: number): void {
    if (size <= this.maxCount) return;
    elements.splice(0, Math.min(size - this.maxCount, elements.length));
  }
}
