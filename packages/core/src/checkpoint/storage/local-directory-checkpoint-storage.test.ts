import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCodes, WeirError } from '../../errors.js';
import { checkpointStorageConformanceSuite, corruptCheckpointBytes } from '../../testing/checkpoint-storage-conformance.js';
import { DEFAULT_LOCAL_CHECKPOINT_DIRECTORY, LocalDirectoryCheckpointStorage } from './local-directory-checkpoint-storage.js';

let root = '';
let counter = 0;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'weir-checkpoint-storage-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A fresh, not yet existing directory under the test root. */
const freshDirectory = (label: string): string => path.join(root, `${label}-${++counter}`);

const corrupt = async (pointer: string, fileName: string, how: 'truncate' | 'flip'): Promise<void> => {
  const file = path.join(pointer, fileName);
  await writeFile(file, corruptCheckpointBytes(await readFile(file), how));
};

checkpointStorageConformanceSuite('local directory', {
  create: () => new LocalDirectoryCheckpointStorage(freshDirectory('base'), { savepointDirectory: freshDirectory('savepoints') }),
  corrupt,
});

checkpointStorageConformanceSuite('local directory, file:// URI and explicit savepoint directories', {
  create: () => new LocalDirectoryCheckpointStorage(pathToFileURL(freshDirectory('uri-base')).href),
  corrupt,
  savepointDirectory: () => pathToFileURL(freshDirectory('target')).href,
});

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (data: Uint8Array): string => new TextDecoder().decode(data);

async function rejection(promise: Promise<unknown>): Promise<WeirError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WeirError);
  return error as WeirError;
}

describe('LocalDirectoryCheckpointStorage', () => {
  it('is named local-directory, durable, and defaults to <cwd>/.weir/checkpoints', () => {
    const storage = new LocalDirectoryCheckpointStorage();
    expect(storage.name).toBe('local-directory');
    expect(storage.supports.durable).toBe(true);
    expect(DEFAULT_LOCAL_CHECKPOINT_DIRECTORY).toBe(path.join('.weir', 'checkpoints'));
    expect(storage.directory).toBe(path.resolve('.weir', 'checkpoints'));
    expect(new LocalDirectoryCheckpointStorage('rel/dir').directory).toBe(path.resolve('rel/dir'));
    expect(new LocalDirectoryCheckpointStorage(pathToFileURL(path.join(root, 'x'))).directory).toBe(path.join(root, 'x'));
    expect(() => new LocalDirectoryCheckpointStorage('memory://')).toThrow(TypeError);
    expect(() => new LocalDirectoryCheckpointStorage('')).toThrow(TypeError);
  });

  it('lays checkpoints out as <base>/<jobId>/chk-<n>/_metadata, shared state in <base>/<jobId>/shared', async () => {
    const base = freshDirectory('layout');
    const storage = new LocalDirectoryCheckpointStorage(base);
    const job = await storage.createJobStorage('f3a9c2d1e0');
    expect(await readdir(path.join(base, 'f3a9c2d1e0'))).toEqual(['shared']);
    const location = await job.initializeLocation(12, 'checkpoint');
    expect(location.pointer).toBe(path.join(base, 'f3a9c2d1e0', 'chk-12'));
    const own = await job.writeState(location, 'map-1-0', bytes('own'));
    const shared = await job.writeSharedState('sst-1', bytes('shared'));
    await job.commit(location, { handles: [own, shared], payload: null });
    expect((await readdir(location.pointer)).sort()).toEqual(['_metadata', 'map-1-0']);
    expect(await readdir(path.join(base, 'f3a9c2d1e0', 'shared'))).toEqual(['sst-1']);
    expect((await readFile(path.join(location.pointer, 'map-1-0'))).subarray(0, 4).toString()).toBe('WCKP');
    expect((await readFile(path.join(location.pointer, 'map-1-0'))).length).toBe(24 + 3);

    const target = freshDirectory('savepoints');
    const savepoint = await job.initializeLocation(13, 'savepoint', target);
    expect(path.dirname(savepoint.pointer)).toBe(target);
    expect(path.basename(savepoint.pointer)).toMatch(/^savepoint-f3a9c2-[0-9a-f]{12}$/);
  });

  it('a crash between the state files and _metadata leaves no completed checkpoint; a new process resumes from the previous one', async () => {
    const base = freshDirectory('crash');
    const before = new LocalDirectoryCheckpointStorage(base);
    const job = await before.createJobStorage('job1');
    const first = await job.initializeLocation(1, 'checkpoint');
    await job.commit(first, { handles: [await job.writeState(first, 's', bytes('one'))], payload: 1 });
    const second = await job.initializeLocation(2, 'checkpoint');
    await job.writeState(second, 's', bytes('two'));
    await job.writeState(second, 't', bytes('two, other task'));
    // The process dies here: the state files are on disk, _metadata is not. A torn temporary _metadata is left too.
    await writeFile(path.join(second.pointer, '_metadata.1f2e3d4c.tmp'), bytes('WCKP torn'));

    const after = new LocalDirectoryCheckpointStorage(base);
    const resumed = await after.createJobStorage('job1');
    expect((await resumed.listCompleted()).map((l) => l.checkpointId)).toEqual([1]);
    expect((await rejection(after.loadCompletedCheckpoint(second.pointer))).code).toBe(ErrorCodes.CHECKPOINT_NOT_FOUND);
    const latest = await after.findLatestValid({ onWarning: () => expect.fail('no warning expected') });
    expect(latest?.location).toEqual(first);
    expect(text(await after.readState(latest!.location, latest!.metadata.handles[0]))).toBe('one');
    // The coordinator continues with id 2: the leftovers are cleared.
    const retry = await resumed.initializeLocation(2, 'checkpoint');
    expect(await readdir(retry.pointer)).toEqual([]);
  });

  it('ignores a _metadata.tmp left behind, even a complete one', async () => {
    const base = freshDirectory('tmp');
    const storage = new LocalDirectoryCheckpointStorage(base);
    const job = await storage.createJobStorage('job1');
    const location = await job.initializeLocation(1, 'checkpoint');
    await job.commit(location, { handles: [await job.writeState(location, 's', bytes('x'))], payload: null });
    const pending = await job.initializeLocation(2, 'checkpoint');
    await cp(path.join(location.pointer, 's'), path.join(pending.pointer, 's'));
    await cp(path.join(location.pointer, '_metadata'), path.join(pending.pointer, '_metadata.tmp'));
    expect((await job.listCompleted()).map((l) => l.checkpointId)).toEqual([1]);
    const error = await rejection(storage.loadCompletedCheckpoint(pending.pointer));
    expect(error.code).toBe(ErrorCodes.CHECKPOINT_NOT_FOUND);
    expect(error.message).toContain('no _metadata file');
  });

  it('a new instance over the same directory lists and loads earlier completed checkpoints', async () => {
    const base = freshDirectory('reopen');
    const first = new LocalDirectoryCheckpointStorage(base);
    const job = await first.createJobStorage('job1');
    for (const id of [1, 2, 3]) {
      const location = await job.initializeLocation(id, 'checkpoint');
      await job.commit(location, { timestamp: id, handles: [await job.writeState(location, 's', bytes(`state ${id}`))], payload: { id } });
    }
    await first.close();

    const second = new LocalDirectoryCheckpointStorage(pathToFileURL(base));
    const reopened = await second.createJobStorage('job1');
    expect((await reopened.listCompleted()).map((l) => l.checkpointId)).toEqual([1, 2, 3]);
    const latest = await second.findLatestValid();
    expect(latest?.metadata).toMatchObject({ jobId: 'job1', checkpointId: 3, payload: { id: 3 } });
    const loaded = await second.loadCompletedCheckpoint(path.join(base, 'job1', 'chk-2'), { verifyChecksums: true });
    expect(text(await second.readState(loaded.location, loaded.metadata.handles[0]))).toBe('state 2');
  });

  it('loads from a path to the directory or its _metadata, absolute, relative or as a file:// URI', async () => {
    const base = freshDirectory('pointers');
    const storage = new LocalDirectoryCheckpointStorage(base);
    const job = await storage.createJobStorage('job1');
    const location = await job.initializeLocation(1, 'checkpoint');
    await job.commit(location, { handles: [], payload: 'p' });
    for (const pointer of [
      location.pointer,
      `${location.pointer}${path.sep}`,
      path.join(location.pointer, '_metadata'),
      path.relative(process.cwd(), location.pointer),
      pathToFileURL(location.pointer).href,
      pathToFileURL(path.join(location.pointer, '_metadata')).href,
    ]) {
      const loaded = await storage.loadCompletedCheckpoint(pointer);
      expect(loaded.location, pointer).toEqual(location);
    }
    const foreign = await rejection(storage.loadCompletedCheckpoint('memory://job1/chk-1'));
    expect(foreign.code).toBe(ErrorCodes.CHECKPOINT_NOT_FOUND);
    expect(foreign.message).toContain('memory://job1/chk-1');
  });

  it('pointing at a job directory says which checkpoint directories it holds', async () => {
    const base = freshDirectory('hint');
    const storage = new LocalDirectoryCheckpointStorage(base);
    const job = await storage.createJobStorage('job1');
    for (const id of [4, 5]) await job.commit(await job.initializeLocation(id, 'checkpoint'), { handles: [], payload: null });
    const error = await rejection(storage.loadCompletedCheckpoint(path.join(base, 'job1')));
    expect(error.code).toBe(ErrorCodes.CHECKPOINT_NOT_FOUND);
    expect(error.message).toContain('chk-4, chk-5');
    const missing = await rejection(storage.loadCompletedCheckpoint(path.join(base, 'nothing-here')));
    expect(missing.message).toMatch(/nothing-here: no such directory/);
  });

  it('a savepoint can be moved: its state travels with it', async () => {
    const storage = new LocalDirectoryCheckpointStorage(freshDirectory('base'));
    const job = await storage.createJobStorage('job1');
    const location = await job.initializeLocation(3, 'savepoint', freshDirectory('target'));
    const handle = await job.writeState(location, 'op-0', bytes('portable'));
    await job.commit(location, { handles: [handle], payload: null });
    const moved = path.join(freshDirectory('moved'), 'my-savepoint');
    await mkdir(path.dirname(moved));
    await rename(location.pointer, moved);
    const loaded = await storage.loadCompletedCheckpoint(moved, { verifyChecksums: true });
    expect(loaded.location).toEqual({ ...location, pointer: moved });
    expect(text(await storage.readState(moved, handle))).toBe('portable');
  });

  it('a checkpoint directory copied to another id is not trusted', async () => {
    const base = freshDirectory('copied');
    const storage = new LocalDirectoryCheckpointStorage(base);
    const job = await storage.createJobStorage('job1');
    const location = await job.initializeLocation(1, 'checkpoint');
    await job.commit(location, { handles: [], payload: null });
    await cp(location.pointer, path.join(base, 'job1', 'chk-9'), { recursive: true });
    const warnings: string[] = [];
    const latest = await job.findLatestValid({ onWarning: (message) => warnings.push(message) });
    expect(latest?.location.checkpointId).toBe(1);
    expect(warnings).toEqual([expect.stringMatching(/checkpoint 9\b.*describes checkpoint 1 of job job1/)]);
  });

  it('ignores stray entries in the base and job directories', async () => {
    const base = freshDirectory('stray');
    const storage = new LocalDirectoryCheckpointStorage(base);
    const job = await storage.createJobStorage('job1');
    await job.commit(await job.initializeLocation(1, 'checkpoint'), { handles: [], payload: null });
    await writeFile(path.join(base, 'notes.txt'), 'x');
    await writeFile(path.join(base, 'job1', 'chk-2'), 'a file, not a directory');
    await mkdir(path.join(base, 'job1', 'chk-x'));
    await mkdir(path.join(base, '.hidden', 'chk-1'), { recursive: true });
    expect((await job.listCompleted()).map((l) => l.checkpointId)).toEqual([1]);
    expect((await storage.findLatestValid())?.location.jobId).toBe('job1');
  });

  it('reports file system failures as CHECKPOINT_STORAGE_FAILED', async () => {
    const base = freshDirectory('failure');
    await writeFile(base, 'a file where the base directory should be');
    const error = await rejection(new LocalDirectoryCheckpointStorage(base).createJobStorage('job1'));
    expect(error.code).toBe(ErrorCodes.CHECKPOINT_STORAGE_FAILED);
    expect(error.message).toContain(base);
    expect(error.cause).toBeInstanceOf(Error);
  });
});
