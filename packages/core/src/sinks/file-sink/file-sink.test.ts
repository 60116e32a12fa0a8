import { appendFile, mkdtemp, readdir, readFile, rm, stat, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pack, unpack } from 'msgpackr';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { END_OF_INPUT_CHECKPOINT_ID, isTwoPhaseCommittingSink, type SinkWriterContext } from '../../connector/sink.js';
import { ErrorCodes } from '../../errors.js';
import { PrintSink } from '../print-sink.js';
import { BasePathBucketAssigner } from './base-path-bucket-assigner.js';
import { DefaultRollingPolicy } from './default-rolling-policy.js';
import type { Encoder } from './encoder.js';
import { FILE_SINK_STATE_VERSION, type FileSinkCommittable, type FileWriterBucketState } from './file-sink-checkpoint-data.js';
import { listFileSinkOutput, readFinishedLines } from './file-sink-output.js';
import { FileSink } from './file-sink.js';
import { FILE_SINK_WRITE_BUFFER_SIZE } from './in-progress-part-file.js';
import { OnCheckpointRollingPolicy } from './on-checkpoint-rolling-policy.js';
import { OutputFileConfig } from './output-file-config.js';
import type { RollingPolicy } from './rolling-policy.js';
import { SimpleStringEncoder } from './simple-string-encoder.js';
import { TwoPhaseCommitTestDriver } from './two-phase-commit-test-driver.js';

let dir: string;
const toClose: { close(): unknown }[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weir-file-sink-'));
});

afterEach(async () => {
  for (const resource of toClose.splice(0)) await resource.close();
  await rm(dir, { recursive: true, force: true });
});

/** Registers a driver or writer to close after the test (crashed ones included: closing writes nothing). */
function track<R extends { close(): unknown }>(resource: R): R {
  toClose.push(resource);
  return resource;
}

function records(prefix: string, from: number, to: number): string[] {
  return Array.from({ length: to - from }, (_, i) => `${prefix}-${String(from + i).padStart(5, '0')}`);
}

function sinkWith(policy: RollingPolicy<string>, config?: OutputFileConfig): FileSink<string> {
  const builder = FileSink.forRowFormat(dir, new SimpleStringEncoder<string>())
    .withRollingPolicy(policy)
    .withBucketAssigner(new BasePathBucketAssigner());
  return (config === undefined ? builder : builder.withOutputFileConfig(config)).build();
}

const context = (subtaskIndex = 0, parallelism = 1): SinkWriterContext => ({ subtaskIndex, parallelism, attempt: 0, jobId: 'job' });
const bySize = (bytes: number): DefaultRollingPolicy<string> => DefaultRollingPolicy.builder().withMaxPartSize(bytes).build<string>();

describe('FileSink: two-phase commit', () => {
  it('publishes exactly the records before a checkpoint, once it completes', async () => {
    const driver = track(await TwoPhaseCommitTestDriver.create(sinkWith(OnCheckpointRollingPolicy.build())));
    await driver.writeAll(0, records('a', 0, 10));
    const chk1 = await driver.checkpoint(1);
    expect(chk1.committables).toHaveLength(1);
    expect(chk1.writerStates).toEqual([[expect.objectContaining({ bucketId: '', nextPartCounter: 1, inProgressFile: null })]]);
    await driver.writeAll(0, records('b', 0, 5));

    expect((await listFileSinkOutput(dir)).finished).toEqual([]); // nothing visible before the checkpoint completes
    await driver.notifyCheckpointComplete(1);
    expect(await readFinishedLines(dir)).toEqual(records('a', 0, 10));
    const output = await listFileSinkOutput(dir);
    expect(output.finished).toHaveLength(1);
    expect(output.hidden).toHaveLength(1); // the in-progress file of the b records
  });

  it('keeps an in-progress file open across checkpoints, recording its valid length', async () => {
    const driver = track(await TwoPhaseCommitTestDriver.create(sinkWith(DefaultRollingPolicy.builder().build())));
    await driver.writeAll(0, records('a', 0, 10));
    const chk1 = await driver.checkpoint(1);
    await driver.writeAll(0, records('a', 10, 15));
    const chk2 = await driver.checkpoint(2);
    expect(chk1.committables).toEqual([]);
    expect(chk2.committables).toEqual([]);
    const [state1] = chk1.writerStates[0];
    const [state2] = chk2.writerStates[0];
    expect(state1.inProgressFile!.path).toBe(state2.inProgressFile!.path);
    expect(state1.inProgressFile!.validLength).toBe(10 * 8);
    expect(state2.inProgressFile!.validLength).toBe(15 * 8);
    expect((await stat(state2.inProgressFile!.path)).size).toBe(15 * 8); // written and synced by the snapshot
    await driver.notifyCheckpointComplete(2);
    expect((await listFileSinkOutput(dir)).finished).toEqual([]);

    await driver.endOfInput();
    expect(await readFinishedLines(dir)).toEqual(records('a', 0, 15));
    expect((await listFileSinkOutput(dir)).hidden).toEqual([]);
  });

  it('writes every record exactly once across a crash: restore truncates the in-progress file and continues it', async () => {
    const sink = sinkWith(bySize(200)); // 8-byte lines: a part rolls after 26 records
    const all = records('r', 0, 300);
    const first = track(await TwoPhaseCommitTestDriver.create(sink));
    await first.writeAll(0, all.slice(0, 100));
    const chk1 = await first.checkpoint(1);
    await first.notifyCheckpointComplete(1);
    expect(chk1.committables.length).toBeGreaterThan(0);
    const [bucketState] = chk1.writerStates[0];
    const inProgress = bucketState.inProgressFile!;
    expect(inProgress.validLength).toBeGreaterThan(0);
    const committedBefore = await readFinishedLines(dir);

    // After the checkpoint: more records, some files roll (pending, never committed), the rest reaches the file.
    await first.writeAll(0, all.slice(100, 200));
    await first.writers[0].flush(false);
    first.crash();
    expect(await readFinishedLines(dir)).toEqual(committedBefore);

    // Recovery: commit the checkpoint's committables again, then a writer with its state; sources replay from it.
    const second = track(await TwoPhaseCommitTestDriver.restore(sink, chk1));
    expect((await stat(inProgress.path)).size).toBe(inProgress.validLength); // truncated
    expect(await readFinishedLines(dir)).toEqual(committedBefore); // the re-commit duplicated nothing
    await second.writeAll(0, all.slice(100, 300));
    await second.checkpoint(2);
    await second.notifyCheckpointComplete(2);
    await second.endOfInput();

    expect(await readFinishedLines(dir)).toEqual(all);
    const names = (await listFileSinkOutput(dir)).finished;
    expect(new Set(names).size).toBe(names.length);
    // The crashed attempt's rolled and in-progress files stay hidden.
    expect((await listFileSinkOutput(dir)).hidden.length).toBeGreaterThan(0);
  });

  it('recovers when the completion notification was lost: the restore commits the checkpoint', async () => {
    const sink = sinkWith(bySize(100));
    const all = records('r', 0, 120);
    const first = track(await TwoPhaseCommitTestDriver.create(sink));
    await first.writeAll(0, all.slice(0, 50));
    await first.checkpoint(1);
    await first.notifyCheckpointComplete(1);
    await first.writeAll(0, all.slice(50, 80));
    const chk2 = await first.checkpoint(2); // completes, but the notification never arrives
    await first.writeAll(0, all.slice(80, 100));
    first.crash();

    const second = track(await TwoPhaseCommitTestDriver.restore(sink, chk2));
    expect(await readFinishedLines(dir)).toEqual(expect.arrayContaining(all.slice(0, 50)));
    await second.writeAll(0, all.slice(80, 120));
    await second.endOfInput();
    expect(await readFinishedLines(dir)).toEqual(all);
  });

  it('survives a crash with more than a write buffer of records after the checkpoint', async () => {
    const sink = sinkWith(DefaultRollingPolicy.builder().build());
    const recordCount = Math.ceil((3 * FILE_SINK_WRITE_BUFFER_SIZE) / 12);
    const all = records('record', 0, 2 * recordCount);
    const first = track(await TwoPhaseCommitTestDriver.create(sink));
    await first.writeAll(0, all.slice(0, recordCount));
    const chk1 = await first.checkpoint(1);
    await first.writeAll(0, all.slice(recordCount)); // several buffers reach the file
    const { path, validLength } = chk1.writerStates[0][0].inProgressFile!;
    expect((await stat(path)).size).toBeGreaterThan(validLength + FILE_SINK_WRITE_BUFFER_SIZE);
    first.crash();

    const second = track(await TwoPhaseCommitTestDriver.restore(sink, chk1));
    await second.writeAll(0, all.slice(recordCount));
    await second.endOfInput();
    expect(await readFinishedLines(dir)).toEqual(all);
    expect((await listFileSinkOutput(dir)).finished).toHaveLength(1);
  });

  it('commits idempotently: again, and after the files were committed', async () => {
    const sink = sinkWith(bySize(50));
    const driver = track(await TwoPhaseCommitTestDriver.create(sink));
    await driver.writeAll(0, records('a', 0, 20));
    const chk1 = await driver.checkpoint(1);
    expect(chk1.committables.length).toBeGreaterThanOrEqual(2);
    const committer = track(sink.createCommitter());
    await committer.commit(chk1.committables);
    const once = await readFinishedLines(dir);
    await committer.commit(chk1.committables);
    await committer.commit([...chk1.committables, ...chk1.committables]);
    await driver.notifyCheckpointComplete(1);
    expect(await readFinishedLines(dir)).toEqual(once);
    expect(once.length).toBeGreaterThan(0);
  });

  it('fails a commit whose pending and finished files are both gone with SINK_COMMIT_FAILED naming the file, committing the others', async () => {
    const sink = sinkWith(bySize(50));
    const driver = track(await TwoPhaseCommitTestDriver.create(sink));
    await driver.writeAll(0, records('a', 0, 20));
    const { committables } = await driver.checkpoint(1);
    const [gone, ...rest] = committables;
    await unlink(gone.pendingPath);
    const error = await sink
      .createCommitter()
      .commit(committables)
      .then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCodes.SINK_COMMIT_FAILED });
    expect((error as Error).message).toContain(gone.finishedPath);
    expect((error as Error).message).toContain(gone.pendingPath);
    for (const committable of rest) expect((await stat(committable.finishedPath)).size).toBe(committable.size);
  });

  it('fails a malformed committable with SINK_COMMIT_FAILED', async () => {
    const committer = sinkWith(bySize(50)).createCommitter();
    const malformed = [{ version: FILE_SINK_STATE_VERSION, bucketId: '', pendingPath: 'relative', finishedPath: '/x', size: 1 }];
    await expect(committer.commit(malformed)).rejects.toMatchObject({
      code: ErrorCodes.SINK_COMMIT_FAILED,
      message: expect.stringMatching(/committable #0 is malformed \(pendingPath: expected an absolute path/) as unknown,
    });
    await expect(committer.commit([join(dir, 'x') as unknown as FileSinkCommittable])).rejects.toMatchObject({
      code: ErrorCodes.SINK_COMMIT_FAILED,
    });
  });

  it('commits at the end of bounded input (no final checkpoint) and refuses records after it', async () => {
    const sink = sinkWith(DefaultRollingPolicy.builder().build());
    const writer = track(await sink.createWriter(context()));
    for (const record of records('a', 0, 5)) await writer.write(record, undefined);
    await writer.flush(true);
    expect(writer.status).toBe('end-of-input');
    const committables = await writer.prepareCommit(END_OF_INPUT_CHECKPOINT_ID);
    expect(committables).toHaveLength(1);
    const [state] = await writer.snapshotState(END_OF_INPUT_CHECKPOINT_ID);
    expect(state.inProgressFile).toBeNull();
    expect(() => writer.write('late', undefined)).toThrow(TypeError);
    await sink.createCommitter().commit(committables);
    expect(await readFinishedLines(dir)).toEqual(records('a', 0, 5));
  });

  it('commits at the end of bounded input through a final checkpoint when checkpointing is on', async () => {
    const driver = track(await TwoPhaseCommitTestDriver.create(sinkWith(DefaultRollingPolicy.builder().build())));
    await driver.writeAll(0, records('a', 0, 5));
    await driver.writers[0].flush(true);
    const final = await driver.checkpoint(7); // flush(false), prepareCommit(7), snapshotState(7)
    expect(final.committables).toHaveLength(1);
    expect(final.writerStates[0]).toEqual([expect.objectContaining({ inProgressFile: null })]);
    await driver.notifyCheckpointComplete(7);
    expect(await readFinishedLines(dir)).toEqual(records('a', 0, 5));
  });

  it('refuses snapshotState before prepareCommit when files rolled, and bad checkpoint ids', async () => {
    const writer = track(await sinkWith(bySize(10)).createWriter(context()));
    for (const record of records('a', 0, 5)) await writer.write(record, undefined);
    await expect(writer.snapshotState(1)).rejects.toThrow(/without prepareCommit\(1\) first/);
    await expect(writer.prepareCommit(-1)).rejects.toThrow(TypeError);
    await writer.close();
    await writer.close();
    await expect(writer.prepareCommit(1)).rejects.toThrow(/after close/);
  });

  it('stores committables and writer state as plain msgpack data', async () => {
    const writer = track(await sinkWith(bySize(20)).createWriter(context()));
    for (const record of records('a', 0, 5)) await writer.write(record, undefined);
    const committables = await writer.prepareCommit(1);
    const state = await writer.snapshotState(1);
    expect(committables.length).toBeGreaterThan(0);
    expect(state).toHaveLength(1);
    expect(unpack(pack(committables))).toEqual(committables);
    expect(unpack(pack(state))).toEqual(state);
    expect(structuredClone(state)).toEqual(state);
    expect(Object.getPrototypeOf(state[0])).toBe(Object.prototype);
  });
});

describe('FileSink: file names', () => {
  it('names files <prefix>-<uuid>-<subtask>-<counter><suffix>, in progress as hidden .<name>.inprogress.<random>', async () => {
    const config = OutputFileConfig.builder().withPartPrefix('events').withPartSuffix('.txt').build();
    const driver = track(await TwoPhaseCommitTestDriver.create(sinkWith(OnCheckpointRollingPolicy.build(), config), { parallelism: 3 }));
    await driver.writeAll(2, ['x']);
    await driver.checkpoint(1);
    await driver.writeAll(2, ['y']);
    await driver.notifyCheckpointComplete(1);
    const { finished, hidden } = await listFileSinkOutput(dir);
    expect(finished).toHaveLength(1);
    expect(finished[0]).toMatch(/^events-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-2-0\.txt$/);
    const uuid = finished[0].slice('events-'.length, 'events-'.length + 36);
    expect(hidden).toHaveLength(1);
    expect(hidden[0]).toMatch(new RegExp(`^\\.events-${uuid}-2-1\\.txt\\.inprogress\\.[0-9a-f-]{36}$`));
  });

  it('never collides when two subtasks, or two jobs, write the same base path', async () => {
    const sink = sinkWith(bySize(30));
    const both = track(await TwoPhaseCommitTestDriver.create(sink, { parallelism: 2 }));
    const other = track(await TwoPhaseCommitTestDriver.create(sink, { jobId: 'another-job' }));
    await both.writeAll(0, records('a', 0, 40));
    await both.writeAll(1, records('b', 0, 40));
    await other.writeAll(0, records('c', 0, 40));
    await both.checkpoint(1);
    await other.checkpoint(1);
    await both.notifyCheckpointComplete(1);
    await other.notifyCheckpointComplete(1);
    await both.endOfInput();
    await other.endOfInput();
    expect(await readFinishedLines(dir)).toEqual([...records('a', 0, 40), ...records('b', 0, 40), ...records('c', 0, 40)]);
    const { finished } = await listFileSinkOutput(dir);
    expect(finished.length).toBeGreaterThan(6);
    const subtasks = finished.map((name) => /^part-[0-9a-f-]{36}-(\d+)-\d+$/.exec(name)?.[1]);
    expect(subtasks.filter((s) => s === '1')).toHaveLength(Math.ceil(40 / 4)); // 4 lines of 8 bytes per part file
    expect(new Set(finished.map((name) => name.slice(5, 41))).size).toBe(3); // one uuid per bucket instance
  });

  it('continues part counters after a restore, with a new uuid', async () => {
    const sink = sinkWith(bySize(30));
    const first = track(await TwoPhaseCommitTestDriver.create(sink));
    await first.writeAll(0, records('a', 0, 10)); // parts 0 and 1 roll, part 2 in progress
    const chk1 = await first.checkpoint(1);
    expect(chk1.writerStates[0][0].nextPartCounter).toBe(3);
    await first.notifyCheckpointComplete(1);
    first.crash();
    const second = track(await TwoPhaseCommitTestDriver.restore(sink, chk1));
    await second.writeAll(0, records('b', 0, 10));
    await second.endOfInput();
    const parts = (await listFileSinkOutput(dir)).finished.map((name) => /^part-([0-9a-f-]{36})-0-(\d+)$/.exec(name)!);
    const firstUuid = /^part-([0-9a-f-]{36})-/.exec(basename(chk1.committables[0].finishedPath))![1];
    const countersOf = (same: boolean): number[] =>
      parts.filter(([, uuid]) => (uuid === firstUuid) === same).map(([, , counter]) => Number(counter)).sort();
    expect(countersOf(true)).toEqual([0, 1, 2]); // 0 and 1 committed at checkpoint 1, 2 resumed after the restore
    expect(countersOf(false)).toEqual([3, 4]);
    expect(await readFinishedLines(dir)).toEqual([...records('a', 0, 10), ...records('b', 0, 10)]);
  });

  it('merges the in-progress files of several subtasks for one bucket when restored at a lower parallelism', async () => {
    const sink = sinkWith(DefaultRollingPolicy.builder().build());
    const first = track(await TwoPhaseCommitTestDriver.create(sink, { parallelism: 2 }));
    await first.writeAll(0, records('a', 0, 10));
    await first.writeAll(1, records('b', 0, 10));
    const chk1 = await first.checkpoint(1);
    expect(chk1.writerStates.flat()).toHaveLength(2);
    first.crash();
    const second = track(await TwoPhaseCommitTestDriver.restore(sink, chk1, { parallelism: 1 }));
    const chk2 = await second.checkpoint(2);
    expect(chk2.committables).toHaveLength(1); // the second file was completed, the first continues
    expect(chk2.writerStates[0]).toHaveLength(1);
    await second.notifyCheckpointComplete(2);
    await second.writeAll(0, records('c', 0, 3));
    await second.endOfInput();
    expect(await readFinishedLines(dir)).toEqual([...records('a', 0, 10), ...records('b', 0, 10), ...records('c', 0, 3)]);
  });
});

describe('FileSink: recovered state', () => {
  async function stateWithInProgressFile(): Promise<FileWriterBucketState> {
    const writer = track(await sinkWith(DefaultRollingPolicy.builder().build()).createWriter(context()));
    await writer.write('a', undefined);
    await writer.prepareCommit(1);
    const [state] = await writer.snapshotState(1);
    await writer.close();
    return state;
  }

  it('rejects malformed state with INVALID_STATE_SNAPSHOT naming the problem', async () => {
    const sink = sinkWith(DefaultRollingPolicy.builder().build());
    const valid = await stateWithInProgressFile();
    const cases: [unknown, RegExp][] = [
      ['not an array', /the recovered state is "not an array", not an array/],
      [[null], /state #0 is malformed \(it is null, not an object\)/],
      [[{ ...valid, version: 99 }], /state #0 is malformed \(version: version 99 is not supported/],
      [[valid, { ...valid, bucketPath: 'relative/path' }], /state #1 is malformed \(bucketPath: expected an absolute path/],
      [[{ ...valid, nextPartCounter: 1.5 }], /nextPartCounter: expected a non-negative integer, got 1.5/],
      [[{ ...valid, inProgressFile: { ...valid.inProgressFile, validLength: -1 } }], /inProgressFile\.validLength: expected a non-negative/],
      [[{ ...valid, inProgressFile: undefined }], /inProgressFile is undefined, not an object/],
      [[{ ...valid, inProgressFile: { ...valid.inProgressFile, finishedPath: '/elsewhere/part' } }], /not in the same directory/],
    ];
    for (const [state, message] of cases) {
      const error = await sink.createWriter(context(), state as FileWriterBucketState[]).then(
        (writer) => writer.close(),
        (e: unknown) => e,
      );
      expect(error, String(message)).toMatchObject({ code: ErrorCodes.INVALID_STATE_SNAPSHOT });
      expect((error as Error).message).toMatch(message);
    }
  });

  it('fails with SINK_FAILED when the in-progress file is gone or shorter than its valid length', async () => {
    const sink = sinkWith(DefaultRollingPolicy.builder().build());
    const state = await stateWithInProgressFile();
    const path = state.inProgressFile!.path;
    await truncate(path, 1);
    await expect(sink.createWriter(context(), [state])).rejects.toMatchObject({
      code: ErrorCodes.SINK_FAILED,
      message: expect.stringContaining(`"${path}"`) as unknown,
    });
    await expect(sink.createWriter(context(), [state])).rejects.toThrow(/has 1 bytes, fewer than the 2 bytes/);
    await unlink(path);
    await expect(sink.createWriter(context(), [state])).rejects.toThrow(/it no longer exists/);
  });

  it('truncates what was appended after the checkpoint, byte for byte', async () => {
    const sink = sinkWith(DefaultRollingPolicy.builder().build());
    const state = await stateWithInProgressFile();
    const path = state.inProgressFile!.path;
    await appendFile(path, 'garbage after the checkpoint\n');
    const writer = track(await sink.createWriter(context(), [state]));
    await writer.write('b', undefined);
    await writer.flush(true);
    await sink.createCommitter().commit(await writer.prepareCommit(2));
    expect(await readFile(state.inProgressFile!.finishedPath, 'utf8')).toBe('a\nb\n');
  });
});

describe('FileSink: building', () => {
  it('is a two-phase-commit sink; PrintSink is not', () => {
    expect(isTwoPhaseCommittingSink(sinkWith(OnCheckpointRollingPolicy.build()))).toBe(true);
    expect(isTwoPhaseCommittingSink(new PrintSink())).toBe(false);
  });

  it('resolves the base path, has Flink defaults, and validates its settings', () => {
    const sink = FileSink.forRowFormat('out', new SimpleStringEncoder()).build();
    expect(sink.basePath).toBe(join(process.cwd(), 'out'));
    expect(sink.rollingPolicy).toBeInstanceOf(DefaultRollingPolicy);
    expect(sink.outputFileConfig.getPartPrefix()).toBe('part');
    expect(sink.bucketCheckInterval).toBe(60_000);
    const encoder = new SimpleStringEncoder();
    expect(() => FileSink.forRowFormat('', encoder).build()).toThrow(TypeError);
    expect(() => FileSink.forRowFormat(dir, {} as Encoder<unknown>).build()).toThrow(/needs an Encoder/);
    expect(() => FileSink.forRowFormat(dir, encoder).withRollingPolicy({} as RollingPolicy<unknown>).build()).toThrow(/RollingPolicy/);
    expect(() => FileSink.forRowFormat(dir, encoder).withBucketAssigner(null as never).build()).toThrow(/BucketAssigner/);
    expect(() => FileSink.forRowFormat(dir, encoder).withBucketCheckInterval(0).build()).toThrow(/bucket check interval/);
    expect(() => OutputFileConfig.builder().withPartPrefix('a/b')).toThrow(TypeError);
  });

  it('encodes lines with SimpleStringEncoder in the chosen charset', () => {
    expect(Buffer.from(new SimpleStringEncoder().encode(42)).toString()).toBe('42\n');
    expect(Buffer.from(new SimpleStringEncoder().encode('é')).length).toBe(3);
    expect(Buffer.from(new SimpleStringEncoder('latin1').encode('é')).length).toBe(2);
    expect(() => new SimpleStringEncoder('hex' as never)).toThrow(TypeError);
  });

  it('refuses an encoder that does not return bytes', async () => {
    const sink = FileSink.forRowFormat(dir, { encode: (s: string) => s } as unknown as Encoder<string>).build();
    const writer = track(await sink.createWriter(context()));
    expect(() => writer.write('a', undefined)).toThrow(/must return a Uint8Array/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('uses Date.now without a processing-time clock in the context', async () => {
    const before = Date.now();
    const writer = track(await sinkWith(DefaultRollingPolicy.builder().build()).createWriter(context()));
    await writer.write('a', undefined);
    await writer.prepareCommit(1);
    const [state] = await writer.snapshotState(1);
    expect(state.inProgressFile!.creationTime).toBeGreaterThanOrEqual(before);
    expect(basename(state.inProgressFile!.path).startsWith('.part-')).toBe(true);
  });

  it('writes nothing to the base path before the first record', async () => {
    await writeFile(join(dir, 'existing'), 'x');
    const writer = track(await sinkWith(DefaultRollingPolicy.builder().build()).createWriter(context()));
    expect(await writer.prepareCommit(1)).toEqual([]);
    expect(await writer.snapshotState(1)).toEqual([]);
    expect(await readdir(dir)).toEqual(['existing']);
  });
});
