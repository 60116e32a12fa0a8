/**
 * A token bucket of permits refilled continuously at a fixed rate, like Guava's `SmoothBursty` limiter that Flink's
 * `GuavaRateLimiter` wraps: the first permit is free, unused permits are saved for up to one second, so short stalls
 * of the task do not lower the average rate.
 */
import type { RateLimiter } from './rate-limiter.js';

/** Permits at `permitsPerSecond`, saving at most one second of unused permits (and at least one permit). */
export class TokenBucketRateLimiter implements RateLimiter {
  private readonly capacity: number;
  private tokens: number;
  private last: number;

  /** Creates the limiter; `now` returns the time in milliseconds (a monotonic clock by default). */
  constructor(
    readonly permitsPerSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(permitsPerSecond > 0) || !Number.isFinite(permitsPerSecond)) {
      throw new TypeError(`permitsPerSecond must be a positive finite number, got ${permitsPerSecond}`);
    }
    this.capacity = Math.max(1, permitsPerSecond);
    this.tokens = 1;
    this.last = now();
  }

  /** Takes up to `wanted` whole permits from the bucket. */
  tryAcquire(wanted: number): number {
    this.refill();
    const taken = Math.min(wanted, Math.floor(this.tokens));
    if (taken <= 0) return 0;
    this.tokens -= taken;
    return taken;
  }

  /** Milliseconds until the bucket holds a whole permit. */
  millisUntilNextPermit(): number {
    this.refill();
    if (this.tokens >= 1) return 0;
    return Math.ceil(((1 - this.tokens) * 1000) / this.permitsPerSecond);
  }

  private refill(): void {
    const now = this.now();
    const elapsed = now - this.last;
    this.last = now;
    if (elapsed > 0) this.tokens = Math.min(this.capacity, this.tokens + (elapsed * this.permitsPerSecond) / 1000);
  }
}
