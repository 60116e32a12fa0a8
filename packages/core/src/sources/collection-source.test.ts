import { describe, expect, it } from 'vitest';
import type { ReaderOutput } from '../connector/source.js';
import { CollectionSource } from './collection-source.js';
import { readAll, SourceTestDriver } from './source-test-driver.js';

function collectingOutput<T>(): ReaderOutput<T> & { records: T[] } {
  const records: T[] = [];
  return { records, collect: (record) => records.push(record) };
}

describe('CollectionSource', () => {
  it('is bounded and not parallel', () => {
    const source = new CollectionSource([1, 2]);
    expect(source.getBoundedness()).toBe('BOUNDED');
    expect(source.maxParallelism).toBe(1);
  });

  it('emits the elements in order', async () => {
    expect(await readAll(new CollectionSource(['a', 'b', 'c']))).toEqual([['a', 'b', 'c']]);
  });

  it('copies any iterable when created', async () => {
    const items = [1, 2, 3];
    const source = new CollectionSource(items);
    items.push(4);
    expect(await readAll(source)).toEqual([[1, 2, 3]]);
    function* generate(): Generator<number> {
      yield 7;
      yield 8;
    }
    expect(await readAll(new CollectionSource(generate()))).toEqual([[7, 8]]);
    expect(await readAll(new CollectionSource(new Set(['x'])))).toEqual([['x']]);
  });

  it('ends at once for an empty collection', async () => {
    expect(await readAll(new CollectionSource([]))).toEqual([[]]);
  });

  it('rejects what is not iterable', () => {
    expect(() => new CollectionSource(undefined as unknown as number[])).toThrow(TypeError);
    expect(() => new CollectionSource(5 as unknown as number[])).toThrow(TypeError);
  });

  it('emits at most a batch of 1024 per pollNext', () => {
    const elements = Array.from({ length: 3000 }, (_, i) => i);
    const reader = new CollectionSource(elements).createReader({ subtaskIndex: 0, parallelism: 1, sendSplitRequest: () => {} });
    reader.addSplits([{ splitId: '0', elements, position: 0 }]);
    reader.notifyNoMoreSplits();
    void reader.start();
    const output = collectingOutput<number>();
    expect(reader.pollNext(output)).toBe('MORE_AVAILABLE');
    expect(output.records).toHaveLength(1024);
    expect(reader.snapshotState(1)).toEqual([{ splitId: '0', elements, position: 1024 }]);
    expect(reader.pollNext(output)).toBe('MORE_AVAILABLE');
    expect(reader.pollNext(output)).toBe('MORE_AVAILABLE');
    expect(reader.pollNext(output)).toBe('END_OF_INPUT');
    expect(output.records).toEqual(elements);
    expect(reader.snapshotState(2)).toEqual([]);
  });

  it('resumes at the snapshotted position', async () => {
    const elements = Array.from({ length: 5000 }, (_, i) => `e${i}`);
    const source = new CollectionSource(elements);
    const first = await SourceTestDriver.create(source);
    const part = await first.run({ maxRecords: 2000 });
    const snapshot = await first.snapshot(1);
    await first.close();
    const emitted = part.records[0];
    expect(emitted.length).toBeGreaterThanOrEqual(2000);
    expect(emitted.length).toBeLessThan(5000);
    expect((snapshot.readerSplits[0])[0]?.position).toBe(emitted.length);

    const second = await SourceTestDriver.create(source, { restore: snapshot });
    const rest = await second.run();
    await second.close();
    expect([...emitted, ...rest.records[0]]).toEqual(elements);
  });

  it('assigns the split to a restored enumerator that had not assigned it', async () => {
    const source = new CollectionSource([1, 2, 3]);
    const driver = await SourceTestDriver.create(source, {
      restore: { enumeratorState: [{ splitId: '0', elements: [1, 2, 3], position: 1 }], readerSplits: [[]] },
    });
    expect((await driver.run()).records).toEqual([[2, 3]]);
    await driver.close();
  });
});
