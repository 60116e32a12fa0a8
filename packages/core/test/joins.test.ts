import { describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment, TumblingEventTimeWindows, WatermarkStrategy, type DataStream } from '../src/index.js';

type Ev = { k: string; v: string; t: number };

function env(p = 2) {
  return StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: p });
}

function events(e: StreamExecutionEnvironment, items: Ev[]): DataStream<Ev> {
  return e.fromCollection(items).assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<Ev>().withTimestampAssigner((x) => x.t));
}

const left: Ev[] = [
  { k: 'a', v: 'a1', t: 100 },
  { k: 'b', v: 'b1', t: 200 },
  { k: 'a', v: 'a2', t: 1500 },
];
const right: Ev[] = [
  { k: 'a', v: 'A1', t: 300 },
  { k: 'a', v: 'A2', t: 900 },
  { k: 'c', v: 'C1', t: 400 },
  { k: 'a', v: 'A3', t: 1200 },
];

describe('window join and coGroup', () => {
  it('join emits every pair of the same key and window, with the window end as timestamp', async () => {
    const e = env();
    const out = await events(e, left)
      .join(events(e, right))
      .where((x) => x.k)
      .equalTo((y) => y.k)
      .window(TumblingEventTimeWindows.of(1000))
      .apply((x, y) => `${x.v}+${y.v}`)
      .process<string>({
        processElement(s, ctx, o) {
          o.collect(`${s}@${ctx.timestamp()}`);
        },
      })
      .executeAndCollect();
    expect(out.sort()).toEqual(['a1+A1@999', 'a1+A2@999', 'a2+A3@1999']);
  });

  it('coGroup gets both sides of a key and window, also when one side is empty', async () => {
    const e = env();
    const out = await events(e, left)
      .coGroup(events(e, right))
      .where((x) => x.k)
      .equalTo((y) => y.k)
      .window(TumblingEventTimeWindows.of(1000))
      .apply((xs, ys, o) => {
        o.collect(`${xs.map((x) => x.v).join('')}|${ys.map((y) => y.v).join('')}`);
      })
      .executeAndCollect();
    expect(out.sort()).toEqual(['a1|A1A2', 'a2|A3', 'b1|', '|C1'].sort());
  });
});

describe('interval join', () => {
  it('joins pairs with left.ts + lower <= right.ts <= left.ts + upper, timestamped max(left, right)', async () => {
    const e = env(3);
    const out = await events(e, left)
      .keyBy((x) => x.k)
      .intervalJoin(events(e, right).keyBy((y) => y.k))
      .between(-200, 800)
      .process<string>((x, y, ctx, o) => {
        o.collect(`${x.v}+${y.v}@${ctx.timestamp()}`);
      })
      .executeAndCollect();
    // a1@100 pairs with rights in [-100, 900]: A1@300, A2@900; a2@1500 with [1300, 2300]: none (A3@1200 is outside).
    expect(out.sort()).toEqual(['a1+A1@300', 'a1+A2@900']);
  });

  it('the bounds are inclusive at both ends', async () => {
    const e = env(1);
    const out = await events(e, [{ k: 'x', v: 'l', t: 1000 }])
      .keyBy((x) => x.k)
      .intervalJoin(events(e, [{ k: 'x', v: 'r0', t: 900 }, { k: 'x', v: 'r1', t: 1100 }, { k: 'x', v: 'r2', t: 1101 }]).keyBy((y) => y.k))
      .between(-100, 100)
      .process<string>((x, y) => [`${x.v}${y.v}`])
      .executeAndCollect();
    expect(out.sort()).toEqual(['lr0', 'lr1']);
  });

  it('needs event timestamps', async () => {
    const e = env(1);
    const run = e
      .fromElements({ k: 1 })
      .keyBy((x) => x.k)
      .intervalJoin(e.fromElements({ k: 1 }).keyBy((x) => x.k))
      .between(0, 1)
      .process(() => undefined)
      .executeAndCollect();
    await expect(run).rejects.toMatchObject({ cause: { code: 'WEIR_MISSING_TIMESTAMP' } });
  });
});
