/**
 * Jobs whose every channel goes through a real nats-server (the embedded executor over a `NatsTransport`): the same
 * results as in process, and a job that keeps its exactly-once output while the server is killed with SIGKILL and
 * restarted in the middle of the run (lost frames fail the attempt, which restarts from its last checkpoint).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DataGeneratorSource,
  EmbeddedExecutor,
  FileSink,
  RateLimiterStrategy,
  RestartStrategies,
  setExecutionContext,
  SimpleStringEncoder,
  StreamExecutionEnvironment,
  ValueStateDescriptor,
  WatermarkStrategy,
  type RuntimeContext,
  type ValueState,
} from '@weir/core';
import { readFinishedLines } from '@weir/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NatsTransport } from '../src/index.js';
import { NatsServer } from '../src/testing/index.js';

let server: NatsServer;
let transport: NatsTransport;
let dir: string;
beforeEach(async () => {
  server = await NatsServer.start({ jetstream: false });
  // Reconnects without end and quickly, so a restarted server is found again.
  transport = await NatsTransport.connect({ servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 }, { creditResyncMs: 200 });
  setExecutionContext({ executor: new EmbeddedExecutor({ transport }) });
  dir = await mkdtemp(join(tmpdir(), 'weir-nats-jobs-'));
});
afterEach(async () => {
  setExecutionContext(undefined);
  await transport.close();
  await server.dispose();
  await rm(dir, { recursive: true, force: true });
});

const KEYS = 5;
type Event = [key: number, seq: number];

/** Numbers each key's records; a gap or a repeat shows as a wrong line. */
const sequenceCheck = {
  last: undefined as unknown as ValueState<number>,
  open(ctx: RuntimeContext) {
    this.last = ctx.getState(new ValueStateDescriptor<number>('last', -1));
  },
  async processElement(e: Event, _ctx: unknown, out: { collect(v: string): void }) {
    const last = (await this.last.value())!;
    await this.last.update(e[1]);
    out.collect(e[1] === last + 1 ? `${e[0]}:${e[1]}` : `ALERT ${e[0]}: ${e[1]} after ${last}`);
  },
};

describe('jobs over NATS', () => {
  it('a keyed job at parallelism 3 gives the same counts over NATS as in process', async () => {
    const words = Array.from({ length: 3000 }, (_, i) => `w${(i * 7) % 50}`);
    const build = () => {
      const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 3 });
      return env
        .fromCollection(words)
        .map((w): [string, number] => [w, 1])
        .keyBy((t) => t[0])
        .sum(1)
        .executeAndCollect();
    };
    const overNats = await build();
    setExecutionContext(undefined);
    const inProcess = await build();
    expect(overNats.length).toBe(words.length);
    expect(overNats.map((t) => t.join(':')).sort()).toEqual(inProcess.map((t) => t.join(':')).sort());
  });

  it('keeps exactly-once output when the server is killed with SIGKILL and restarted mid-run', async () => {
    const n = 3000;
    const out = join(dir, 'out');
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
    env.enableCheckpointing(100);
    env.getCheckpointConfig().setCheckpointStorage(join(dir, 'checkpoints')).setCheckpointTimeout(2000);
    env.setRestartStrategy(RestartStrategies.fixedDelayRestart(20, 300));
    const lines: string[] = [];
    const checked = env
      .fromSource(new DataGeneratorSource<Event>((i) => [i % KEYS, Math.floor(i / KEYS)], n, RateLimiterStrategy.perSecond(1500)), WatermarkStrategy.noWatermarks(), 'generator')
      .setParallelism(1)
      .uid('generator')
      .keyBy((e) => e[0])
      .process(sequenceCheck)
      .uid('check');
    checked.addSink((line) => {
      lines.push(line);
    });
    checked.sinkTo(FileSink.forRowFormat(out, new SimpleStringEncoder<string>()).build()).uid('files');
    const client = await env.executeAsync('through a crashing server');
    while (lines.length < n / 3) await new Promise((r) => setTimeout(r, 10));
    await server.kill();
    await new Promise((r) => setTimeout(r, 500));
    await server.restart();
    await client.getJobExecutionResult();
    const finished = await readFinishedLines(out);
    expect(finished.filter((l) => l.startsWith('ALERT'))).toEqual([]);
    expect(finished).toEqual(Array.from({ length: n }, (_, i) => `${i % KEYS}:${Math.floor(i / KEYS)}`).sort());
  });
});
