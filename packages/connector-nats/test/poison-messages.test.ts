/** Poison messages in a JetStream stream: the job fails naming the message, or they go to a dead-letter subject. */
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { RestartStrategies, StreamExecutionEnvironment, WatermarkStrategy } from '@weir/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Deserializers, JetStreamSource, Serializers } from '../src/index.js';
import { NatsServer } from '../src/testing/index.js';

let server: NatsServer;
let nc: NatsConnection;
beforeAll(async () => {
  server = await NatsServer.start();
  nc = await connect({ servers: server.url });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: 'ORDERS', subjects: ['orders.>'] });
  await jsm.streams.add({ name: 'DEAD', subjects: ['dead.>'] });
  const js = jetstream(nc);
  for (const body of ['{"id":1}', '{"id":2}', 'not json', '{"id":3}', '{oops', '{"id":4}']) await js.publish('orders.new', body);
});
afterAll(async () => {
  await nc?.close();
  await server?.dispose();
});

function job(onPoisonMessage: 'fail' | { deadLetterSubject: string }) {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 1 });
  env.setRestartStrategy(RestartStrategies.noRestart());
  return env
    .fromSource(
      new JetStreamSource(nc, { stream: 'ORDERS', bounded: true, deserializer: (m) => (JSON.parse(m.string()) as { id: number }).id, onPoisonMessage }),
      WatermarkStrategy.noWatermarks(),
      'orders',
    )
    .uid('orders');
}

describe('poison messages', () => {
  it('with the fail policy, the job fails naming the stream, the sequence and the subject', async () => {
    await expect(job('fail').executeAndCollect()).rejects.toThrow(/JetStreamSource: message 3 of stream ORDERS \(subject orders\.new\) cannot be deserialized/);
  });

  it('with a dead-letter subject, poison messages go there with their reason and are counted; the rest is read', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 1 });
    const ids: number[] = [];
    env
      .fromSource(
        new JetStreamSource(nc, { stream: 'ORDERS', bounded: true, deserializer: (m) => (JSON.parse(m.string()) as { id: number }).id, onPoisonMessage: { deadLetterSubject: 'dead.orders' } }),
        WatermarkStrategy.noWatermarks(),
        'orders',
      )
      .uid('orders')
      .addSink((id) => {
        ids.push(id);
      });
    const result = await env.execute('with dead letters');
    expect(ids).toEqual([1, 2, 3, 4]);
    expect(result.getAccumulatorResult('orders.numPoisonMessages')).toBe(2);
    const consumer = await jetstream(nc).consumers.get('DEAD');
    const dead: { body: string; sequence: string | undefined; reason: string | undefined }[] = [];
    for await (const m of await consumer.fetch({ max_messages: 2, expires: 3000 })) {
      dead.push({ body: m.string(), sequence: m.headers?.get('Weir-Poison-Sequence'), reason: m.headers?.get('Weir-Poison-Reason') });
      if (dead.length === 2) break;
    }
    expect(dead.map((d) => [d.body, d.sequence])).toEqual([
      ['not json', '3'],
      ['{oops', '5'],
    ]);
    for (const d of dead) expect(d.reason).toMatch(/JSON/);
  });

  it('ready-made codecs round-trip text, JSON and msgpack (Maps keep their type)', () => {
    const message = (data: Uint8Array | string) => {
      const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
      return { data: bytes, string: () => new TextDecoder().decode(bytes) };
    };
    expect(Deserializers.string(message(Serializers.string(42)))).toBe('42');
    expect(Deserializers.json(message(Serializers.json({ a: [1, 2] })))).toEqual({ a: [1, 2] });
    const map = new Map([['k', 1]]);
    expect(Deserializers.msgpack(message(Serializers.msgpack({ map })))).toEqual({ map });
    expect(() => Deserializers.json(message('{oops'))).toThrow(SyntaxError);
  });
});
