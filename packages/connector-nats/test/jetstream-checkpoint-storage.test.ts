/**
 * `JetStreamCheckpointStorage` against a real nats-server with JetStream: core's checkpoint storage conformance suite,
 * checkpoints that survive a server restart, and a job that recovers from checkpoints kept in the object store.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Objm } from '@nats-io/obj';
import { DataGeneratorSource, RateLimiterStrategy, RestartStrategies, StreamExecutionEnvironment, WatermarkStrategy } from '@weir/core';
import { checkpointStorageConformanceSuite, corruptCheckpointBytes } from '@weir/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JetStreamCheckpointStorage } from '../src/index.js';
import { NatsServer } from '../src/testing/index.js';

let server: NatsServer;
let connection: NatsConnection;
let buckets = 0;
beforeAll(async () => {
  server = await NatsServer.start();
  connection = await connect({ servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
});
afterAll(async () => {
  await connection?.close();
  await server?.dispose();
});

let bucket = '';
checkpointStorageConformanceSuite('jetstream object store', {
  create: () => new JetStreamCheckpointStorage(connection, { bucket: (bucket = `conformance-${++buckets}`), savepointDirectory: `nats-object://${bucket}/savepoints` }),
  corrupt: async (pointer, fileName, how) => {
    const store = await new Objm(connection).open(bucket);
    const name = `${pointer.slice(`nats-object://${bucket}/`.length)}/${fileName}`;
    const bytes = await store.getBlob(name);
    if (bytes === null) throw new Error(`no object ${name}`);
    await store.putBlob({ name }, corruptCheckpointBytes(bytes, how));
  },
  testTimeoutMs: 30_000,
});

describe('JetStreamCheckpointStorage', () => {
  it('keeps completed checkpoints across a server restart, and a new storage object finds the newest', async () => {
    const storage = new JetStreamCheckpointStorage(connection, { bucket: 'restart-test' });
    const job = await storage.createJobStorage('job1');
    for (const id of [1, 2]) {
      const location = await job.initializeLocation(id, 'checkpoint');
      const handle = await job.writeState(location, 'task', new TextEncoder().encode(`state ${id}`));
      await job.commit(location, { timestamp: 1000 + id, handles: [handle], payload: { id } });
    }
    await server.restart();
    // The client reconnects and JetStream recovers its streams: wait until the bucket answers again.
    for (let attempt = 0; ; attempt++) {
      try {
        await (await new Objm(connection).open('restart-test')).status();
        break;
      } catch (error) {
        if (attempt > 100) throw error;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const again = new JetStreamCheckpointStorage(connection, { bucket: 'restart-test' });
    const latest = await again.findLatestValid({ onWarning: () => undefined });
    expect(latest?.location.checkpointId).toBe(2);
    expect(new TextDecoder().decode(await again.readState(latest!.location, latest!.metadata.handles[0]))).toBe('state 2');
    expect(latest!.location.pointer).toBe('nats-object://restart-test/job1/chk-2');
  });

  it('a job with checkpoints in the object store recovers from a failure with exact results', async () => {
    const storage = new JetStreamCheckpointStorage(connection, { bucket: 'job-test' });
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
    env.enableCheckpointing(50);
    env.getCheckpointConfig().setCheckpointStorage(storage);
    env.setRestartStrategy(RestartStrategies.fixedDelayRestart(3, 50));
    let failed = false;
    let checkpointsSeen = 0;
    const sums = new Map<number, number>();
    env
      .fromSource(new DataGeneratorSource((i) => i, 2000, RateLimiterStrategy.perSecond(4000)), WatermarkStrategy.noWatermarks(), 'numbers')
      .setParallelism(1)
      .uid('numbers')
      .map({
        map(i: number) {
          if (!failed && i === 1200 && checkpointsSeen > 0) {
            failed = true;
            throw new Error('injected');
          }
          return [i % 4, i] as [number, number];
        },
        notifyCheckpointComplete() {
          checkpointsSeen++;
        },
      })
      .setParallelism(1)
      .keyBy((t) => t[0])
      .sum(1)
      .uid('sums')
      .addSink((t) => {
        sums.set(t[0], t[1]);
      });
    await env.execute('object store checkpoints');
    expect(failed).toBe(true);
    for (let k = 0; k < 4; k++) {
      let expected = 0;
      for (let i = k; i < 2000; i += 4) expected += i;
      expect(sums.get(k)).toBe(expected);
    }
  });
});
