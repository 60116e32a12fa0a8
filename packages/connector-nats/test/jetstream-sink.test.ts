/**
 * `JetStreamSink` against a real nats-server with JetStream: a job with checkpoints and an injected failure writes
 * every record exactly once into the output stream (re-commits after the recovery are dropped by their message ids).
 */
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { DataGeneratorSource, RateLimiterStrategy, RestartStrategies, StreamExecutionEnvironment, WatermarkStrategy } from '@weir/core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JetStreamSink } from '../src/index.js';
import { NatsServer } from '../src/testing/index.js';
import { readStream } from './read-stream.js';

let server: NatsServer;
let nc: NatsConnection;
let dir: string;
beforeAll(async () => {
  server = await NatsServer.start();
  nc = await connect({ servers: server.url });
  dir = await mkdtemp(join(tmpdir(), 'weir-jetstream-sink-'));
});
afterAll(async () => {
  await nc?.close();
  await server?.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('JetStreamSink', () => {
  it('writes every record exactly once through checkpoints and a failure with recovery', async () => {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'OUT', subjects: ['out.>'] });
    const n = 3000;
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
    env.enableCheckpointing(50);
    env.getCheckpointConfig().setCheckpointStorage(join(dir, 'checkpoints'));
    env.setRestartStrategy(RestartStrategies.fixedDelayRestart(3, 50));
    let failed = false;
    let completed = 0;
    env
      .fromSource(new DataGeneratorSource((i) => i, n, RateLimiterStrategy.perSecond(6000)), WatermarkStrategy.noWatermarks(), 'numbers')
      .setParallelism(1)
      .uid('numbers')
      .map({
        map(i: number) {
          if (!failed && i >= 2000 && completed >= 3) {
            failed = true;
            throw new Error('injected');
          }
          return `record-${i}`;
        },
        notifyCheckpointComplete() {
          completed++;
        },
      })
      .uid('format')
      .sinkTo(new JetStreamSink<string>(nc, { subject: 'out.records' }))
      .uid('jetstream-out');
    await env.execute('into JetStream');
    expect(failed).toBe(true);
    const records = await readStream(nc, 'OUT');
    expect(records).toHaveLength(n);
    expect(new Set(records).size).toBe(n);
    expect([...records].sort()).toEqual(Array.from({ length: n }, (_, i) => `record-${i}`).sort());
  });

  it('a re-commit of the same committable publishes nothing twice', async () => {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'AGAIN', subjects: ['again.>'] });
    const sink = new JetStreamSink<string>(nc, { subject: 'again.x' });
    const writer = await sink.createWriter({ subtaskIndex: 0, parallelism: 1, attempt: 0, jobId: 'job' });
    for (const r of ['a', 'b', 'c']) await writer.write(r, undefined);
    const committables = await writer.prepareCommit(7);
    const committer = sink.createCommitter();
    await committer.commit(committables);
    await committer.commit(committables);
    expect(await readStream(nc, 'AGAIN')).toEqual(['a', 'b', 'c']);
    expect(() => new JetStreamSink(nc, { subject: 'bad subject' })).toThrow(TypeError);
  });

  it('a stream whose duplicate window is shorter than twice the checkpoint interval, or no stream, fails the job at start', async () => {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'SHORT', subjects: ['short.>'], duplicate_window: 500 * 1e6 });
    const run = async (subject: string) => {
      const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 1 });
      env.enableCheckpointing(1000);
      env.getCheckpointConfig().setCheckpointStorage('memory://');
      env.setRestartStrategy(RestartStrategies.noRestart());
      env.fromCollection(['x']).sinkTo(new JetStreamSink<string>(nc, { subject }));
      return env.execute('short window');
    };
    await expect(run('short.x')).rejects.toThrow(/duplicate window of stream SHORT \(500 ms\) is shorter than twice the checkpoint interval \(1000 ms\)/);
    await expect(run('nowhere.x')).rejects.toThrow(/no JetStream stream captures the subject nowhere\.x/);
  });
});
