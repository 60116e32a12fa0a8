import { describe, expect, it } from 'vitest';
import { CountEvictor } from './count-evictor.js';
import type { EvictorContext, TimestampedValue } from './evictor.js';
import { GlobalWindow } from './global-window.js';
import { TimeEvictor } from './time-evictor.js';

const ctx: EvictorContext = { getCurrentProcessingTime: () => 0, getCurrentWatermark: () => 0 };
const g = GlobalWindow.get();
const elements = (...timestamps: (number | undefined)[]): TimestampedValue<string>[] =>
  timestamps.map((timestamp, i) => ({ value: `v${i}`, timestamp }));
const values = (list: TimestampedValue<string>[]): string[] => list.map((e) => e.value);

describe('CountEvictor', () => {
  it('keeps the last n elements, before the function by default', () => {
    const list = elements(1, 2, 3, 4, 5);
    const evictor = CountEvictor.of(2);
    evictor.evictAfter(list, list.length, g, ctx);
    expect(list).toHaveLength(5);
    evictor.evictBefore(list, list.length, g, ctx);
    expect(values(list)).toEqual(['v3', 'v4']);
  });

  it('evicts after the function with doEvictAfter', () => {
    const list = elements(1, 2, 3);
    const evictor = CountEvictor.of(1, true);
    evictor.evictBefore(list, list.length, g, ctx);
    expect(list).toHaveLength(3);
    evictor.evictAfter(list, list.length, g, ctx);
    expect(values(list)).toEqual(['v2']);
  });

  it('leaves windows with at most n elements alone and validates n', () => {
    const list = elements(1, 2);
    CountEvictor.of(2).evictBefore(list, list.length, g, ctx);
    expect(list).toHaveLength(2);
    CountEvictor.of(0).evictBefore(list, list.length, g, ctx);
    expect(list).toHaveLength(0);
    expect(() => CountEvictor.of(-1)).toThrow(TypeError);
    expect(() => CountEvictor.of(1.5)).toThrow(TypeError);
  });
});

describe('TimeEvictor', () => {
  it('keeps elements newer than the max timestamp in the buffer minus the window size', () => {
    const list = elements(1000, 5000, 3000, 2000, 4500);
    TimeEvictor.of(2000).evictBefore(list, list.length, g, ctx);
    // max 5000, cutoff 3000: timestamps <= 3000 go
    expect(values(list)).toEqual(['v1', 'v4']);
  });

  it('evicts after the function with doEvictAfter', () => {
    const list = elements(1, 10);
    const evictor = TimeEvictor.of(5, true);
    evictor.evictBefore(list, list.length, g, ctx);
    expect(list).toHaveLength(2);
    evictor.evictAfter(list, list.length, g, ctx);
    expect(values(list)).toEqual(['v1']);
  });

  it('does not evict elements without a timestamp', () => {
    const noTimestamps = elements(undefined, undefined);
    TimeEvictor.of(0).evictBefore(noTimestamps, 2, g, ctx);
    expect(noTimestamps).toHaveLength(2);
    const mixed = elements(1, undefined, 100);
    TimeEvictor.of(10).evictBefore(mixed, 3, g, ctx);
    expect(values(mixed)).toEqual(['v1', 'v2']);
    const empty = elements();
    TimeEvictor.of(10).evictBefore(empty, 0, g, ctx);
    expect(empty).toHaveLength(0);
  });

  it('validates the window size', () => {
    expect(() => TimeEvictor.of(-1)).toThrow(TypeError);
    expect(() => TimeEvictor.of(Number.NaN)).toThrow(TypeError);
    expect(String(TimeEvictor.of(5))).toBe('TimeEvictor(5)');
  });
});
