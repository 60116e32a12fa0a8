/**
 * The conformance suite of {@link CheckpointStorage}: every checkpoint storage (local directory, memory, JetStream, ...)
 * runs it in one line. It uses only the public API of `CheckpointStorage` and `JobCheckpointStorage`, treats pointers
 * as opaque strings (except that `<pointer>/_metadata` names the same checkpoint), and damages files only through the
 * `corrupt` callback the implementation provides.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CheckpointStorage } from '../checkpoint/storage/checkpoint-storage.js';
import type { CheckpointStorageLocation, CompletedCheckpoint } from '../checkpoint/storage/checkpoint-storage-location.js';
import type { JobCheckpointStorage } from '../checkpoint/storage/job-checkpoint-storage.js';
import type { StateHandle } from '../checkpoint/storage/state-handle.js';
import { ErrorCodes, WeirError } from '../errors.js';

/** How the suite asks for a file to be damaged: cut to half its length, or one bit of its last byte flipped. */
export type CheckpointCorruption = 'truncate' | 'flip';

/** What {@link checkpointStorageConformanceSuite} needs from an implementation. */
export interface CheckpointStorageConformanceOptions {
  /**
   * Creates a storage over a fresh, empty place (a new temporary directory, a new bucket); runs before each test, and
   * the storage is closed after it. Unless `savepointDirectory` is given, it must have a default savepoint directory.
   */
  readonly create: () => CheckpointStorage | Promise<CheckpointStorage>;
  /**
   * Damages file `fileName` of the checkpoint at `pointer` in `storage`, the one the current test created (see
   * {@link corruptCheckpointBytes} for what each kind of damage means).
   */
  readonly corrupt: (pointer: string, fileName: string, how: CheckpointCorruption, storage: CheckpointStorage) => void | Promise<void>;
  /** A target directory for savepoints, in the storage's terms. Default: none given, the storage's default is used. */
  readonly savepointDirectory?: () => string | Promise<string>;
  /** The timeout of each test, in ms. Default 10000. */
  readonly testTimeoutMs?: number;
}

/**
 * Damages a file's bytes as the suite asks: `'truncate'` keeps the first half, `'flip'` flips the lowest bit of the
 * last byte. For implementations of the `corrupt` callback.
 */
export function corruptCheckpointBytes(bytes: Uint8Array, how: CheckpointCorruption): Uint8Array {
  if (how === 'truncate') return bytes.slice(0, Math.floor(bytes.length / 2));
  if (bytes.length === 0) return Uint8Array.of(1);
  const copy = bytes.slice();
  copy[copy.length - 1] ^= 0x01;
  return copy;
}

const encoder = new TextEncoder();
const bytesOf = (text: string): Uint8Array => encoder.encode(text);
const textOf = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/** Runs `action` and returns what it threw or rejected with (undefined if nothing). */
async function failure(action: () => unknown): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  return undefined;
}

/** Expects `action` to fail with a `WeirError` of `code` whose message contains every one of `parts`; returns it. */
async function expectCode(action: () => unknown, code: string, ...parts: string[]): Promise<WeirError> {
  const error = await failure(action);
  expect(error, `expected an error with code ${code}`).toBeInstanceOf(WeirError);
  expect((error as WeirError).code, `code of: ${String(error)}`).toBe(code);
  for (const part of parts) expect((error as Error).message).toContain(part);
  return error as WeirError;
}

/** Expects `action` to fail with a `TypeError`. */
async function expectTypeError(action: () => unknown): Promise<void> {
  const error = await failure(action);
  expect(error, 'expected a TypeError').toBeInstanceOf(TypeError);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Plain data of every msgpack type the coordinator's payload may use. */
const samplePayload = {
  operators: { 'map-1': { 0: 'map-1-0', 1: 'map-1-1' }, 'sink-2': { 0: 'sink-2-0' } },
  mixed: [1, 'two', null, true, 2.5, -7],
  big: 12_345_678_901_234_567_890n,
  nested: [[{ a: -1, b: 'x' }]],
};

let suiteCounter = 0;

/**
 * Registers vitest tests that check a {@link CheckpointStorage} against its contract: the write, commit, list, load
 * and read round trip; metadata that is invisible until the commit; listing in id order; discard (also of a
 * half-written location); detection of truncated and bit-flipped state files and `_metadata` with
 * `CHECKPOINT_CORRUPT` naming the file; `findLatestValid` falling back to the previous checkpoint with a warning, and
 * finding the job that checkpointed last; shared state that survives the discard of a checkpoint and is immutable;
 * two checkpoints in flight at once; savepoints; input validation; and closing. Call it at the top level of a test
 * file.
 *
 * @example
 * ```ts
 * import { checkpointStorageConformanceSuite, corruptCheckpointBytes } from '@weir/core/testing';
 * let files = new Map<string, Uint8Array>();
 * checkpointStorageConformanceSuite('memory', {
 *   create: () => new MemoryCheckpointStorage({ files: (files = new Map()), savepointDirectory: 'memory://savepoints' }),
 *   corrupt: (pointer, name, how) => void files.set(`${pointer}/${name}`, corruptCheckpointBytes(files.get(`${pointer}/${name}`)!, how)),
 * });
 * ```
 */
export function checkpointStorageConformanceSuite(name: string, options: CheckpointStorageConformanceOptions): void {
  const testTimeoutMs = options.testTimeoutMs ?? 10_000;
  const suiteId = `${name.replace(/[^A-Za-z0-9]/g, '')}${process.pid}n${++suiteCounter}`;
  let jobCounter = 0;

  describe(`CheckpointStorage conformance: ${name}`, () => {
    let storage: CheckpointStorage;

    beforeEach(async () => {
      storage = await options.create();
    });

    afterEach(async () => {
      await storage.close();
    });

    const newJobId = (): string => `job${suiteId}x${++jobCounter}`;
    const createJob = (jobId = newJobId()): Promise<JobCheckpointStorage> => storage.createJobStorage(jobId);
    const savepointTarget = async (): Promise<string | undefined> => options.savepointDirectory?.();

    /** Initializes checkpoint `id`, writes `states` (name -> text), and commits it with `extra` handles. */
    async function completeCheckpoint(
      job: JobCheckpointStorage,
      id: number,
      states: Record<string, string>,
      extra: { shared?: StateHandle[]; timestamp?: number; payload?: unknown } = {},
    ): Promise<CompletedCheckpoint> {
      const location = await job.initializeLocation(id, 'checkpoint');
      const handles = await Promise.all(Object.entries(states).map(([stateName, text]) => job.writeState(location, stateName, bytesOf(text))));
      return job.commit(location, {
        timestamp: extra.timestamp ?? 1_700_000_000_000 + id,
        handles: [...handles, ...(extra.shared ?? [])],
        payload: extra.payload ?? { id },
      });
    }

    const corrupt = async (pointer: string, fileName: string, how: CheckpointCorruption): Promise<void> => {
      await options.corrupt(pointer, fileName, how, storage);
    };

    const ids = (locations: readonly CheckpointStorageLocation[]): number[] => locations.map((location) => location.checkpointId);

    it('has a name, declares what it supports and is open', () => {
      expect(typeof storage.name).toBe('string');
      expect(storage.name.length).toBeGreaterThan(0);
      expect(typeof storage.supports.durable).toBe('boolean');
      expect(storage.status).toBe('open');
    });

    it(
      'round trip: write state, commit, list, load and read back',
      async () => {
        const job = await createJob();
        const location = await job.initializeLocation(1, 'checkpoint');
        expect(location).toMatchObject({ jobId: job.jobId, checkpointId: 1, kind: 'checkpoint' });
        expect(typeof location.pointer).toBe('string');
        const first = await job.writeState(location, 'map-1-0', bytesOf('state of subtask 0'));
        const second = await job.writeState(location, 'map-1-1', bytesOf('state of subtask 1, longer'));
        expect(first).toMatchObject({ name: 'map-1-0', size: 18, scope: 'exclusive' });
        expect(Number.isInteger(first.checksum)).toBe(true);
        expect(first.checksum).not.toBe(second.checksum);

        const completed = await job.commit(location, { timestamp: 1234, handles: [first, second], payload: samplePayload });
        expect(completed.location).toEqual(location);
        expect(completed.metadata).toMatchObject({ jobId: job.jobId, checkpointId: 1, kind: 'checkpoint', timestamp: 1234 });
        expect(completed.metadata.version).toBeGreaterThanOrEqual(1);

        expect(await job.listCompleted()).toEqual([location]);
        const loaded = await storage.loadCompletedCheckpoint(location.pointer, { verifyChecksums: true });
        expect(loaded.location).toEqual(location);
        expect(loaded.metadata).toEqual({
          version: completed.metadata.version,
          jobId: job.jobId,
          checkpointId: 1,
          kind: 'checkpoint',
          timestamp: 1234,
          handles: [first, second],
          payload: samplePayload,
        });
        expect(textOf(await storage.readState(loaded.location, first))).toBe('state of subtask 0');
        expect(textOf(await storage.readState(location.pointer, second))).toBe('state of subtask 1, longer');
        expect(textOf(await job.readState(location, second))).toBe('state of subtask 1, longer');
      },
      testTimeoutMs,
    );

    it(
      'the pointer followed by /_metadata names the same checkpoint',
      async () => {
        const job = await createJob();
        const completed = await completeCheckpoint(job, 3, { a: 'x' });
        const loaded = await storage.loadCompletedCheckpoint(`${completed.location.pointer}/_metadata`);
        expect(loaded.location).toEqual(completed.location);
        expect(loaded.metadata).toEqual(completed.metadata);
      },
      testTimeoutMs,
    );

    it(
      'empty state, no handles and a default timestamp work',
      async () => {
        const job = await createJob();
        const location = await job.initializeLocation(1, 'checkpoint');
        const empty = await job.writeState(location, 'empty', new Uint8Array(0));
        expect(empty.size).toBe(0);
        const before = Date.now();
        const completed = await job.commit(location, { handles: [empty], payload: undefined });
        expect(completed.metadata.timestamp).toBeGreaterThanOrEqual(before);
        expect(completed.metadata.timestamp).toBeLessThanOrEqual(Date.now());
        expect(await storage.readState(location, empty)).toEqual(new Uint8Array(0));

        const bare = await job.initializeLocation(2, 'checkpoint');
        await job.commit(bare, { handles: [], payload: null });
        expect((await storage.loadCompletedCheckpoint(bare.pointer)).metadata).toMatchObject({ handles: [], payload: null });
      },
      testTimeoutMs,
    );

    it(
      'a location with state but no commit is neither listed nor loadable',
      async () => {
        const job = await createJob();
        const location = await job.initializeLocation(1, 'checkpoint');
        const handle = await job.writeState(location, 'state', bytesOf('pending'));
        expect(await job.listCompleted()).toEqual([]);
        await expectCode(() => storage.loadCompletedCheckpoint(location.pointer), ErrorCodes.CHECKPOINT_NOT_FOUND, location.pointer);
        expect(await job.findLatestValid({ onWarning: () => expect.fail('no warning expected') })).toBeUndefined();

        await job.commit(location, { handles: [handle], payload: 1 });
        expect(ids(await job.listCompleted())).toEqual([1]);
        expect((await job.findLatestValid())?.location).toEqual(location);
      },
      testTimeoutMs,
    );

    it(
      'lists the completed checkpoints of its job only, ascending by id',
      async () => {
        const job = await createJob();
        const other = await createJob();
        for (const id of [10, 2, 1, 30]) await completeCheckpoint(job, id, { s: `state ${id}` });
        await completeCheckpoint(other, 5, { s: 'other job' });
        await job.initializeLocation(40, 'checkpoint'); // in flight, not listed
        expect(ids(await job.listCompleted())).toEqual([1, 2, 10, 30]);
        expect(ids(await other.listCompleted())).toEqual([5]);
        for (const location of await job.listCompleted()) expect(location).toMatchObject({ jobId: job.jobId, kind: 'checkpoint' });
        const again = await storage.createJobStorage(job.jobId);
        expect(ids(await again.listCompleted())).toEqual([1, 2, 10, 30]);
      },
      testTimeoutMs,
    );

    it(
      'discard removes a checkpoint; it is safe on a half-written location and when repeated',
      async () => {
        const job = await createJob();
        const first = await completeCheckpoint(job, 1, { s: 'one' });
        const second = await completeCheckpoint(job, 2, { s: 'two' });
        await job.discard(first.location);
        expect(ids(await job.listCompleted())).toEqual([2]);
        await expectCode(() => storage.loadCompletedCheckpoint(first.location.pointer), ErrorCodes.CHECKPOINT_NOT_FOUND);
        await job.discard(first.location);
        expect(textOf(await storage.readState(second.location, second.metadata.handles[0]))).toBe('two');

        const halfWritten = await job.initializeLocation(3, 'checkpoint');
        await job.writeState(halfWritten, 's', bytesOf('three'));
        await job.discard(halfWritten);
        await job.discard(halfWritten);
        expect(ids(await job.listCompleted())).toEqual([2]);
      },
      testTimeoutMs,
    );

    it(
      'removeIfEmpty removes a job directory only once nothing is left in it',
      async () => {
        const job = await createJob();
        const first = await completeCheckpoint(job, 1, { s: 'one' });
        await job.removeIfEmpty();
        expect(ids(await job.listCompleted())).toEqual([1]);
        await job.discard(first.location);
        await job.removeIfEmpty();
        await job.removeIfEmpty();
        expect(await job.listCompleted()).toEqual([]);
        expect(await storage.findLatestValid({ jobId: job.jobId, onWarning: () => undefined })).toBeUndefined();
        // The job's storage works again afterwards (its directories are made anew).
        const again = await storage.createJobStorage(job.jobId);
        await completeCheckpoint(again, 2, { s: 'two' });
        expect(ids(await again.listCompleted())).toEqual([2]);
      },
      testTimeoutMs,
    );

    it(
      'a flipped bit in a state file is detected by readState and by a verified load, naming the file',
      async () => {
        const job = await createJob();
        const completed = await completeCheckpoint(job, 1, { good: 'intact', bad: 'will be damaged' });
        const { pointer } = completed.location;
        const bad = completed.metadata.handles.find((handle) => handle.name === 'bad')!;
        const good = completed.metadata.handles.find((handle) => handle.name === 'good')!;
        await corrupt(pointer, 'bad', 'flip');
        await expectCode(() => storage.readState(completed.location, bad), ErrorCodes.CHECKPOINT_CORRUPT, pointer, 'bad');
        await expectCode(() => storage.loadCompletedCheckpoint(pointer, { verifyChecksums: true }), ErrorCodes.CHECKPOINT_CORRUPT, pointer, 'bad');
        expect(textOf(await storage.readState(completed.location, good))).toBe('intact');
      },
      testTimeoutMs,
    );

    it(
      'a truncated state file is detected by any load and by readState',
      async () => {
        const job = await createJob();
        const completed = await completeCheckpoint(job, 1, { s: 'a state that will be cut in half' });
        const { pointer } = completed.location;
        await corrupt(pointer, 's', 'truncate');
        await expectCode(() => storage.loadCompletedCheckpoint(pointer), ErrorCodes.CHECKPOINT_CORRUPT, pointer, 's');
        await expectCode(() => storage.readState(completed.location, completed.metadata.handles[0]), ErrorCodes.CHECKPOINT_CORRUPT, pointer);
      },
      testTimeoutMs,
    );

    for (const how of ['flip', 'truncate'] as const) {
      it(
        `a ${how === 'flip' ? 'bit-flipped' : 'truncated'} _metadata is detected, naming the file`,
        async () => {
          const job = await createJob();
          const completed = await completeCheckpoint(job, 1, { s: 'state' }, { payload: samplePayload });
          const { pointer } = completed.location;
          await corrupt(pointer, '_metadata', how);
          await expectCode(() => storage.loadCompletedCheckpoint(pointer), ErrorCodes.CHECKPOINT_CORRUPT, pointer, '_metadata');
          // Still listed (it has a _metadata file), but not valid.
          expect(ids(await job.listCompleted())).toEqual([1]);
          expect(await job.findLatestValid({ onWarning: () => undefined })).toBeUndefined();
        },
        testTimeoutMs,
      );
    }

    it(
      'findLatestValid falls back to the previous checkpoint and warns, naming the checkpoint and the problem',
      async () => {
        const job = await createJob();
        await completeCheckpoint(job, 1, { s: 'one' });
        await completeCheckpoint(job, 2, { s: 'two' });
        const third = await completeCheckpoint(job, 3, { s: 'three' });
        expect((await job.findLatestValid())?.location.checkpointId).toBe(3);

        await corrupt(third.location.pointer, 's', 'flip');
        const warnings: { message: string; error: WeirError }[] = [];
        const latest = await job.findLatestValid({ onWarning: (message, error) => warnings.push({ message, error }) });
        expect(latest?.location.checkpointId).toBe(2);
        expect(latest?.metadata.payload).toEqual({ id: 2 });
        expect(textOf(await storage.readState(latest!.location, latest!.metadata.handles[0]))).toBe('two');
        expect(warnings).toHaveLength(1);
        expect(warnings[0].message).toMatch(/checkpoint 3\b/);
        expect(warnings[0].message).toContain(third.location.pointer);
        expect(warnings[0].error.code).toBe(ErrorCodes.CHECKPOINT_CORRUPT);

        const second = (await job.listCompleted())[1];
        await corrupt(second.pointer, '_metadata', 'truncate');
        warnings.length = 0;
        const fallback = await storage.findLatestValid({ jobId: job.jobId, onWarning: (message, error) => warnings.push({ message, error }) });
        expect(fallback?.location.checkpointId).toBe(1);
        expect(warnings.map((warning) => warning.message)).toEqual([expect.stringMatching(/checkpoint 3\b/), expect.stringMatching(/checkpoint 2\b.*_metadata/)]);
      },
      testTimeoutMs,
    );

    it(
      'findLatestValid without checksums skips only what the sizes reveal',
      async () => {
        const job = await createJob();
        await completeCheckpoint(job, 1, { s: 'one' });
        const second = await completeCheckpoint(job, 2, { s: 'two' });
        await corrupt(second.location.pointer, 's', 'truncate');
        const warnings: string[] = [];
        const latest = await job.findLatestValid({ verifyChecksums: false, onWarning: (message) => warnings.push(message) });
        expect(latest?.location.checkpointId).toBe(1);
        expect(warnings).toEqual([expect.stringMatching(/checkpoint 2\b/)]);
      },
      testTimeoutMs,
    );

    it(
      'findLatestValid is undefined for a job without checkpoints, or when none is valid',
      async () => {
        const job = await createJob();
        expect(await job.findLatestValid({ onWarning: () => expect.fail('no warning expected') })).toBeUndefined();
        expect(await storage.findLatestValid({ jobId: newJobId(), onWarning: () => expect.fail('no warning expected') })).toBeUndefined();
        const only = await completeCheckpoint(job, 1, { s: 'one' });
        await corrupt(only.location.pointer, 's', 'flip');
        const warnings: string[] = [];
        expect(await job.findLatestValid({ onWarning: (message) => warnings.push(message) })).toBeUndefined();
        expect(warnings).toHaveLength(1);
      },
      testTimeoutMs,
    );

    it(
      'findLatestValid without a job id searches the job that checkpointed last',
      async () => {
        expect(await storage.findLatestValid({ onWarning: () => expect.fail('no warning expected') })).toBeUndefined();
        const early = await createJob();
        const late = await createJob();
        await completeCheckpoint(early, 1, { s: 'early 1' }, { timestamp: 2000 });
        await completeCheckpoint(late, 1, { s: 'late 1' }, { timestamp: 3000 });
        await completeCheckpoint(early, 2, { s: 'early 2' }, { timestamp: 2500 });
        let latest = await storage.findLatestValid();
        expect(latest?.location).toMatchObject({ jobId: late.jobId, checkpointId: 1 });

        await completeCheckpoint(early, 3, { s: 'early 3' }, { timestamp: 4000 });
        latest = await storage.findLatestValid();
        expect(latest?.location).toMatchObject({ jobId: early.jobId, checkpointId: 3 });
        expect(textOf(await storage.readState(latest!.location, latest!.metadata.handles[0]))).toBe('early 3');
      },
      testTimeoutMs,
    );

    it(
      'shared state survives the discard of a checkpoint that referenced it',
      async () => {
        const job = await createJob();
        const shared = await job.writeSharedState('sst-000001', bytesOf('shared by checkpoints 1 and 2'));
        expect(shared).toMatchObject({ name: 'sst-000001', scope: 'shared', size: 29 });
        const first = await completeCheckpoint(job, 1, { own: 'one' }, { shared: [shared] });
        const second = await completeCheckpoint(job, 2, { own: 'two' }, { shared: [shared] });
        expect(first.metadata.handles).toContainEqual(shared);
        await job.discard(first.location);

        const loaded = await storage.loadCompletedCheckpoint(second.location.pointer, { verifyChecksums: true });
        expect(loaded.metadata.handles).toContainEqual(shared);
        expect(textOf(await storage.readState(second.location, shared))).toBe('shared by checkpoints 1 and 2');
        expect(textOf(await job.readState(second.location.pointer, shared))).toBe('shared by checkpoints 1 and 2');
      },
      testTimeoutMs,
    );

    it(
      'shared state is immutable: the same bytes again are a retry, other bytes a TypeError',
      async () => {
        const job = await createJob();
        const shared = await job.writeSharedState('sst-1', bytesOf('content'));
        expect(await job.writeSharedState('sst-1', bytesOf('content'))).toEqual(shared);
        await expectTypeError(() => job.writeSharedState('sst-1', bytesOf('other content')));
        const completed = await completeCheckpoint(job, 1, {}, { shared: [shared] });
        expect(textOf(await storage.readState(completed.location, shared))).toBe('content');
      },
      testTimeoutMs,
    );

    it(
      'discardSharedState removes shared files; a checkpoint that still references one is then corrupt',
      async () => {
        const job = await createJob();
        const kept = await job.writeSharedState('kept', bytesOf('kept'));
        const dropped = await job.writeSharedState('dropped', bytesOf('dropped'));
        const completed = await completeCheckpoint(job, 1, {}, { shared: [kept, dropped] });
        await job.discardSharedState([dropped]);
        await job.discardSharedState([dropped]);
        await expectCode(() => storage.loadCompletedCheckpoint(completed.location.pointer), ErrorCodes.CHECKPOINT_CORRUPT, 'dropped');
        await expectCode(() => storage.readState(completed.location, dropped), ErrorCodes.CHECKPOINT_CORRUPT, 'dropped');
        expect(textOf(await storage.readState(completed.location, kept))).toBe('kept');
        const location = await job.initializeLocation(2, 'checkpoint');
        await expectCode(() => job.commit(location, { handles: [dropped], payload: null }), ErrorCodes.CHECKPOINT_STORAGE_FAILED, 'dropped');
      },
      testTimeoutMs,
    );

    it(
      'two checkpoints in flight at once, committed out of order',
      async () => {
        const job = await createJob();
        const [one, two] = await Promise.all([job.initializeLocation(1, 'checkpoint'), job.initializeLocation(2, 'checkpoint')]);
        expect(one.pointer).not.toBe(two.pointer);
        const [a0, b0, a1, b1] = await Promise.all([
          job.writeState(one, 'op-0', bytesOf('one, subtask 0')),
          job.writeState(two, 'op-0', bytesOf('two, subtask 0')),
          job.writeState(one, 'op-1', bytesOf('one, subtask 1')),
          job.writeState(two, 'op-1', bytesOf('two, subtask 1')),
        ]);
        await job.commit(two, { handles: [b0, b1], payload: 'two' });
        expect(ids(await job.listCompleted())).toEqual([2]);
        await job.commit(one, { handles: [a0, a1], payload: 'one' });
        expect(ids(await job.listCompleted())).toEqual([1, 2]);
        expect(textOf(await storage.readState(one, a1))).toBe('one, subtask 1');
        expect(textOf(await storage.readState(two, b0))).toBe('two, subtask 0');
        expect((await storage.loadCompletedCheckpoint(one.pointer, { verifyChecksums: true })).metadata.payload).toBe('one');
        expect((await job.findLatestValid())?.metadata.payload).toBe('two');
      },
      testTimeoutMs,
    );

    it(
      'savepoints get their own directory, are self-contained, are not listed, and load from their pointer',
      async () => {
        const job = await createJob();
        const target = await savepointTarget();
        const location = await job.initializeLocation(7, 'savepoint', target);
        expect(location).toMatchObject({ jobId: job.jobId, checkpointId: 7, kind: 'savepoint' });
        expect(location.pointer).toMatch(new RegExp(`savepoint-${escapeRegExp(job.jobId.slice(0, 6))}-[0-9a-f]{12}$`));
        const another = await job.initializeLocation(7, 'savepoint', target);
        expect(another.pointer).not.toBe(location.pointer);

        const handle = await job.writeState(location, 'op-0', bytesOf('savepoint state'));
        const shared = await job.writeSharedState('sst', bytesOf('shared'));
        await expectTypeError(() => job.commit(location, { handles: [handle, shared], payload: null }));
        await job.commit(location, { timestamp: 99, handles: [handle], payload: { savepoint: true } });

        expect(await job.listCompleted()).toEqual([]);
        expect(await job.findLatestValid({ onWarning: () => expect.fail('no warning expected') })).toBeUndefined();
        const loaded = await storage.loadCompletedCheckpoint(location.pointer, { verifyChecksums: true });
        expect(loaded.location).toEqual(location);
        expect(loaded.metadata).toMatchObject({ kind: 'savepoint', checkpointId: 7, jobId: job.jobId, timestamp: 99, payload: { savepoint: true } });
        expect(textOf(await storage.readState(`${location.pointer}/_metadata`, handle))).toBe('savepoint state');

        await job.discard(another);
        await job.discard(location);
        await expectCode(() => storage.loadCompletedCheckpoint(location.pointer), ErrorCodes.CHECKPOINT_NOT_FOUND);
      },
      testTimeoutMs,
    );

    it(
      'commit refuses missing state files and a second commit',
      async () => {
        const job = await createJob();
        const location = await job.initializeLocation(1, 'checkpoint');
        const written = await job.writeState(location, 'written', bytesOf('here'));
        const ghost: StateHandle = { name: 'never-written', size: 3, checksum: 1, scope: 'exclusive' };
        await expectCode(() => job.commit(location, { handles: [written, ghost], payload: null }), ErrorCodes.CHECKPOINT_STORAGE_FAILED, 'never-written');
        const wrongSize: StateHandle = { ...written, size: written.size + 1 };
        await expectCode(() => job.commit(location, { handles: [wrongSize], payload: null }), ErrorCodes.CHECKPOINT_STORAGE_FAILED, 'written');
        expect(await job.listCompleted()).toEqual([]);
        await job.commit(location, { handles: [written], payload: null });
        await expectCode(() => job.commit(location, { handles: [written], payload: null }), ErrorCodes.CHECKPOINT_STORAGE_FAILED);
        expect(ids(await job.listCompleted())).toEqual([1]);
      },
      testTimeoutMs,
    );

    it(
      'initializing an id again clears an uncompleted attempt but refuses a completed checkpoint',
      async () => {
        const job = await createJob();
        const attempt = await job.initializeLocation(1, 'checkpoint');
        const stale = await job.writeState(attempt, 'stale', bytesOf('from a crashed attempt'));
        const location = await job.initializeLocation(1, 'checkpoint');
        expect(location).toEqual(attempt);
        const fresh = await job.writeState(location, 'fresh', bytesOf('new'));
        await expectCode(() => job.commit(location, { handles: [stale, fresh], payload: null }), ErrorCodes.CHECKPOINT_STORAGE_FAILED, 'stale');
        await job.commit(location, { handles: [fresh], payload: null });
        await expectCode(() => storage.readState(location, stale), ErrorCodes.CHECKPOINT_CORRUPT, 'stale');
        await expectCode(() => job.initializeLocation(1, 'checkpoint'), ErrorCodes.CHECKPOINT_STORAGE_FAILED);
        await job.discard(location);
        await job.initializeLocation(1, 'checkpoint');
      },
      testTimeoutMs,
    );

    it(
      'rejects invalid input with TypeError',
      async () => {
        for (const jobId of ['', 'a/b', '_hidden', '../up', 'x.tmp', 42]) await expectTypeError(() => storage.createJobStorage(jobId as string));
        const job = await createJob();
        const other = await createJob();
        for (const id of [-1, 1.5, Number.NaN, '1']) await expectTypeError(() => job.initializeLocation(id as number, 'checkpoint'));
        await expectTypeError(() => job.initializeLocation(1, 'snapshot' as 'checkpoint'));
        await expectTypeError(() => job.initializeLocation(1, 'checkpoint', 'somewhere'));
        const location = await job.initializeLocation(1, 'checkpoint');
        for (const stateName of ['', '_metadata', 'a/b', '..', 'x.tmp', 'a\\b']) {
          await expectTypeError(() => job.writeState(location, stateName, bytesOf('x')));
        }
        await expectTypeError(() => job.writeState(location, 'ok', 'not bytes' as unknown as Uint8Array));
        await expectTypeError(() => other.writeState(location, 'ok', bytesOf('x')));
        await expectTypeError(() => job.writeState({ ...location, checkpointId: 2 }, 'ok', bytesOf('x')));
        const handle = await job.writeState(location, 'ok', bytesOf('x'));
        await expectTypeError(() => job.commit(location, { handles: [handle, handle], payload: null }));
        await expectTypeError(() => job.commit(location, { handles: [{ ...handle, size: -1 }], payload: null }));
        await expectTypeError(() => job.commit(location, { handles: 'none' as unknown as StateHandle[], payload: null }));
        await expectTypeError(() => job.discardSharedState([handle]));
        await expectTypeError(() => storage.readState(location, { name: 'ok' } as StateHandle));
        await expectTypeError(() => storage.loadCompletedCheckpoint(''));
      },
      testTimeoutMs,
    );

    it(
      'loading where nothing is completed is CHECKPOINT_NOT_FOUND naming the place',
      async () => {
        const job = await createJob();
        const completed = await completeCheckpoint(job, 1, { s: 'x' });
        const missing = `${completed.location.pointer}-missing`;
        await expectCode(() => storage.loadCompletedCheckpoint(missing), ErrorCodes.CHECKPOINT_NOT_FOUND, missing);
        await job.discard(completed.location);
        await expectCode(() => storage.loadCompletedCheckpoint(completed.location.pointer), ErrorCodes.CHECKPOINT_NOT_FOUND, completed.location.pointer);
      },
      testTimeoutMs,
    );

    it(
      'close is safe twice; afterwards every method rejects with CHECKPOINT_STORAGE_FAILED',
      async () => {
        const job = await createJob();
        const completed = await completeCheckpoint(job, 1, { s: 'x' });
        await Promise.all([storage.close(), storage.close()]);
        await storage.close();
        expect(storage.status).toBe('closed');
        await expectCode(() => job.initializeLocation(2, 'checkpoint'), ErrorCodes.CHECKPOINT_STORAGE_FAILED);
        await expectCode(() => job.listCompleted(), ErrorCodes.CHECKPOINT_STORAGE_FAILED);
        await expectCode(() => storage.createJobStorage(newJobId()), ErrorCodes.CHECKPOINT_STORAGE_FAILED);
        await expectCode(() => storage.loadCompletedCheckpoint(completed.location.pointer), ErrorCodes.CHECKPOINT_STORAGE_FAILED);
        await expectCode(() => storage.findLatestValid(), ErrorCodes.CHECKPOINT_STORAGE_FAILED);
      },
      testTimeoutMs,
    );
  });
}
