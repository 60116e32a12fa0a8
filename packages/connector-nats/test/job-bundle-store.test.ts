/** Job bundles by content hash in a real JetStream object store. */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Objm } from '@nats-io/obj';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleHash, JobBundleStore } from '../src/index.js';
import { NatsServer } from '../src/testing/index.js';

let server: NatsServer;
let nc: NatsConnection;
beforeAll(async () => {
  server = await NatsServer.start();
  nc = await connect({ servers: server.url });
});
afterAll(async () => {
  await nc?.close();
  await server?.dispose();
});

describe('JobBundleStore', () => {
  it('stores a bundle once under its hash and gives back exactly its bytes, from another store object too', async () => {
    const bytes = new TextEncoder().encode('export default 42;\n'.repeat(10_000));
    const store = new JobBundleStore(nc, { bucket: 'bundles-a' });
    const hash = await store.put(bytes);
    expect(hash).toBe(bundleHash(bytes));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await store.put(bytes)).toBe(hash);
    const objects = await (await new Objm(nc).open('bundles-a')).list();
    expect(objects.filter((o) => !o.deleted)).toHaveLength(1);
    expect(await new JobBundleStore(nc, { bucket: 'bundles-a' }).get(hash)).toEqual(bytes);
  });

  it('a missing bundle, a changed bundle and a bad hash are clear errors', async () => {
    const store = new JobBundleStore(nc, { bucket: 'bundles-b' });
    const hash = await store.put(new TextEncoder().encode('the real job'));
    await expect(store.get('0'.repeat(64))).rejects.toMatchObject({ code: 'WEIR_JOB_BUNDLE_NOT_FOUND' });
    await (await new Objm(nc).open('bundles-b')).putBlob({ name: hash }, new TextEncoder().encode('a tampered job'));
    await expect(store.get(hash)).rejects.toMatchObject({ code: 'WEIR_JOB_BUNDLE_CORRUPT', message: expect.stringMatching(/it was changed/) });
    await expect(store.get('../etc/passwd')).rejects.toThrow(TypeError);
  });
});
