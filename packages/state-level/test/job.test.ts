import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DataGeneratorSource,
  MapStateDescriptor,
  MemoryStateBackend,
  OutputTag,
  RateLimiterStrategy,
  RestartStrategies,
  StreamExecutionEnvironment,
  ValueStateDescriptor,
  WatermarkStrategy,
  type CheckpointListener,
  type KeyedProcessFunction,
  type MapState,
  type RuntimeContext,
  type StateBackend,
  type ValueState,
} from '@weir/core';
import { afterAll, describe, expect, it } from 'vitest';
import { LevelStateBackend } from '../src/index.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'weir-state-level-job-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function environment(backend: StateBackend): StreamExecutionEnvironment {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
  env.setStateBackend(backend);
  return env;
}

const byText = (a: unknown, b: unknown): number => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1);

describe('a job with LevelStateBackend', () => {
  it('keyBy + sum gives the same results as with the memory backend (state 10x the cache)', async () => {
    const run = (backend: StateBackend): Promise<[number, number][]> =>
      environment(backend)
        .fromSequence(0, 19_999)
        .map((i): [number, number] => [i % 2000, i])
        .keyBy(([key]) => key)
        .sum(1)
        .executeAndCollect();
    // The two source subtasks interleave differently from run to run, so compare what does not depend on the order:
    // per key the number of running sums and the final one.
    const finals = (out: [number, number][]): Map<number, [number, number]> => {
      const byKey = new Map<number, [number, number]>();
      for (const [key, running] of out) {
        const [count, max] = byKey.get(key) ?? [0, 0];
        byKey.set(key, [count + 1, Math.max(max, running)]);
      }
      return byKey;
    };
    const level = await run(new LevelStateBackend({ path: root, cacheSize: 100, writeBatchSize: 32 }));
    const memory = await run(new MemoryStateBackend());
    expect(level).toHaveLength(20_000);
    expect(finals(level)).toEqual(finals(memory));
    expect(finals(level).get(7)).toEqual([10, 7 * 10 + 2000 * 45]);
    expect(readdirSync(root)).toEqual([]);
  });

  it('a KeyedProcessFunction with ValueState, MapState and event-time timers gives the same results', async () => {
    type Event = { user: string; time: number };
    type Report = [user: string, windowEnd: number, inWindow: number, total: number];
    const events: Event[] = Array.from({ length: 6000 }, (_, i) => ({ user: `u${(i * 31) % 300}`, time: i }));
    const process = (): KeyedProcessFunction<string, Event, Report> & { total?: ValueState<number>; perWindow?: MapState<number, number> } => ({
      open(ctx: RuntimeContext) {
        this.total = ctx.getState(new ValueStateDescriptor<number>('total', 0));
        this.perWindow = ctx.getMapState(new MapStateDescriptor<number, number>('per-window'));
      },
      async processElement(event, ctx) {
        const windowEnd = event.time - (event.time % 1000) + 999;
        await this.total!.update((await this.total!.value())! + 1);
        await this.perWindow!.put(windowEnd, ((await this.perWindow!.get(windowEnd)) ?? 0) + 1);
        ctx.timerService().registerEventTimeTimer(windowEnd);
      },
      async onTimer(timestamp, ctx, out) {
        out.collect([ctx.getCurrentKey(), timestamp, (await this.perWindow!.get(timestamp)) ?? 0, (await this.total!.value())!]);
        await this.perWindow!.remove(timestamp);
      },
    });
    const run = (backend: StateBackend): Promise<Report[]> =>
      environment(backend)
        .fromCollection(events)
        .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<Event>().withTimestampAssigner((e) => e.time))
        .keyBy((event) => event.user)
        .process(process())
        .executeAndCollect();
    const level = await run(new LevelStateBackend({ path: root, cacheSize: 50, writeBatchSize: 16 }));
    const memory = await run(new MemoryStateBackend());
    expect(level.length).toBe(300 * 6);
    expect([...level].sort(byText)).toEqual([...memory].sort(byText));
    expect(level.reduce((n, [, , inWindow]) => n + inWindow, 0)).toBe(6000);
  });
});

describe('checkpoints with LevelStateBackend', () => {
  it('a job that fails after a checkpoint resumes from it: every key continues its sequence without gap or duplicate', async () => {
    const keys = 5;
    const n = 3000;
    let failures = 0;
    /** Throws once, in the first attempt, after 1500 records and two completed checkpoints. */
    class FailureInjector implements CheckpointListener {
      private seen = 0;
      private checkpoints = 0;
      private attempt = 0;
      open(ctx: RuntimeContext): void {
        this.attempt = ctx.getAttemptNumber();
      }
      map(event: [number, number]): [number, number] {
        if (this.attempt === 0 && ++this.seen >= 1500 && this.checkpoints >= 2) {
          failures++;
          throw new Error('injected failure');
        }
        return event;
      }
      notifyCheckpointComplete(): void {
        this.checkpoints++;
      }
    }
    const alerts = new OutputTag<string>('alerts');
    const checker = {
      last: undefined as unknown as ValueState<number>,
      open(ctx: RuntimeContext) {
        this.last = ctx.getState(new ValueStateDescriptor<number>('last-seq'));
      },
      async processElement(event: [number, number], ctx: { output(tag: OutputTag<string>, value: string): void }, out: { collect(value: [number, number]): void }) {
        const last = (await this.last.value()) ?? -1;
        if (event[1] !== last + 1) ctx.output(alerts, `key ${event[0]}: expected ${last + 1}, got ${event[1]}`);
        await this.last.update(event[1]);
        out.collect(event);
      },
    };
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
    env.setStateBackend(new LevelStateBackend({ path: root, cacheSize: 2, writeBatchSize: 2 }));
    env.enableCheckpointing(30);
    env.getCheckpointConfig().setCheckpointStorage('memory://');
    env.setRestartStrategy(RestartStrategies.fixedDelayRestart(2, 10));
    const source = new DataGeneratorSource<[number, number]>((i) => [i % keys, Math.floor(i / keys)], n, RateLimiterStrategy.perSecond(4000));
    const checked = env
      .fromSource(source, WatermarkStrategy.noWatermarks(), 'generator')
      .setParallelism(1)
      .map(new FailureInjector())
      .uid('injector')
      .setParallelism(1)
      .keyBy((event) => event[0])
      .process(checker)
      .uid('checker');
    const alerted: string[] = [];
    const last = new Map<number, number>();
    checked.getSideOutput(alerts).addSink((alert) => void alerted.push(alert));
    checked.addSink(([key, seq]) => void last.set(key, Math.max(last.get(key) ?? -1, seq)));
    await env.execute('invariant job on LevelDB state');
    expect(failures).toBe(1);
    expect(alerted).toEqual([]);
    expect([...last.entries()].sort((a, b) => a[0] - b[0])).toEqual(Array.from({ length: keys }, (_, key) => [key, n / keys - 1]));
  });
});
