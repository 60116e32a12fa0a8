/** Job metadata in a real JetStream key-value bucket: records, compare-and-set updates, a server restart. */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobMetadataStore, type JobRecord } from '../src/index.js';
import { NatsServer } from '../src/testing/index.js';

let server: NatsServer;
let nc: NatsConnection;
beforeAll(async () => {
  server = await NatsServer.start();
  nc = await connect({ servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
});
afterAll(async () => {
  await nc?.close();
  await server?.dispose();
});

const record = (jobId: string): JobRecord => ({ jobId, jobName: `job ${jobId}`, bundle: 'a'.repeat(64), parallelism: 2, status: 'RUNNING', submittedAt: 1000 });

describe('JobMetadataStore', () => {
  it('records, lists and updates jobs; the checkpoint pointer only moves forward; a duplicate id is refused', async () => {
    const store = new JobMetadataStore(nc, { bucket: 'jobs-a' });
    await store.create(record('j1'));
    await store.create(record('j2'));
    await expect(store.create(record('j1'))).rejects.toMatchObject({ code: 'WEIR_JOB_METADATA_INVALID', message: expect.stringMatching(/job j1 exists already/) });
    await store.recordCheckpoint('j1', 5, 'nats-object://cp/j1/chk-5');
    await store.recordCheckpoint('j1', 3, 'nats-object://cp/j1/chk-3');
    expect((await store.get('j1'))?.latestCheckpoint).toEqual({ checkpointId: 5, pointer: 'nats-object://cp/j1/chk-5' });
    await store.update('j2', (r) => ({ ...r, status: 'FINISHED' }));
    expect((await store.list()).map((r) => `${r.jobId}:${r.status}`)).toEqual(['j1:RUNNING', 'j2:FINISHED']);
    expect(await store.update('nope', (r) => r)).toBeUndefined();
    await store.remove('j2');
    expect((await store.list()).map((r) => r.jobId)).toEqual(['j1']);
  });

  it('concurrent writers do not lose each other\'s changes (compare-and-set)', async () => {
    const a = new JobMetadataStore(nc, { bucket: 'jobs-b' });
    const b = new JobMetadataStore(nc, { bucket: 'jobs-b' });
    await a.create(record('j'));
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).update('j', (r) => ({ ...r, parallelism: r.parallelism + 1 }))));
    expect((await a.get('j'))?.parallelism).toBe(22);
  });

  it('keeps its records across a server restart, and reports a malformed record clearly', async () => {
    const store = new JobMetadataStore(nc, { bucket: 'jobs-c' });
    await store.create(record('survivor'));
    await server.restart();
    for (let attempt = 0; ; attempt++) {
      try {
        expect((await new JobMetadataStore(nc, { bucket: 'jobs-c' }).get('survivor'))?.jobName).toBe('job survivor');
        break;
      } catch (error) {
        if (attempt > 100) throw error;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const kv = await new Kvm(nc).open('jobs-c');
    await kv.put('broken', new TextEncoder().encode('{not msgpack of a record'));
    await expect(store.get('broken')).rejects.toMatchObject({ code: 'WEIR_JOB_METADATA_INVALID', message: expect.stringMatching(/job broken/) });
    await expect(store.get('../x')).rejects.toThrow(TypeError);
  });
});
