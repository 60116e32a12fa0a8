/** Regressions found in review: each case lost, reordered or later changed records before its fix. */
import { describe, expect, it } from 'vitest';
import {
  CollectionSource,
  CountTrigger,
  GlobalWindows,
  OutputTag,
  StreamExecutionEnvironment,
  TumblingEventTimeWindows,
  Watermark,
  WatermarkStrategy,
} from '../src/index.js';

const env = () => StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 1 });

describe('review regressions', () => {
  it('a punctuated source watermark follows the record that produced it', async () => {
    const punctuated = WatermarkStrategy.forGenerator<number>(() => ({
      onEvent: (_e, ts, out) => out.emitWatermark(new Watermark(ts)),
      onPeriodicEmit: () => undefined,
    })).withTimestampAssigner((e) => e);
    const out = await env()
      .fromSource(new CollectionSource([500, 999, 1500]), punctuated, 'src')
      .keyBy(() => 'k')
      .window(TumblingEventTimeWindows.of(1000))
      .reduce((a, b) => a + b)
      .executeAndCollect();
    expect(out).toEqual([1499, 1500]);
  });

  it('the end-of-input watermark fires the last windows of a stream that went idle', async () => {
    const idleAfterEach = WatermarkStrategy.forGenerator<number>(() => ({
      onEvent(_e, ts, out) {
        out.emitWatermark(new Watermark(ts - 1));
        out.markIdle();
      },
      onPeriodicEmit: () => undefined,
    })).withTimestampAssigner((e) => e);
    const viaSource = await env()
      .fromSource(new CollectionSource([500, 999, 1500]), idleAfterEach, 'src')
      .keyBy(() => 'k')
      .window(TumblingEventTimeWindows.of(1000))
      .reduce((a, b) => a + b)
      .executeAndCollect();
    const viaOperator = await env()
      .fromCollection([500, 999, 1500])
      .assignTimestampsAndWatermarks(idleAfterEach)
      .keyBy(() => 'k')
      .window(TumblingEventTimeWindows.of(1000))
      .reduce((a, b) => a + b)
      .executeAndCollect();
    expect(viaSource).toEqual([1499, 1500]);
    expect(viaOperator).toEqual([1499, 1500]);
  });

  it('a late record reaches an asynchronous side-output consumer', async () => {
    const ahead = WatermarkStrategy.forGenerator<number>(() => ({
      onEvent: (_e, ts, out) => out.emitWatermark(new Watermark(ts + 1000)),
      onPeriodicEmit: () => undefined,
    })).withTimestampAssigner((e) => e);
    const late = new OutputTag<number>('late');
    const windowed = env()
      .fromCollection([1000, 500])
      .assignTimestampsAndWatermarks(ahead)
      .keyBy(() => 'k')
      .window(TumblingEventTimeWindows.of(1000))
      .sideOutputLateData(late)
      .reduce((a, b) => a + b);
    const side = windowed.getSideOutput(late).process<string>({
      async processElement(x, _ctx, out) {
        await new Promise((r) => setTimeout(r, 20));
        out.collect(`late:${x}`);
      },
    });
    expect(await side.executeAndCollect()).toEqual(['late:500']);
  });

  it('a window function gets a copy of the contents, not the live list', async () => {
    const out = await env()
      .fromCollection([1, 2, 3, 4])
      .keyBy(() => 'k')
      .window(GlobalWindows.create())
      .trigger(CountTrigger.of(2))
      .process<readonly number[]>((_key, _ctx, elements, o) => o.collect(elements))
      .executeAndCollect();
    expect(out).toEqual([
      [1, 2],
      [1, 2, 3, 4],
    ]);
  });

  it('a reducer that changes its first argument changes no earlier result', async () => {
    const out = await env()
      .fromElements({ k: 'a', n: 1 }, { k: 'a', n: 2 }, { k: 'a', n: 3 })
      .keyBy((r) => r.k)
      .reduce((a, b) => {
        a.n += b.n;
        return a;
      })
      .executeAndCollect();
    expect(out.map((r) => r.n)).toEqual([1, 3, 6]);
    const maxBy = await env()
      .fromElements({ k: 'a', n: 1 }, { k: 'a', n: 2 }, { k: 'a', n: 3 })
      .keyBy((r) => r.k)
      .maxBy('n')
      .map((r) => {
        r.n *= 100;
        return r;
      })
      .executeAndCollect();
    expect(maxBy.map((r) => r.n)).toEqual([100, 200, 300]);
  });
});
