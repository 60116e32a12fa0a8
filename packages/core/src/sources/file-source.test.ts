import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCodes, WeirError } from '../errors.js';
import { FileSource } from './file-source.js';
import { FILE_READ_CHUNK_SIZE } from './file-source-reader.js';
import { readAll, SourceTestDriver } from './source-test-driver.js';
import type { StreamFormat } from './stream-format.js';
import { TextLineInputFormat } from './text-line-input-format.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weir-file-source-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function lines(count: number, prefix = 'line'): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
}

describe('FileSource builder', () => {
  it('is bounded by default and unbounded when monitoring', () => {
    const format = new TextLineInputFormat();
    expect(FileSource.forRecordStreamFormat(format, dir).build().getBoundedness()).toBe('BOUNDED');
    expect(FileSource.forRecordStreamFormat(format, dir).monitorContinuously(100).build().getBoundedness()).toBe('CONTINUOUS_UNBOUNDED');
  });

  it('resolves relative paths and validates its arguments', () => {
    const format = new TextLineInputFormat();
    expect(FileSource.forRecordStreamFormat(format, 'data').build().paths).toEqual([join(process.cwd(), 'data')]);
    expect(() => FileSource.forRecordStreamFormat(format).build()).toThrow(TypeError);
    expect(() => FileSource.forRecordStreamFormat(format, '').build()).toThrow(TypeError);
    expect(() => FileSource.forRecordStreamFormat({} as StreamFormat<string>, dir).build()).toThrow(TypeError);
    expect(() => FileSource.forRecordStreamFormat(format, dir).monitorContinuously(0)).toThrow(TypeError);
  });
});

describe('FileSource, bounded', () => {
  it('reads the lines of a single file', async () => {
    const file = join(dir, 'in.txt');
    await writeFile(file, 'one\ntwo\nthree\n');
    expect(await readAll(FileSource.forRecordStreamFormat(new TextLineInputFormat(), file).build())).toEqual([['one', 'two', 'three']]);
  });

  it('reads a directory recursively in path order, skipping hidden files', async () => {
    await mkdir(join(dir, 'sub'));
    await mkdir(join(dir, '.hidden-dir'));
    await mkdir(join(dir, '_temporary'));
    await writeFile(join(dir, 'b.txt'), 'b1\nb2');
    await writeFile(join(dir, 'a.txt'), 'a1\n');
    await writeFile(join(dir, 'sub', 'c.txt'), 'c1\n');
    await writeFile(join(dir, '.hidden'), 'no\n');
    await writeFile(join(dir, '_SUCCESS'), 'no\n');
    await writeFile(join(dir, '.hidden-dir', 'x.txt'), 'no\n');
    await writeFile(join(dir, '_temporary', 'y.txt'), 'no\n');
    await writeFile(join(dir, 'empty.txt'), '');
    const source = FileSource.forRecordStreamFormat(new TextLineInputFormat(), dir).build();
    expect(await readAll(source)).toEqual([['a1', 'b1', 'b2', 'c1']]);
    const parallel = await readAll(source, 3);
    expect(parallel.flat().sort()).toEqual(['a1', 'b1', 'b2', 'c1']);
  });

  it('reads several paths, each file once', async () => {
    await writeFile(join(dir, 'a.txt'), 'a\n');
    await writeFile(join(dir, 'b.txt'), 'b\n');
    const source = FileSource.forRecordStreamFormat(new TextLineInputFormat(), join(dir, 'b.txt'), dir, join(dir, 'b.txt')).build();
    expect(await readAll(source)).toEqual([['a', 'b']]);
  });

  it('handles CRLF line ends', async () => {
    const file = join(dir, 'crlf.txt');
    await writeFile(file, 'one\r\ntwo\r\n\r\nthree');
    expect(await readAll(FileSource.forRecordStreamFormat(new TextLineInputFormat(), file).build())).toEqual([['one', 'two', '', 'three']]);
  });

  it('decodes multi-byte characters that straddle a 64 KiB chunk boundary', async () => {
    const file = join(dir, 'utf8.txt');
    const long = 'a'.repeat(FILE_READ_CHUNK_SIZE - 1) + '€x'; // '€' covers bytes 65535..65537
    const emoji = 'b'.repeat(FILE_READ_CHUNK_SIZE - 3) + '😀'; // starts 2 bytes before the next boundary
    const expected = [long, emoji, 'ünïcödé', 'end'];
    await writeFile(file, expected.join('\n'));
    expect(await readAll(FileSource.forRecordStreamFormat(new TextLineInputFormat(), file).build())).toEqual([expected]);
  });

  it('reads a file of many chunks', async () => {
    const file = join(dir, 'big.txt');
    const expected = lines(50_000);
    await writeFile(file, expected.join('\n') + '\n');
    const [records] = await readAll(FileSource.forRecordStreamFormat(new TextLineInputFormat(), file).build());
    expect(records?.length).toBe(expected.length);
    expect(records?.join('\n')).toBe(expected.join('\n'));
  });

  it('keeps only a few chunks ahead of what was emitted', async () => {
    const file = join(dir, 'big.txt');
    await writeFile(file, lines(100_000).join('\n'));
    let decodedBytes = 0;
    const text = new TextLineInputFormat();
    const counting: StreamFormat<string> = {
      createDecoder(startOffset) {
        const inner = text.createDecoder(startOffset);
        return {
          decode(chunk, emit) {
            decodedBytes += chunk.length;
            inner.decode(chunk, emit);
          },
          finish: (emit) => inner.finish(emit),
        };
      },
    };
    const reader = FileSource.forRecordStreamFormat(counting, file).build().createReader({ subtaskIndex: 0, parallelism: 1, sendSplitRequest: () => {} });
    reader.addSplits([{ splitId: file, path: file, offset: 0 }]);
    await reader.start();
    await sleep(100);
    expect(decodedBytes).toBeGreaterThan(0);
    expect(decodedBytes).toBeLessThanOrEqual(5 * FILE_READ_CHUNK_SIZE);
    await reader.close();
  });

  it('resumes at the byte offset of the next unemitted line', async () => {
    const file = join(dir, 'resume.txt');
    const expected = lines(50_000, 'ligne-é');
    await writeFile(file, expected.join('\r\n'));
    const source = FileSource.forRecordStreamFormat(new TextLineInputFormat(), file).build();
    const first = await SourceTestDriver.create(source);
    const part = await first.run({ maxRecords: 10_000 });
    const snapshot = await first.snapshot(1);
    await first.close();
    const emitted = part.records[0];
    expect(emitted.length).toBeGreaterThanOrEqual(10_000);
    expect(emitted.join('\n')).toBe(expected.slice(0, emitted.length).join('\n'));
    const [split] = snapshot.readerSplits[0];
    expect(split).toEqual({ splitId: file, path: file, offset: Buffer.byteLength(emitted.join('\r\n') + '\r\n'), lineNumber: emitted.length });

    const second = await SourceTestDriver.create(source, { restore: snapshot });
    const rest = await second.run();
    await second.close();
    const all = [...emitted, ...rest.records[0]];
    expect(all.length).toBe(expected.length);
    expect(all.join('\n')).toBe(expected.join('\n'));
  });

  it('reads the pending splits of a restored enumerator without listing again', async () => {
    const a = join(dir, 'a.txt');
    const b = join(dir, 'b.txt');
    await writeFile(a, 'a\n');
    await writeFile(b, 'b\n');
    const source = FileSource.forRecordStreamFormat(new TextLineInputFormat(), dir).build();
    const driver = await SourceTestDriver.create(source, {
      restore: { enumeratorState: { alreadyProcessedPaths: [a, b], pendingSplits: [{ splitId: b, path: b, offset: 0 }] }, readerSplits: [[]] },
    });
    expect((await driver.run()).records).toEqual([['b']]);
    await driver.close();
  });

  it('fails with SOURCE_FAILED naming a missing path', async () => {
    const missing = join(dir, 'no-such-file.txt');
    const error = await readAll(FileSource.forRecordStreamFormat(new TextLineInputFormat(), missing).build()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WeirError);
    expect((error as WeirError).code).toBe(ErrorCodes.SOURCE_FAILED);
    expect((error as WeirError).message).toContain(missing);
    expect((error as WeirError).message).toContain('ENOENT');
  });

  it('fails with SOURCE_FAILED naming a file that cannot be read', async () => {
    const missing = join(dir, 'gone.txt');
    const source = FileSource.forRecordStreamFormat(new TextLineInputFormat(), dir).build();
    const driver = await SourceTestDriver.create(source, {
      restore: { enumeratorState: { alreadyProcessedPaths: [missing], pendingSplits: [] }, readerSplits: [[{ splitId: missing, path: missing, offset: 0 }]] },
    });
    const error = await driver.run().catch((e: unknown) => e);
    await driver.close();
    expect((error as WeirError).code).toBe(ErrorCodes.SOURCE_FAILED);
    expect((error as WeirError).message).toContain(missing);
  });
});

describe('FileSource, continuous', () => {
  it('picks up a file added after the start, and a restored enumerator does not read processed files again', async () => {
    await writeFile(join(dir, 'a.txt'), 'a1\na2\n');
    const source = FileSource.forRecordStreamFormat(new TextLineInputFormat(), dir).monitorContinuously(30).build();
    const driver = await SourceTestDriver.create(source, { parallelism: 2 });
    const running = driver.run({ maxRecords: 4, timeoutMs: 5000 });
    await sleep(100);
    await writeFile(join(dir, '.b.txt.inprogress'), 'b1\nb2\n');
    await rename(join(dir, '.b.txt.inprogress'), join(dir, 'b.txt'));
    const result = await running;
    expect(result.records.flat().sort()).toEqual(['a1', 'a2', 'b1', 'b2']);
    expect(result.finished).toEqual([false, false]);
    const snapshot = await driver.snapshot(1);
    await driver.close();
    expect([...snapshot.enumeratorState.alreadyProcessedPaths].sort()).toEqual([join(dir, 'a.txt'), join(dir, 'b.txt')]);
    expect(snapshot.enumeratorState.pendingSplits).toEqual([]);

    await writeFile(join(dir, 'c.txt'), 'c1\n');
    const restored = await SourceTestDriver.create(source, { parallelism: 2, restore: snapshot });
    const more = await restored.run({ durationMs: 150 });
    await restored.close();
    expect(more.records.flat()).toEqual(['c1']);
  });
});
