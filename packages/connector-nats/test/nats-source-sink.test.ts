/** Core NATS in and out (at-most-once): a job at parallelism 2 reads a subject in one queue group and publishes. */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { StreamExecutionEnvironment, WatermarkStrategy } from '@weir/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NatsSink, NatsSource } from '../src/index.js';
import { NatsServer } from '../src/testing/index.js';

let server: NatsServer;
let nc: NatsConnection;
beforeAll(async () => {
  server = await NatsServer.start({ jetstream: false });
  nc = await connect({ servers: server.url });
});
afterAll(async () => {
  await nc?.close();
  await server?.dispose();
});

describe('NatsSource and NatsSink', () => {
  it('each message published while the job runs comes out once (the subtasks share one queue group)', async () => {
    const out: string[] = [];
    const sub = nc.subscribe('core.out', {
      callback: (_e, m) => {
        out.push(m.string());
      },
    });
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
    env
      .fromSource(new NatsSource(nc, { subject: 'core.in' }), WatermarkStrategy.noWatermarks(), 'in')
      .map((s: string) => s.toUpperCase())
      .sinkTo(new NatsSink<string>(nc, { subject: 'core.out' }));
    const client = await env.executeAsync('core nats');
    try {
      // At-most-once: what is published before the subscriptions exist is lost; wait until a probe comes through.
      for (let i = 0; !out.includes(`PROBE-${i - 1}`) || i < 1; i++) {
        nc.publish('core.in', `probe-${i}`);
        await new Promise((r) => setTimeout(r, 50));
        if (i > 100) throw new Error('the job never subscribed');
      }
      for (let i = 0; i < 200; i++) nc.publish('core.in', `m-${i}`);
      const deadline = Date.now() + 5000;
      while (out.filter((s) => s.startsWith('M-')).length < 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const messages = out.filter((s) => s.startsWith('M-'));
      expect(messages.sort()).toEqual(Array.from({ length: 200 }, (_, i) => `M-${i}`).sort());
    } finally {
      await client.cancel();
      sub.unsubscribe();
    }
    expect(() => new NatsSink(nc, { subject: 'a.*' })).toThrow(TypeError);
  });
});
