import { describe, expect, it } from 'vitest';
import type { Source, SourceSplit, SplitEnumeratorContext } from '../connector/source.js';
import { CollectionSource } from './collection-source.js';
import { DataGeneratorSource } from './data-generator-source.js';
import { NumberSequenceSource } from './number-sequence-source.js';
import { readAll, SourceTestDriver } from './source-test-driver.js';

/** A source whose enumerator runs `onStart` with its context and whose readers never emit. */
function probeSource(onStart: (context: SplitEnumeratorContext<SourceSplit>) => void): Source<number, SourceSplit, null> {
  const enumerator = (context: SplitEnumeratorContext<SourceSplit>) => ({
    start: () => onStart(context),
    handleSplitRequest: () => {},
    addSplitsBack: () => {},
    addReader: () => {},
    snapshotState: () => null,
    close: () => {},
  });
  return {
    getBoundedness: () => 'BOUNDED',
    createEnumerator: enumerator,
    restoreEnumerator: enumerator,
    createReader: () => ({
      start: () => {},
      pollNext: () => 'NOTHING_AVAILABLE',
      isAvailable: () => new Promise<void>(() => {}),
      addSplits: () => {},
      notifyNoMoreSplits: () => {},
      snapshotState: () => [],
      close: () => {},
    }),
  };
}

describe('SourceTestDriver', () => {
  it('reads a bounded source to the end and reports every subtask finished', async () => {
    const driver = await SourceTestDriver.create(new NumberSequenceSource(1, 6), { parallelism: 2 });
    const result = await driver.run();
    expect(result.records).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(result.timestamps).toEqual([
      [undefined, undefined, undefined],
      [undefined, undefined, undefined],
    ]);
    expect(result.finished).toEqual([true, true]);
    await driver.close();
    await driver.close();
  });

  it('rejects a parallelism above the source maximum', async () => {
    await expect(SourceTestDriver.create(new CollectionSource([1]), { parallelism: 2 })).rejects.toThrow(TypeError);
    await expect(SourceTestDriver.create(new CollectionSource([1]), { parallelism: 0 })).rejects.toThrow(TypeError);
  });

  it('stops an unbounded source after a duration', async () => {
    const records = await readAll(new DataGeneratorSource((i) => i, Infinity), 1, { durationMs: 50 });
    expect(records[0]?.length).toBeGreaterThan(0);
  });

  it('fails the run when a source does not end within the timeout', async () => {
    await expect(readAll(probeSource(() => {}), 1, { timeoutMs: 50 })).rejects.toThrow(/did not finish within 50 ms/);
  });

  it('runs callAsync periodically and fails the run when a handler throws', async () => {
    const results: number[] = [];
    let calls = 0;
    const source = probeSource((context) =>
      context.callAsync(
        () => Promise.resolve(++calls),
        (result) => {
          results.push(result as number);
          if (results.length === 3) throw new Error('handler failed');
        },
        5,
        5,
      ),
    );
    await expect(readAll(source)).rejects.toThrow('handler failed');
    expect(results).toEqual([1, 2, 3]);
  });

  it('hands a failed callable to the handler as the error', async () => {
    const seen: unknown[] = [];
    const source = probeSource((context) =>
      context.callAsync(
        () => Promise.reject(new Error('scan failed')),
        (result, error) => {
          seen.push(result, (error as Error).message);
        },
      ),
    );
    await expect(readAll(source, 1, { durationMs: 30 })).resolves.toEqual([[]]);
    expect(seen).toEqual([undefined, 'scan failed']);
  });

  it('fails the run when the enumerator assigns a split to a subtask that does not exist', async () => {
    const source = probeSource((context) => context.assignSplit({ splitId: 'x' }, 3));
    await expect(SourceTestDriver.create(source)).rejects.toThrow(TypeError);
  });
});
