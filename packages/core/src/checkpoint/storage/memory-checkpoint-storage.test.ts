import { describe, expect, it } from 'vitest';
import { ErrorCodes, WeirError } from '../../errors.js';
import { checkpointStorageConformanceSuite, corruptCheckpointBytes } from '../../testing/checkpoint-storage-conformance.js';
import { MemoryCheckpointStorage } from './memory-checkpoint-storage.js';

let files = new Map<string, Uint8Array>();

checkpointStorageConformanceSuite('memory', {
  create: () => new MemoryCheckpointStorage({ files: (files = new Map()), savepointDirectory: 'memory://savepoints' }),
  corrupt: (pointer, fileName, how) => {
    const key = `${pointer}/${fileName}`;
    const bytes = files.get(key);
    if (bytes === undefined) throw new Error(`no file ${key}`);
    files.set(key, corruptCheckpointBytes(bytes, how));
  },
});

checkpointStorageConformanceSuite('memory, explicit savepoint directories', {
  create: () => new MemoryCheckpointStorage({ files: (files = new Map()) }),
  corrupt: (pointer, fileName, how) => void files.set(`${pointer}/${fileName}`, corruptCheckpointBytes(files.get(`${pointer}/${fileName}`)!, how)),
  savepointDirectory: () => 'memory://elsewhere/savepoints/',
});

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('MemoryCheckpointStorage', () => {
  it('is named memory and not durable', () => {
    const storage = new MemoryCheckpointStorage();
    expect(storage.name).toBe('memory');
    expect(storage.supports.durable).toBe(false);
  });

  it('uses pointers memory://<jobId>/chk-<n> and keeps files by pointer', async () => {
    const storage = new MemoryCheckpointStorage();
    const job = await storage.createJobStorage('job1');
    const location = await job.initializeLocation(4, 'checkpoint');
    expect(location.pointer).toBe('memory://job1/chk-4');
    const handle = await job.writeState(location, 'op-0', bytes('state'));
    const shared = await job.writeSharedState('sst-1', bytes('shared'));
    await job.commit(location, { handles: [handle, shared], payload: null });
    expect([...storage.files.keys()].sort()).toEqual(['memory://job1/chk-4/_metadata', 'memory://job1/chk-4/op-0', 'memory://job1/shared/sst-1']);
    const savepoint = await job.initializeLocation(5, 'savepoint', 'memory://sp');
    expect(savepoint.pointer).toMatch(/^memory:\/\/sp\/savepoint-job1-[0-9a-f]{12}$/);
  });

  it('copies bytes in and out, so callers may reuse their buffers', async () => {
    const storage = new MemoryCheckpointStorage();
    const job = await storage.createJobStorage('job1');
    const location = await job.initializeLocation(1, 'checkpoint');
    const buffer = bytes('original');
    const handle = await job.writeState(location, 's', buffer);
    buffer.fill(0);
    await job.commit(location, { handles: [handle], payload: null });
    const read = await storage.readState(location, handle);
    read.fill(0);
    expect(new TextDecoder().decode(await storage.readState(location, handle))).toBe('original');
  });

  it('storages sharing one files map see each other\'s checkpoints; separate ones do not', async () => {
    const shared = new Map<string, Uint8Array>();
    const first = new MemoryCheckpointStorage({ files: shared });
    const job = await first.createJobStorage('job1');
    const location = await job.initializeLocation(1, 'checkpoint');
    await job.commit(location, { handles: [], payload: 'hello' });
    await first.close();
    const second = new MemoryCheckpointStorage({ files: shared });
    expect((await second.findLatestValid())?.metadata.payload).toBe('hello');
    const separate = new MemoryCheckpointStorage();
    const error = await separate.loadCompletedCheckpoint(location.pointer).catch((e: unknown) => e);
    expect((error as WeirError).code).toBe(ErrorCodes.CHECKPOINT_NOT_FOUND);
  });

  it('cannot read other addresses, and accepts only a Map of files', async () => {
    const storage = new MemoryCheckpointStorage();
    const error = await storage.loadCompletedCheckpoint('/tmp/chk-1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WeirError);
    expect((error as WeirError).code).toBe(ErrorCodes.CHECKPOINT_NOT_FOUND);
    expect((error as Error).message).toContain('/tmp/chk-1');
    expect(() => new MemoryCheckpointStorage({ files: {} as Map<string, Uint8Array> })).toThrow(TypeError);
    expect(() => new MemoryCheckpointStorage({ savepointDirectory: '' })).toThrow(TypeError);
  });

  it('a savepoint needs a target directory when none is configured', async () => {
    const job = await new MemoryCheckpointStorage().createJobStorage('job1');
    await expect(job.initializeLocation(1, 'savepoint')).rejects.toThrow(TypeError);
    await expect(job.initializeLocation(1, 'savepoint', '/not/memory')).rejects.toThrow(TypeError);
  });
});
