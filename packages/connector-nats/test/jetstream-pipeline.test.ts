/**
 * The done-when job of the NATS issue on a real nats-server: a job reads a JetStream stream and writes another, with
 * checkpoints and failures injected, and the output stream holds every expected record exactly once (checked by
 * sequence per key: no gap, no duplicate). Also a bounded read of a filtered subject.
 */
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  RestartStrategies,
  StreamExecutionEnvironment,
  ValueStateDescriptor,
  WatermarkStrategy,
  type RuntimeContext,
  type ValueState,
} from '@weir/core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JetStreamSink, JetStreamSource } from '../src/index.js';
import { NatsServer } from '../src/testing/index.js';
import { readStream } from './read-stream.js';

let server: NatsServer;
let nc: NatsConnection;
let dir: string;
beforeAll(async () => {
  server = await NatsServer.start();
  nc = await connect({ servers: server.url });
  dir = await mkdtemp(join(tmpdir(), 'weir-jetstream-pipeline-'));
});
afterAll(async () => {
  await nc?.close();
  await server?.dispose();
  await rm(dir, { recursive: true, force: true });
});

const KEYS = 7;

describe('JetStream in, JetStream out', () => {
  it('every record exactly once in the output stream, by sequence per key, through failures and recoveries', async () => {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'IN', subjects: ['in.>'] });
    await jsm.streams.add({ name: 'RESULTS', subjects: ['results.>'] });
    const n = 4000;
    const js = jetstream(nc);
    for (let start = 0; start < n; start += 500) {
      await Promise.all(Array.from({ length: Math.min(500, n - start) }, (_, i) => js.publish('in.events', `${(start + i) % KEYS}:${Math.floor((start + i) / KEYS)}`)));
    }

    const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 3 });
    env.enableCheckpointing(40);
    // In memory: checkpoints complete within milliseconds (this disk takes hundreds to fsync a checkpoint), so the
    // failures below come while the stream is read.
    env.getCheckpointConfig().setCheckpointStorage('memory://');
    env.setRestartStrategy(RestartStrategies.fixedDelayRestart(5, 50));
    let failures = 0;
    let completed = 0;
    let seen = 0;
    env
      .fromSource(new JetStreamSource(nc, { stream: 'IN', bounded: true }), WatermarkStrategy.noWatermarks(), 'events')
      .setParallelism(1)
      .uid('events')
      .map({
        map(line: string): [number, number] {
          seen++;
          // Slow enough (about 2 s) for checkpoints, each a few hundred ms with its fsyncs, to complete while the
          // stream is read.
          if (seen % 10 === 0) for (const until = Date.now() + 4; Date.now() < until; );
          // Two failures, each after some completed checkpoints.
          if ((failures === 0 && completed >= 2) || (failures === 1 && completed >= 4)) {
            failures++;
            throw new Error(`injected failure ${failures}`);
          }
          const [key, seq] = line.split(':').map(Number);
          return [key, seq];
        },
        notifyCheckpointComplete() {
          completed++;
        },
      })
      .setParallelism(1)
      .uid('parse')
      .keyBy((e) => e[0])
      .process<string>({
        last: undefined as ValueState<number> | undefined,
        open(ctx: RuntimeContext) {
          this.last = ctx.getState(new ValueStateDescriptor<number>('last', -1));
        },
        async processElement(e: [number, number], _ctx: unknown, out: { collect(v: string): void }) {
          const last = (await this.last!.value())!;
          await this.last!.update(e[1]);
          out.collect(e[1] === last + 1 ? `${e[0]}:${e[1]}` : `ALERT ${e[0]}: ${e[1]} after ${last}`);
        },
      })
      .uid('check')
      .sinkTo(new JetStreamSink<string>(nc, { subject: 'results.checked' }))
      .uid('results');
    await env.execute('JetStream to JetStream');
    // One or two failures, as the timing goes (the second needs four completed checkpoints before the end).
    expect(failures).toBeGreaterThanOrEqual(1);

    const results = await readStream(nc, 'RESULTS');
    expect(results.filter((r) => r.startsWith('ALERT'))).toEqual([]);
    expect(results).toHaveLength(n);
    // Per key, the sequence numbers in stream order: 0, 1, 2, ... without gap or duplicate.
    for (let key = 0; key < KEYS; key++) {
      const sequence = results.filter((r) => r.startsWith(`${key}:`)).map((r) => Number(r.split(':')[1]));
      expect(sequence).toEqual(Array.from({ length: sequence.length }, (_, i) => i));
      expect(sequence.length).toBe(Math.floor(n / KEYS) + (key < n % KEYS ? 1 : 0));
    }
  });

  it('a bounded read of a filtered subject ends after its last message', async () => {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'MIXED', subjects: ['mixed.>'] });
    const js = jetstream(nc);
    for (let i = 0; i < 20; i++) await js.publish(i % 2 === 0 ? 'mixed.even' : 'mixed.odd', String(i));
    await js.publish('mixed.odd', 'last odd');
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 1 });
    const out = await env
      .fromSource(new JetStreamSource(nc, { stream: 'MIXED', filterSubject: 'mixed.even', bounded: true, deserializer: (m) => Number(m.string()) }), WatermarkStrategy.noWatermarks(), 'even')
      .executeAndCollect();
    expect(out).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
  });
});
