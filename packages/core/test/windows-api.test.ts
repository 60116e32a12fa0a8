import { describe, expect, it } from 'vitest';
import {
  ContinuousEventTimeTrigger,
  CountEvictor,
  OutputTag,
  SlidingEventTimeWindows,
  StreamExecutionEnvironment,
  TimeEvictor,
  TumblingEventTimeWindows,
  TumblingProcessingTimeWindows,
  ValueStateDescriptor,
  Watermark,
  WatermarkStrategy,
  type ProcessWindowFunction,
  type TimeWindow,
} from '../src/index.js';

type Sale = { shop: string; amount: number; time: number };

function env(p = 2): StreamExecutionEnvironment {
  return StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: p });
}

const sales: Sale[] = [
  { shop: 'a', amount: 5, time: 100 },
  { shop: 'b', amount: 1, time: 200 },
  { shop: 'a', amount: 7, time: 900 },
  { shop: 'a', amount: 2, time: 1100 },
  { shop: 'b', amount: 3, time: 1500 },
  { shop: 'a', amount: 4, time: 2500 },
];

function timed(e: StreamExecutionEnvironment) {
  return e.fromCollection(sales).assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<Sale>().withTimestampAssigner((s) => s.time));
}

describe('window functions', () => {
  it('aggregate with an AggregateFunction computes an average per window', async () => {
    const out = await timed(env())
      .keyBy((s) => s.shop)
      .window(TumblingEventTimeWindows.of(1000))
      .aggregate({
        createAccumulator: () => ({ sum: 0, n: 0 }),
        add: (s: Sale, acc: { sum: number; n: number }) => ({ sum: acc.sum + s.amount, n: acc.n + 1 }),
        getResult: (acc: { sum: number; n: number }) => acc.sum / acc.n,
        merge: (a: { sum: number; n: number }, b: { sum: number; n: number }) => ({ sum: a.sum + b.sum, n: a.n + b.n }),
      })
      .executeAndCollect();
    expect(out.sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 6]);
  });

  it('process gets the key, the window, all elements, per-window and global state', async () => {
    const fn: ProcessWindowFunction<Sale, string, string, TimeWindow> = {
      async process(key, ctx, elements, out) {
        const fired = ctx.globalState().getState(new ValueStateDescriptor<number>('windows-so-far', 0));
        const n = ((await fired.value()) ?? 0) + 1;
        await fired.update(n);
        const w = ctx.window();
        out.collect(`${key}[${w.start},${w.end}) n=${elements.length} total=${elements.reduce((a, s) => a + s.amount, 0)} #${n}`);
      },
    };
    const out = await timed(env()).keyBy((s) => s.shop).window(TumblingEventTimeWindows.of(1000)).process(fn).executeAndCollect();
    expect(out.sort()).toEqual(['a[0,1000) n=2 total=12 #1', 'a[1000,2000) n=1 total=2 #2', 'a[2000,3000) n=1 total=4 #3', 'b[0,1000) n=1 total=1 #1', 'b[1000,2000) n=1 total=3 #2']);
  });

  it('reduce with a process window function receives the reduced value', async () => {
    const out = await timed(env())
      .keyBy((s) => s.shop)
      .window(TumblingEventTimeWindows.of(2000))
      .reduce(
        (a, b) => ({ ...a, amount: a.amount + b.amount }),
        (key: string, ctx, elements: readonly Sale[]) => [`${key}:${(ctx.window()).end}:${elements[0].amount}:${elements.length}`],
      )
      .executeAndCollect();
    expect(out.sort()).toEqual(['a:2000:14:1', 'a:4000:4:1', 'b:2000:4:1']);
  });

  it('field aggregations per window; sliding windows count an element in each window', async () => {
    const out = await timed(env())
      .map((s): [string, number] => [s.shop, s.amount])
      .keyBy((t) => t[0])
      .window(SlidingEventTimeWindows.of(2000, 1000))
      .sum(1)
      .executeAndCollect();
    expect(out.filter((t) => t[0] === 'a').map((t) => t[1])).toEqual([12, 14, 6, 4]);
  });

  it('a window function that throws fails the job naming the window operator', async () => {
    const run = timed(env(1))
      .keyBy((s) => s.shop)
      .window(TumblingEventTimeWindows.of(1000))
      .process(() => {
        throw new Error('bad window');
      })
      .executeAndCollect();
    await expect(run).rejects.toThrow(/Window\(TumblingEventTimeWindows.*bad window/);
  });
});

describe('triggers and evictors', () => {
  it('countWindow(n) fires every n elements per key and purges', async () => {
    const out = await env()
      .fromSequence(1, 10)
      .keyBy((x) => x % 2)
      .countWindow(2)
      .reduce((a, b) => a + b)
      .executeAndCollect();
    // Keys 1 (odd) and 0 (even): [1,3] [5,7] fire, 9 waits for a partner; [2,4] [6,8] fire, 10 waits.
    expect(out.sort((a, b) => a - b)).toEqual([4, 6, 12, 14]);
  });

  it('countWindow(n, s) slides over the last n elements every s elements', async () => {
    const out = await env(1)
      .fromSequence(1, 6)
      .keyBy(() => 'k')
      .countWindow(3, 2)
      .process((_key: string, _ctx, elements: readonly number[]) => [elements.join('+')])
      .executeAndCollect();
    expect(out).toEqual(['1+2', '2+3+4', '4+5+6']);
  });

  it('a TimeEvictor keeps only the last part of a window', async () => {
    const out = await timed(env(1))
      .keyBy((s) => s.shop)
      .window(TumblingEventTimeWindows.of(3000))
      .evictor(TimeEvictor.of(1000))
      .process((key: string, _ctx, elements: readonly Sale[]) => [`${key}:${elements.map((s) => s.time).join(',')}`])
      .executeAndCollect();
    expect(out.sort()).toEqual(['a:2500', 'b:1500']);
  });

  it('a CountEvictor with reduce reduces what is left after eviction', async () => {
    const out = await timed(env(1))
      .keyBy((s) => s.shop)
      .window(TumblingEventTimeWindows.of(3000))
      .evictor(CountEvictor.of(2))
      .reduce((a, b) => ({ ...a, amount: a.amount + b.amount }))
      .executeAndCollect();
    expect(out.map((s) => `${s.shop}:${s.amount}`).sort()).toEqual(['a:6', 'b:4']);
  });

  it('ContinuousEventTimeTrigger fires early, periodically in event time', async () => {
    const punctuated = WatermarkStrategy.forGenerator<Sale>(() => ({
      onEvent: (_e, ts, o) => o.emitWatermark(new Watermark(ts - 1)),
      onPeriodicEmit: () => undefined,
    })).withTimestampAssigner((s) => s.time);
    const out = await env(1)
      .fromCollection(sales)
      .assignTimestampsAndWatermarks(punctuated)
      .keyBy((s) => s.shop)
      .window(TumblingEventTimeWindows.of(3000))
      .trigger(ContinuousEventTimeTrigger.of(1000))
      .reduce((a, b) => ({ ...a, amount: a.amount + b.amount }))
      .executeAndCollect();
    // Timer 1000 fires after 1100 arrived (14), timer 2000 after 2500 (18), the window end at the final watermark (18).
    expect(out.filter((s) => s.shop === 'a').map((s) => s.amount)).toEqual([14, 18, 18]);
  });

  it('processing-time tumbling windows fire as the clock passes their end', async () => {
    const e = env(1);
    const out = await e
      .fromElements('x', 'y', 'x')
      .keyBy((s) => s)
      .window(TumblingProcessingTimeWindows.of(50))
      .process((key: string, _ctx, elements: readonly string[]) => [`${key}${elements.length}`])
      .executeAndCollect();
    // The bounded input ends before the processing-time windows are due: as in Flink, they do not fire.
    expect(out).toEqual([]);
  });
});

describe('windowAll and late data', () => {
  it('windowAll evaluates the whole stream in one instance', async () => {
    const stream = timed(env(3))
      .windowAll(TumblingEventTimeWindows.of(1000))
      .process((ctx, elements: readonly Sale[]) => [`${(ctx.window()).start}:${elements.length}`]);
    expect(stream.getParallelism()).toBe(1);
    expect((await stream.executeAndCollect()).sort()).toEqual(['0:3', '1000:2', '2000:1']);
  });

  it('late records are dropped, or sent to the late side output', async () => {
    const late = new OutputTag<Sale>('late');
    const input: Sale[] = [
      { shop: 'a', amount: 1, time: 5000 },
      { shop: 'a', amount: 2, time: 100 },
    ];
    const e = env(1);
    const result = e
      .fromCollection(input)
      .assignTimestampsAndWatermarks(WatermarkStrategy.forGenerator<Sale>(() => ({ onEvent: (_ev, ts, o) => o.emitWatermark(new Watermark(ts - 1)), onPeriodicEmit: () => undefined })).withTimestampAssigner((s) => s.time))
      .keyBy((s) => s.shop)
      .window(TumblingEventTimeWindows.of(1000))
      .sideOutputLateData(late)
      .reduce((a, b) => ({ ...a, amount: a.amount + b.amount }));
    const lateOut: Sale[] = [];
    result.getSideOutput(late).addSink((s) => {
      lateOut.push(s);
    });
    const out = await result.executeAndCollect();
    expect(out).toEqual([{ shop: 'a', amount: 1, time: 5000 }]);
    expect(lateOut).toEqual([{ shop: 'a', amount: 2, time: 100 }]);
  });

  it('field aggregations with allowed lateness fire again per late record, emit copies, then drop after cleanup', async () => {
    type R = [string, number, number]; // shop, amount, time; the watermark follows each record at time - 1
    const input: R[] = [
      ['a', 1, 100],
      ['a', 2, 900],
      ['b', 5, 950],
      ['a', 10, 1600], // watermark 1599: window [0, 1000) fires (a,3) and (b,5)
      ['a', 4, 500], // late, within the lateness of 1000: fires (a,7) at once
      ['b', 1, 999], // late, within: fires (b,6)
      ['a', 1, 2100], // watermark 2099: [1000, 2000) fires (a,10); [0, 1000) is cleaned up (at 999 + 1000)
      ['a', 100, 300], // behind the cleanup time: dropped
    ];
    const emitted: R[] = [];
    const out = await env(1)
      .fromCollection(input)
      .assignTimestampsAndWatermarks(WatermarkStrategy.forGenerator<R>(() => ({ onEvent: (_e, ts, o) => o.emitWatermark(new Watermark(ts - 1)), onPeriodicEmit: () => undefined })).withTimestampAssigner((r) => r[2]))
      .keyBy((r) => r[0])
      .window(TumblingEventTimeWindows.of(1000))
      .allowedLateness(1000)
      .sum(1)
      .map((r) => {
        emitted.push(r);
        const copy: R = [r[0], r[1], r[2]];
        r[1] = -1; // changing an emitted result must not change the window's aggregate
        return copy;
      })
      .executeAndCollect();
    expect(out.map((r) => `${r[0]}:${r[1]}`)).toEqual(['a:3', 'b:5', 'a:7', 'b:6', 'a:10', 'a:1']);
    // Other fields come from the window's first element.
    expect(out.slice(0, 4).map((r) => r[2])).toEqual([100, 950, 100, 950]);
  });

  it('minBy and maxBy per window keep the whole record (the earlier one on ties)', async () => {
    const out = await timed(env(1))
      .keyBy((s) => s.shop)
      .window(TumblingEventTimeWindows.of(3000))
      .minBy('amount')
      .executeAndCollect();
    expect(out.sort((x, y) => x.shop.localeCompare(y.shop))).toEqual([
      { shop: 'a', amount: 2, time: 1100 },
      { shop: 'b', amount: 1, time: 200 },
    ]);
    const max = await timed(env(1))
      .map((s) => ({ ...s, amount: s.shop === 'b' ? 3 : s.amount }))
      .keyBy((s) => s.shop)
      .window(TumblingEventTimeWindows.of(3000))
      .maxBy('amount')
      .executeAndCollect();
    expect(max.sort((x, y) => x.shop.localeCompare(y.shop))).toEqual([
      { shop: 'a', amount: 7, time: 900 },
      { shop: 'b', amount: 3, time: 200 },
    ]);
  });

  it('an event-time window on records without timestamps fails with MISSING_TIMESTAMP', async () => {
    const run = env(1).fromElements(1, 2).keyBy((x) => x).window(TumblingEventTimeWindows.of(10)).reduce((a, b) => a + b).executeAndCollect();
    await expect(run).rejects.toMatchObject({ cause: { code: 'WEIR_MISSING_TIMESTAMP' } });
  });
});
