import { describe, expect, it } from 'vitest';
import { RateLimiterStrategy } from './rate-limiter-strategy.js';
import { TokenBucketRateLimiter } from './token-bucket-rate-limiter.js';

describe('TokenBucketRateLimiter', () => {
  it('grants the first permit at once, then permits at the rate', () => {
    let now = 0;
    const limiter = new TokenBucketRateLimiter(10, () => now);
    expect(limiter.tryAcquire(5)).toBe(1);
    expect(limiter.tryAcquire(5)).toBe(0);
    expect(limiter.millisUntilNextPermit()).toBe(100);
    now = 50;
    expect(limiter.tryAcquire(1)).toBe(0);
    expect(limiter.millisUntilNextPermit()).toBe(50);
    now = 350;
    expect(limiter.millisUntilNextPermit()).toBe(0);
    expect(limiter.tryAcquire(10)).toBe(3);
  });

  it('saves at most one second of unused permits', () => {
    let now = 0;
    const limiter = new TokenBucketRateLimiter(100, () => now);
    now = 60_000;
    expect(limiter.tryAcquire(1000)).toBe(100);
    expect(limiter.tryAcquire(1000)).toBe(0);
  });

  it('supports rates below one per second', () => {
    let now = 0;
    const limiter = new TokenBucketRateLimiter(0.5, () => now);
    expect(limiter.tryAcquire(1)).toBe(1);
    expect(limiter.millisUntilNextPermit()).toBe(2000);
    now = 2000;
    expect(limiter.tryAcquire(2)).toBe(1);
  });

  it('rejects a rate that is not positive and finite', () => {
    expect(() => new TokenBucketRateLimiter(0)).toThrow(TypeError);
    expect(() => new TokenBucketRateLimiter(Infinity)).toThrow(TypeError);
  });
});

describe('RateLimiterStrategy', () => {
  it('perSecond divides the rate among the readers', () => {
    const limiter = RateLimiterStrategy.perSecond(100).createRateLimiter(4);
    expect(limiter).toBeInstanceOf(TokenBucketRateLimiter);
    expect((limiter as TokenBucketRateLimiter).permitsPerSecond).toBe(25);
  });

  it('perSecond rejects invalid rates', () => {
    expect(() => RateLimiterStrategy.perSecond(0)).toThrow(TypeError);
    expect(() => RateLimiterStrategy.perSecond(-1)).toThrow(TypeError);
    expect(() => RateLimiterStrategy.perSecond(Number.NaN)).toThrow(TypeError);
    expect(() => RateLimiterStrategy.perSecond(1).createRateLimiter(0)).toThrow(TypeError);
  });

  it('noOp grants everything', () => {
    const limiter = RateLimiterStrategy.noOp().createRateLimiter(3);
    expect(limiter.tryAcquire(1_000_000)).toBe(1_000_000);
    expect(limiter.millisUntilNextPermit()).toBe(0);
  });
});
