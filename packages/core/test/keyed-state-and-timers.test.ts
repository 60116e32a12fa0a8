import { describe, expect, it } from 'vitest';
import {
  RuntimeExecutionMode,
  StreamExecutionEnvironment,
  ValueStateDescriptor,
  WatermarkStrategy,
  type KeyedProcessFunction,
  type RuntimeContext,
  type ValueState,
} from '../src/index.js';

function env(p = 1): StreamExecutionEnvironment {
  return StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: p });
}

type Event = { user: string; time: number };

describe('keyed state in a KeyedProcessFunction', () => {
  it('counts per key with ValueState at parallelism 1 and 3 alike', async () => {
    const run = async (p: number) => {
      const fn: KeyedProcessFunction<string, Event, [string, number]> & { count?: ValueState<number> } = {
        open(ctx: RuntimeContext) {
          this.count = ctx.getState(new ValueStateDescriptor<number>('count', 0));
        },
        async processElement(e, ctx, out) {
          const c = ((await this.count!.value()) ?? 0) + 1;
          await this.count!.update(c);
          out.collect([ctx.getCurrentKey(), c]);
        },
      };
      const out = await env(p)
        .fromCollection<Event>(Array.from({ length: 60 }, (_, i) => ({ user: `u${i % 4}`, time: i })))
        .keyBy((e) => e.user)
        .process(fn)
        .executeAndCollect();
      const finals = new Map<string, number>();
      for (const [u, c] of out) finals.set(u, Math.max(finals.get(u) ?? 0, c));
      return { out, finals };
    };
    const one = await run(1);
    const three = await run(3);
    expect(Object.fromEntries(one.finals)).toEqual({ u0: 15, u1: 15, u2: 15, u3: 15 });
    expect(three.finals).toEqual(one.finals);
    expect(one.out).toHaveLength(60);
  });

  it('keyed state outside a keyed stream is a clear error', async () => {
    const out = env()
      .fromElements(1)
      .map({
        open(ctx: RuntimeContext) {
          ctx.getState(new ValueStateDescriptor('x'));
        },
        map: (x: number) => x,
      })
      .executeAndCollect();
    await expect(out).rejects.toThrow(/only available on a keyed stream/);
  });
});

describe('timers', () => {
  it('event-time timers fire when the watermark passes them, in order, per key, deduplicated', async () => {
    const fired: string[] = [];
    const events: Event[] = [
      { user: 'a', time: 1000 },
      { user: 'b', time: 1500 },
      { user: 'a', time: 1200 },
      { user: 'a', time: 5000 },
    ];
    const out = await env(2)
      .fromCollection(events)
      .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<Event>().withTimestampAssigner((e) => e.time))
      .keyBy((e) => e.user)
      .process<string>({
        processElement(e, ctx) {
          ctx.timerService().registerEventTimeTimer(e.time + 100);
          ctx.timerService().registerEventTimeTimer(2000);
        },
        onTimer(ts, ctx, out) {
          fired.push(`${ctx.getCurrentKey()}@${ts}`);
          out.collect(`${ctx.getCurrentKey()}@${ts} wm=${ctx.timerService().currentWatermark()} t=${ctx.timestamp()}`);
        },
      })
      .executeAndCollect();
    expect(out.filter((s) => s.startsWith('a@')).map((s) => s.split(' ')[0])).toEqual(['a@1100', 'a@1300', 'a@2000', 'a@5100']);
    expect(out.filter((s) => s.startsWith('b@')).map((s) => s.split(' ')[0])).toEqual(['b@1600', 'b@2000']);
    expect(out.find((s) => s.startsWith('a@1100'))).toMatch(/t=1100$/);
    expect(fired).toHaveLength(6);
  });

  it('deleted timers do not fire', async () => {
    const out = await env()
      .fromElements<Event>({ user: 'a', time: 10 }, { user: 'a', time: 20 })
      .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<Event>().withTimestampAssigner((e) => e.time))
      .keyBy((e) => e.user)
      .process<number>({
        processElement(e, ctx) {
          if (e.time === 10) ctx.timerService().registerEventTimeTimer(100);
          else ctx.timerService().deleteEventTimeTimer(100);
          ctx.timerService().registerEventTimeTimer(200);
        },
        onTimer(ts, _ctx, out) {
          out.collect(ts);
        },
      })
      .executeAndCollect();
    expect(out).toEqual([200]);
  });

  it('processing-time timers fire as time passes', async () => {
    const started = Date.now();
    const out = await env()
      .fromElements('x', 'y')
      .keyBy((s) => s)
      .process<string>({
        processElement(s, ctx) {
          ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + 30);
        },
        onTimer(_ts, ctx, out) {
          out.collect(`${ctx.getCurrentKey()}:${ctx.timeDomain()}`);
        },
      })
      .executeAndCollect();
    // STREAMING: the bounded input ends before the timers are due, so they do not fire (as in Flink).
    expect(out).toEqual([]);
    const batch = await StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 1, runtimeMode: RuntimeExecutionMode.BATCH })
      .fromElements('x', 'y')
      .keyBy((s) => s)
      .process<string>({
        processElement(_s, ctx) {
          ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + 60_000);
        },
        onTimer(_ts, ctx, out) {
          out.collect(`${ctx.getCurrentKey()}:${ctx.timeDomain()}`);
        },
      })
      .executeAndCollect();
    expect(batch.sort()).toEqual(['x:PROCESSING_TIME', 'y:PROCESSING_TIME']);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
