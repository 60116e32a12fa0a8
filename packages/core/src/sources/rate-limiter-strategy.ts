/**
 * `RateLimiterStrategy`, with Flink's factory names: `RateLimiterStrategy.perSecond(n)` limits a source to `n`
 * records per second in total, divided evenly among its parallel readers; `RateLimiterStrategy.noOp()` does not limit.
 */
import type { RateLimiter } from './rate-limiter.js';
import { TokenBucketRateLimiter } from './token-bucket-rate-limiter.js';

/** Creates the rate limiter of each parallel reader of a source. */
export interface RateLimiterStrategy {
  /** Creates the limiter of one reader of a source running with `parallelism` readers. */
  createRateLimiter(parallelism: number): RateLimiter;
}

const NO_OP_LIMITER: RateLimiter = {
  tryAcquire: (wanted) => wanted,
  millisUntilNextPermit: () => 0,
};

/** The factories of {@link RateLimiterStrategy}. */
export const RateLimiterStrategy = {
  /**
   * At most `recordsPerSecond` records per second for the whole source (each of `parallelism` readers gets
   * `recordsPerSecond / parallelism`). `recordsPerSecond` is a positive finite number; fractions are allowed.
   */
  perSecond(recordsPerSecond: number): RateLimiterStrategy {
    if (typeof recordsPerSecond !== 'number' || !(recordsPerSecond > 0) || !Number.isFinite(recordsPerSecond)) {
      throw new TypeError(`recordsPerSecond must be a positive finite number, got ${String(recordsPerSecond)}`);
    }
    return {
      createRateLimiter(parallelism: number): RateLimiter {
        if (!Number.isSafeInteger(parallelism) || parallelism < 1) {
          throw new TypeError(`parallelism must be a positive integer, got ${parallelism}`);
        }
        return new TokenBucketRateLimiter(recordsPerSecond / parallelism);
      },
    };
  },

  /** No limit. */
  noOp(): RateLimiterStrategy {
    return { createRateLimiter: () => NO_OP_LIMITER };
  },
} as const;
