import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BasePathBucketAssigner } from './base-path-bucket-assigner.js';
import { DEFAULT_INACTIVITY_INTERVAL, DEFAULT_MAX_PART_SIZE, DEFAULT_ROLLOVER_INTERVAL, DefaultRollingPolicy } from './default-rolling-policy.js';
import { FileCommitter } from './file-committer.js';
import { listFileSinkOutput } from './file-sink-output.js';
import { FileSink } from './file-sink.js';
import type { FileWriter } from './file-writer.js';
import { OnCheckpointRollingPolicy } from './on-checkpoint-rolling-policy.js';
import type { PartFileInfo, RollingPolicy } from './rolling-policy.js';
import { SimpleStringEncoder } from './simple-string-encoder.js';

let dir: string;
let now: number;
const writers: FileWriter<string>[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weir-file-sink-rolling-'));
  now = 0;
});

afterEach(async () => {
  for (const writer of writers.splice(0)) await writer.close();
  await rm(dir, { recursive: true, force: true });
});

const part = (size: number, creationTime = 0, lastUpdateTime = creationTime): PartFileInfo => ({
  getBucketId: () => '',
  getCreationTime: () => creationTime,
  getSize: () => size,
  getLastUpdateTime: () => lastUpdateTime,
});

/** A writer on a manual clock (`now`), all records in the base path. */
async function writerWith(policy: RollingPolicy<string>, bucketCheckInterval?: number): Promise<FileWriter<string>> {
  const builder = FileSink.forRowFormat(dir, new SimpleStringEncoder<string>())
    .withRollingPolicy(policy)
    .withBucketAssigner(new BasePathBucketAssigner());
  const sink = (bucketCheckInterval === undefined ? builder : builder.withBucketCheckInterval(bucketCheckInterval)).build();
  const writer = await sink.createWriter({ subtaskIndex: 0, parallelism: 1, attempt: 0, jobId: 'job', currentProcessingTime: () => now });
  writers.push(writer);
  return writer;
}

/** Writes `record` at processing time `time`. */
async function writeAt(writer: FileWriter<string>, time: number, record: string): Promise<void> {
  now = time;
  await writer.write(record, undefined);
}

/** Commits everything (end of input) and returns the contents of the finished files, in the order they were rolled. */
async function finishAndRead(writer: FileWriter<string>): Promise<string[]> {
  await writer.flush(true);
  const committables = await writer.prepareCommit(1);
  await new FileCommitter().commit(committables);
  return Promise.all(committables.map((c) => readFile(c.finishedPath, 'utf8')));
}

describe('DefaultRollingPolicy', () => {
  it("has Flink's defaults and rolls above the size, at the rollover interval and after the inactivity interval", () => {
    const defaults = DefaultRollingPolicy.builder().build();
    expect([defaults.getMaxPartSize(), defaults.getRolloverInterval(), defaults.getInactivityInterval()]).toEqual([
      DEFAULT_MAX_PART_SIZE,
      DEFAULT_ROLLOVER_INTERVAL,
      DEFAULT_INACTIVITY_INTERVAL,
    ]);
    expect([DEFAULT_MAX_PART_SIZE, DEFAULT_ROLLOVER_INTERVAL, DEFAULT_INACTIVITY_INTERVAL]).toEqual([128 * 1024 * 1024, 60_000, 60_000]);
    const policy = DefaultRollingPolicy.builder().withMaxPartSize(100).withRolloverInterval(1000).withInactivityInterval(300).build();
    expect(policy.shouldRollOnEvent(part(100), 'x')).toBe(false);
    expect(policy.shouldRollOnEvent(part(101), 'x')).toBe(true);
    expect(policy.shouldRollOnCheckpoint(part(100))).toBe(false);
    expect(policy.shouldRollOnCheckpoint(part(101))).toBe(true);
    expect(policy.shouldRollOnProcessingTime(part(1, 0, 800), 999)).toBe(false);
    expect(policy.shouldRollOnProcessingTime(part(1, 0, 800), 1000)).toBe(true); // rollover
    expect(policy.shouldRollOnProcessingTime(part(1, 500, 600), 899)).toBe(false);
    expect(policy.shouldRollOnProcessingTime(part(1, 500, 600), 900)).toBe(true); // inactivity
  });

  it('refuses non-positive settings', () => {
    expect(() => DefaultRollingPolicy.builder().withMaxPartSize(0)).toThrow(TypeError);
    expect(() => DefaultRollingPolicy.builder().withRolloverInterval(-1)).toThrow(TypeError);
    expect(() => DefaultRollingPolicy.builder().withInactivityInterval(Number.NaN)).toThrow(TypeError);
  });
});

describe('OnCheckpointRollingPolicy', () => {
  it('rolls on checkpoints only', () => {
    const policy = OnCheckpointRollingPolicy.build();
    expect(policy.shouldRollOnCheckpoint(part(0))).toBe(true);
    expect(policy.shouldRollOnEvent(part(1e12), 'x')).toBe(false);
    expect(policy.shouldRollOnProcessingTime(part(1, 0), 1e12)).toBe(false);
  });
});

describe('FileSink rolling', () => {
  it('rolls by size before the record that would go into a file already above the maximum', async () => {
    const writer = await writerWith(DefaultRollingPolicy.builder().withMaxPartSize(20).build());
    for (let i = 0; i < 12; i++) await writeAt(writer, 0, `r${String(i).padStart(2, '0')}`); // 4-byte lines
    expect(await finishAndRead(writer)).toEqual(['r00\nr01\nr02\nr03\nr04\nr05\n', 'r06\nr07\nr08\nr09\nr10\nr11\n']);
  });

  it('rolls a file older than the rollover interval before the next record', async () => {
    const writer = await writerWith(DefaultRollingPolicy.builder().withRolloverInterval(1000).build());
    await writeAt(writer, 0, 'a');
    await writeAt(writer, 999, 'b');
    await writeAt(writer, 1000, 'c');
    await writeAt(writer, 1500, 'd');
    expect(await finishAndRead(writer)).toEqual(['a\nb\n', 'c\nd\n']);
  });

  it('rolls a file idle for the inactivity interval before the next record', async () => {
    const writer = await writerWith(DefaultRollingPolicy.builder().withInactivityInterval(300).build());
    await writeAt(writer, 0, 'a');
    await writeAt(writer, 200, 'b');
    await writeAt(writer, 499, 'c');
    await writeAt(writer, 800, 'd');
    expect(await finishAndRead(writer)).toEqual(['a\nb\nc\n', 'd\n']);
  });

  it('rolls idle and old files on onProcessingTime, every bucket check interval', async () => {
    const writer = await writerWith(DefaultRollingPolicy.builder().withInactivityInterval(300).build(), 250);
    expect(writer.processingTimeInterval).toBe(250);
    await writeAt(writer, 0, 'a');
    await writer.onProcessingTime(299);
    expect(await writer.prepareCommit(1)).toEqual([]);
    await writer.snapshotState(1);
    await writer.onProcessingTime(300);
    const committables = await writer.prepareCommit(2);
    expect(committables).toHaveLength(1);
    expect(await writer.snapshotState(2)).toEqual([expect.objectContaining({ inProgressFile: null })]);
    await writeAt(writer, 400, 'b'); // a new part file
    expect(await finishAndRead(writer)).toEqual(['b\n']);
  });

  it('rolls on every checkpoint with OnCheckpointRollingPolicy, keeping the bucket while it gets records', async () => {
    const writer = await writerWith(OnCheckpointRollingPolicy.build());
    const rolled: string[][] = [];
    for (let checkpoint = 1; checkpoint <= 3; checkpoint++) {
      await writeAt(writer, checkpoint, `x${checkpoint}`);
      await writer.flush(false);
      rolled.push((await writer.prepareCommit(checkpoint)).map((c) => c.finishedPath));
      await writer.snapshotState(checkpoint);
    }
    expect(rolled.map((paths) => paths.length)).toEqual([1, 1, 1]);
    const names = rolled.flat().map((path) => path.slice(dir.length + 1));
    const uuid = names[0].slice(5, 41);
    expect(names).toEqual([0, 1, 2].map((counter) => `part-${uuid}-0-${counter}`));
    // A checkpoint without records rolls nothing (no empty files) ...
    expect(await writer.prepareCommit(4)).toEqual([]);
    await writer.snapshotState(4);
    // ... and drops the bucket at the next one: its next records get a new bucket instance, a new uuid.
    expect(await writer.prepareCommit(5)).toEqual([]);
    expect(await writer.snapshotState(5)).toEqual([]);
    await writeAt(writer, 6, 'later');
    const [later] = await writer.prepareCommit(6);
    expect(later.finishedPath).toMatch(/part-[0-9a-f-]{36}-0-0$/);
    expect(later.finishedPath).not.toContain(uuid);
  });

  it('keeps a file open across checkpoints with DefaultRollingPolicy until it rolls', async () => {
    const writer = await writerWith(DefaultRollingPolicy.builder().withMaxPartSize(10).build());
    await writeAt(writer, 0, 'aaaa');
    expect(await writer.prepareCommit(1)).toEqual([]);
    const [state1] = await writer.snapshotState(1);
    await writeAt(writer, 0, 'bbbb'); // 10 bytes now: not above the maximum
    expect(await writer.prepareCommit(2)).toEqual([]);
    const [state2] = await writer.snapshotState(2);
    expect(state2.inProgressFile!.path).toBe(state1.inProgressFile!.path);
    expect(state2.inProgressFile!.validLength).toBe(10);
    await writeAt(writer, 0, 'cccc'); // 15 bytes
    await writeAt(writer, 0, 'dddd'); // rolls first
    expect(await writer.prepareCommit(3)).toHaveLength(1);
    expect((await listFileSinkOutput(dir)).hidden).toHaveLength(2);
  });
});
