import { describe, expect, it } from 'vitest';
import type { ReaderOutput } from '../connector/source.js';
import { DataGeneratorSource } from './data-generator-source.js';
import { RateLimiterStrategy } from './rate-limiter-strategy.js';
import { readAll, SourceTestDriver } from './source-test-driver.js';

describe('DataGeneratorSource', () => {
  it('is bounded for a finite count and unbounded for Infinity', () => {
    expect(new DataGeneratorSource((i) => i, 10).getBoundedness()).toBe('BOUNDED');
    expect(new DataGeneratorSource((i) => i, Infinity).getBoundedness()).toBe('CONTINUOUS_UNBOUNDED');
  });

  it('validates its arguments', () => {
    expect(() => new DataGeneratorSource((i) => i, -1)).toThrow(TypeError);
    expect(() => new DataGeneratorSource((i) => i, 1.5)).toThrow(TypeError);
    expect(() => new DataGeneratorSource((i) => i, Number.NaN)).toThrow(TypeError);
    expect(() => new DataGeneratorSource('x' as unknown as (i: number) => number, 1)).toThrow(TypeError);
    expect(() => new DataGeneratorSource((i) => i, 1, {} as RateLimiterStrategy)).toThrow(TypeError);
  });

  it('emits generatorFunction(index) for every index', async () => {
    expect(await readAll(new DataGeneratorSource((i) => `r${i}`, 4))).toEqual([['r0', 'r1', 'r2', 'r3']]);
    expect(await readAll(new DataGeneratorSource((i) => i, 0))).toEqual([[]]);
  });

  it('splits the index range among parallel readers', async () => {
    const records = await readAll(new DataGeneratorSource((i) => i * 2, 3001), 3);
    expect(records.map((r) => r.length)).toEqual([1001, 1000, 1000]);
    expect(records.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 3001 }, (_, i) => i * 2));
  });

  it('runs unbounded until stopped', async () => {
    const driver = await SourceTestDriver.create(new DataGeneratorSource((i) => i, Infinity), { parallelism: 2 });
    const result = await driver.run({ maxRecords: 5000 });
    await driver.close();
    expect(result.records.flat().length).toBeGreaterThanOrEqual(5000);
    expect(result.finished).toEqual([false, false]);
    expect(result.records[0]?.slice(0, 3)).toEqual([0, 1, 2]);
  });

  it('limits the rate without blocking: 50 per second for 0.5 s emits about 25', async () => {
    const source = new DataGeneratorSource((i) => i, Infinity, RateLimiterStrategy.perSecond(50));
    const [records] = await readAll(source, 1, { durationMs: 500 });
    expect(records?.length).toBeGreaterThanOrEqual(15);
    expect(records?.length).toBeLessThanOrEqual(35);
  });

  it('divides the rate among the readers', async () => {
    const source = new DataGeneratorSource((i) => i, Infinity, RateLimiterStrategy.perSecond(100));
    const records = await readAll(source, 2, { durationMs: 500 });
    for (const subtask of records) {
      expect(subtask.length).toBeGreaterThanOrEqual(15);
      expect(subtask.length).toBeLessThanOrEqual(35);
    }
  });

  it('returns NOTHING_AVAILABLE when the budget is spent and becomes available on a timer', async () => {
    const reader = new DataGeneratorSource((i) => i, 100, RateLimiterStrategy.perSecond(20)).createReader({
      subtaskIndex: 0,
      parallelism: 1,
      sendSplitRequest: () => {},
    });
    reader.addSplits([{ splitId: '0', from: 0, to: 99 }]);
    await reader.start();
    const records: number[] = [];
    const output: ReaderOutput<number> = { collect: (r) => records.push(r) };
    expect(reader.pollNext(output)).toBe('MORE_AVAILABLE');
    expect(records).toEqual([0]);
    expect(reader.pollNext(output)).toBe('NOTHING_AVAILABLE');
    const started = performance.now();
    await reader.isAvailable();
    expect(performance.now() - started).toBeGreaterThanOrEqual(20);
    expect(reader.pollNext(output)).toBe('MORE_AVAILABLE');
    expect(records).toEqual([0, 1]);
    await reader.close();
  });

  it('resumes from a snapshot', async () => {
    const source = new DataGeneratorSource((i) => i, 10_000);
    const first = await SourceTestDriver.create(source, { parallelism: 2 });
    const part = await first.run({ maxRecords: 2500 });
    const snapshot = await first.snapshot(1);
    await first.close();
    const second = await SourceTestDriver.create(source, { parallelism: 2, restore: snapshot });
    const rest = await second.run();
    await second.close();
    expect([...part.records.flat(), ...rest.records.flat()].sort((a, b) => a - b)).toEqual(Array.from({ length: 10_000 }, (_, i) => i));
  });
});
