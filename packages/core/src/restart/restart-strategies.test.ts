import { describe, expect, it } from 'vitest';
import { createRestartBackoff, RestartStrategies } from './restart-strategies.js';

describe('restart strategies', () => {
  it('noRestart gives up at once', () => {
    expect(createRestartBackoff(RestartStrategies.noRestart()).onFailure(0)).toBeUndefined();
  });

  it('fixedDelayRestart allows exactly `attempts` restarts with the delay', () => {
    const b = createRestartBackoff(RestartStrategies.fixedDelayRestart(2, 50));
    expect(b.onFailure(0)).toBe(50);
    expect(b.onFailure(10)).toBe(50);
    expect(b.onFailure(20)).toBeUndefined();
  });

  it('failureRateRestart gives up when too many failures fall in the interval', () => {
    const b = createRestartBackoff(RestartStrategies.failureRateRestart(2, 1000, 5));
    expect(b.onFailure(0)).toBe(5);
    expect(b.onFailure(100)).toBe(5);
    expect(b.onFailure(200)).toBeUndefined();
    const c = createRestartBackoff(RestartStrategies.failureRateRestart(2, 1000, 5));
    expect(c.onFailure(0)).toBe(5);
    expect(c.onFailure(600)).toBe(5);
    expect(c.onFailure(1200)).toBe(5); // the failure at 0 left the interval
  });

  it('exponentialDelayRestart grows the delay, caps it and resets after a quiet period', () => {
    const b = createRestartBackoff(
      RestartStrategies.exponentialDelayRestart({ initialBackoffMs: 10, maxBackoffMs: 35, backoffMultiplier: 2, jitterFactor: 0, resetBackoffThresholdMs: 1000 }),
    );
    expect([b.onFailure(0), b.onFailure(1), b.onFailure(2), b.onFailure(3)]).toEqual([10, 20, 35, 35]);
    expect(b.onFailure(2000)).toBe(10);
  });

  it('exponentialDelayRestart applies jitter within its factor', () => {
    const b = createRestartBackoff(RestartStrategies.exponentialDelayRestart({ initialBackoffMs: 100, jitterFactor: 0.5 }), () => 1);
    expect(b.onFailure(0)).toBe(150);
  });

  it('rejects invalid configuration', () => {
    expect(() => RestartStrategies.fixedDelayRestart(-1, 0)).toThrow(TypeError);
    expect(() => RestartStrategies.exponentialDelayRestart({ backoffMultiplier: 0.5 })).toThrow(TypeError);
  });
});
