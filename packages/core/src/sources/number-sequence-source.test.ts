import { describe, expect, it } from 'vitest';
import type { ReaderOutput } from '../connector/source.js';
import { NumberSequenceSource, splitNumberRange } from './number-sequence-source.js';
import { readAll, SourceTestDriver } from './source-test-driver.js';

describe('splitNumberRange', () => {
  it('cuts a range into contiguous splits of sizes differing by at most one', () => {
    expect(splitNumberRange(1, 10, 3)).toEqual([
      { splitId: '0', from: 1, to: 4 },
      { splitId: '1', from: 5, to: 7 },
      { splitId: '2', from: 8, to: 10 },
    ]);
    expect(splitNumberRange(-5, 4, 2)).toEqual([
      { splitId: '0', from: -5, to: -1 },
      { splitId: '1', from: 0, to: 4 },
    ]);
  });

  it('leaves out empty splits', () => {
    expect(splitNumberRange(1, 2, 4)).toEqual([
      { splitId: '0', from: 1, to: 1 },
      { splitId: '1', from: 2, to: 2 },
    ]);
  });
});

describe('NumberSequenceSource', () => {
  it('is bounded and validates its range', () => {
    expect(new NumberSequenceSource(1, 1).getBoundedness()).toBe('BOUNDED');
    expect(() => new NumberSequenceSource(2, 1)).toThrow(TypeError);
    expect(() => new NumberSequenceSource(0.5, 1)).toThrow(TypeError);
    expect(() => new NumberSequenceSource(0, Number.MAX_SAFE_INTEGER + 1)).toThrow(TypeError);
    expect(() => new NumberSequenceSource(Number.NaN, 1)).toThrow(TypeError);
    expect(() => new NumberSequenceSource(-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)).toThrow(TypeError);
    expect(() => new NumberSequenceSource(Number.MAX_SAFE_INTEGER - 1, Number.MAX_SAFE_INTEGER)).not.toThrow();
  });

  it('emits from..to inclusive with one reader', async () => {
    expect(await readAll(new NumberSequenceSource(1, 5))).toEqual([[1, 2, 3, 4, 5]]);
    expect(await readAll(new NumberSequenceSource(7, 7))).toEqual([[7]]);
  });

  it('splits the range among parallel readers, each ascending', async () => {
    const records = await readAll(new NumberSequenceSource(1, 10_000), 4);
    expect(records.map((r) => r.length)).toEqual([2500, 2500, 2500, 2500]);
    for (const subtask of records) expect(subtask).toEqual([...subtask].sort((a, b) => a - b));
    expect(records.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 10_000 }, (_, i) => i + 1));
  });

  it('ends readers that get no split when the range is shorter than the parallelism', async () => {
    const records = await readAll(new NumberSequenceSource(1, 2), 4);
    expect(records.flat().sort()).toEqual([1, 2]);
  });

  it('emits at most 1024 numbers per pollNext and ends after its split', () => {
    const requests: number[] = [];
    const reader = new NumberSequenceSource(0, 2047).createReader({
      subtaskIndex: 0,
      parallelism: 1,
      sendSplitRequest: () => requests.push(1),
    });
    void reader.start();
    expect(requests).toHaveLength(1);
    const output: ReaderOutput<number> & { count: number } = { count: 0, collect() { this.count++; } };
    expect(reader.pollNext(output)).toBe('NOTHING_AVAILABLE');
    reader.addSplits([{ splitId: '0', from: 0, to: 2047 }]);
    expect(reader.pollNext(output)).toBe('MORE_AVAILABLE');
    expect(output.count).toBe(1024);
    expect(reader.snapshotState(1)).toEqual([{ splitId: '0', from: 1024, to: 2047 }]);
    expect(reader.pollNext(output)).toBe('MORE_AVAILABLE');
    expect(output.count).toBe(2048);
    expect(requests).toHaveLength(2); // asks for the next split once its split is done
    expect(reader.pollNext(output)).toBe('NOTHING_AVAILABLE');
    reader.notifyNoMoreSplits();
    expect(reader.pollNext(output)).toBe('END_OF_INPUT');
    expect(reader.snapshotState(2)).toEqual([]);
  });

  it('resumes from a snapshot, including splits the enumerator had not assigned', async () => {
    const source = new NumberSequenceSource(1, 20_000);
    const first = await SourceTestDriver.create(source, { parallelism: 2 });
    const part = await first.run({ maxRecords: 3000 });
    const snapshot = await first.snapshot(1);
    await first.close();
    const second = await SourceTestDriver.create(source, { parallelism: 2, restore: snapshot });
    const rest = await second.run();
    await second.close();
    const all = [...part.records.flat(), ...rest.records.flat()].sort((a, b) => a - b);
    expect(all).toHaveLength(20_000);
    expect(all.every((n, i) => n === i + 1)).toBe(true);
  });

  it('emits a long sequence in order', async () => {
    const [records] = await readAll(new NumberSequenceSource(-100_000, 100_000));
    expect(records).toHaveLength(200_001);
    expect(records?.every((n, i) => n === i - 100_000)).toBe(true);
  });
});
