import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BasePathBucketAssigner } from './base-path-bucket-assigner.js';
import type { BucketAssigner, BucketAssignerContext } from './bucket-assigner.js';
import { DateTimeBucketAssigner, DEFAULT_DATE_TIME_BUCKET_FORMAT } from './date-time-bucket-assigner.js';
import { listFileSinkOutput, readFinishedLines } from './file-sink-output.js';
import { FileSink } from './file-sink.js';
import { OnCheckpointRollingPolicy } from './on-checkpoint-rolling-policy.js';
import { SimpleStringEncoder } from './simple-string-encoder.js';
import { TwoPhaseCommitTestDriver } from './two-phase-commit-test-driver.js';

let dir: string;
let now: number;
const drivers: { close(): Promise<void> }[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weir-file-sink-buckets-'));
  now = 0;
});

afterEach(async () => {
  for (const driver of drivers.splice(0)) await driver.close();
  await rm(dir, { recursive: true, force: true });
});

const at = (time: number): BucketAssignerContext => ({ currentProcessingTime: () => time, timestamp: () => undefined });
const MAY_1_13_05_07_089 = Date.UTC(2024, 4, 1, 13, 5, 7, 89);

async function runWith(assigner: BucketAssigner<string>, writes: [time: number, record: string, timestamp?: number][]): Promise<void> {
  const sink = FileSink.forRowFormat(dir, new SimpleStringEncoder<string>())
    .withRollingPolicy(OnCheckpointRollingPolicy.build())
    .withBucketAssigner(assigner)
    .build();
  const driver = await TwoPhaseCommitTestDriver.create(sink, { clock: () => now });
  drivers.push(driver);
  for (const [time, record, timestamp] of writes) {
    now = time;
    await driver.writeAll(0, [record], timestamp);
  }
  await driver.checkpoint(1);
  await driver.notifyCheckpointComplete(1);
}

const directories = async (): Promise<string[]> =>
  [...new Set((await listFileSinkOutput(dir)).finished.map((file) => file.slice(0, file.lastIndexOf('/') + 1)))].sort();

describe('DateTimeBucketAssigner', () => {
  it("formats the processing time with Flink's default pattern, in UTC by default", () => {
    const assigner = new DateTimeBucketAssigner();
    expect(assigner.formatString).toBe(DEFAULT_DATE_TIME_BUCKET_FORMAT);
    expect(assigner.getBucketId('x', at(MAY_1_13_05_07_089))).toBe('2024-05-01--13');
    expect(assigner.getBucketId('x', at(Date.UTC(1999, 11, 31, 23, 59, 59, 999)))).toBe('1999-12-31--23');
  });

  it('supports y, M, d, H, m, s, S, quoted text and nested directories', () => {
    expect(new DateTimeBucketAssigner('yyyy/MM/dd/HH').format(MAY_1_13_05_07_089)).toBe('2024/05/01/13');
    expect(new DateTimeBucketAssigner("yyyyMMdd'T'HHmmss.SSS").format(MAY_1_13_05_07_089)).toBe('20240501T130507.089');
    expect(new DateTimeBucketAssigner("yy-M-d H:m:s.S 'o''clock'").format(MAY_1_13_05_07_089)).toBe("24-5-1 13:5:7.0 o'clock");
    expect(new DateTimeBucketAssigner("''yyyy").format(MAY_1_13_05_07_089)).toBe("'2024");
  });

  it('formats in the local zone or an IANA zone', () => {
    const local = new Date(MAY_1_13_05_07_089);
    const pad = (n: number): string => String(n).padStart(2, '0');
    expect(new DateTimeBucketAssigner('yyyy-MM-dd--HH', 'local').format(MAY_1_13_05_07_089)).toBe(
      `${local.getFullYear()}-${pad(local.getMonth() + 1)}-${pad(local.getDate())}--${pad(local.getHours())}`,
    );
    expect(new DateTimeBucketAssigner('yyyy-MM-dd--HH', 'Asia/Tokyo').format(MAY_1_13_05_07_089)).toBe('2024-05-01--22');
    expect(new DateTimeBucketAssigner('yyyy-MM-dd--HH:mm', 'America/New_York').format(Date.UTC(2024, 0, 1, 3, 30))).toBe('2023-12-31--22:30');
  });

  it('refuses unsupported patterns and unknown zones', () => {
    expect(() => new DateTimeBucketAssigner('yyyy-QQ')).toThrow(/letter 'Q'/);
    expect(() => new DateTimeBucketAssigner("yyyy'unterminated")).toThrow(/unterminated quote/);
    expect(() => new DateTimeBucketAssigner('')).toThrow(TypeError);
    expect(() => new DateTimeBucketAssigner(undefined, 'Mars/Olympus_Mons')).toThrow(/unknown time zone/);
  });

  it('puts records into one directory per hour of processing time', async () => {
    const hour13 = Date.UTC(2024, 4, 1, 13, 59, 59, 999);
    await runWith(new DateTimeBucketAssigner(), [
      [hour13, 'a'],
      [hour13 + 1, 'b'],
      [hour13 + 2, 'c'],
    ]);
    expect(await directories()).toEqual(['2024-05-01--13/', '2024-05-01--14/']);
    expect(await readFinishedLines(join(dir, '2024-05-01--14'))).toEqual(['b', 'c']);
  });
});

describe('bucket assigners in the FileSink', () => {
  it('writes into the base path with BasePathBucketAssigner', async () => {
    expect(new BasePathBucketAssigner().getBucketId('x', at(0))).toBe('');
    await runWith(new BasePathBucketAssigner(), [[0, 'a']]);
    expect(await directories()).toEqual(['']);
  });

  it('creates nested bucket directories from custom assigners, which see the record and its timestamp', async () => {
    const byFirstLetter: BucketAssigner<string> = {
      getBucketId: (record, context) => `letter=${record[0]}/ts=${context.timestamp() ?? 'none'}`,
    };
    await runWith(byFirstLetter, [
      [0, 'apple', 5],
      [0, 'avocado', 5],
      [0, 'banana', undefined],
    ]);
    expect(await directories()).toEqual(['letter=a/ts=5/', 'letter=b/ts=none/']);
    expect(await readFinishedLines(join(dir, 'letter=a', 'ts=5'))).toEqual(['apple', 'avocado']);
  });

  it('refuses bucket ids that leave the base path or are not strings', async () => {
    for (const id of ['../outside', 'a/../../b', '/absolute', 42]) {
      const assigner = { getBucketId: () => id } as unknown as BucketAssigner<string>;
      await expect(runWith(assigner, [[0, 'x']]), String(id)).rejects.toThrow(TypeError);
    }
    expect(await directories()).toEqual([]);
  });
});
