/**
 * The worked cases of semantics.md run as jobs: `fromCollection` of records and watermark markers, watermarks from
 * `WatermarkStrategy.forGenerator` (a marker emits its watermark), keyed windows summing values per key.
 */
import { describe, expect, it } from 'vitest';
import {
  EventTimeSessionWindows,
  EventTimeTrigger,
  OutputTag,
  PurgingTrigger,
  RuntimeExecutionMode,
  SlidingEventTimeWindows,
  StreamExecutionEnvironment,
  TumblingEventTimeWindows,
  Watermark,
  WatermarkStrategy,
  type DataStream,
  type WindowAssigner,
  type Window,
} from '../src/index.js';

type Item = { key: string; value: number; ts: number } | { wm: number };

const rec = (key: string, value: number, ts: number): Item => ({ key, value, ts });
const wm = (t: number): Item => ({ wm: t });

const markerWatermarks = WatermarkStrategy.forGenerator<Item>(() => ({
  onEvent(event, _ts, output) {
    if ('wm' in event) output.emitWatermark(new Watermark(event.wm));
  },
  onPeriodicEmit() {},
})).withTimestampAssigner((e) => ('wm' in e ? e.wm : e.ts));

interface Result {
  key: string;
  sum: number;
  ts: number | undefined;
  /** The watermark the downstream operator had when the result arrived. */
  seenAtWatermark: number;
}

async function run(
  items: Item[],
  assigner: WindowAssigner<any, Window>,
  options: { parallelism?: number; lateness?: number; purging?: boolean; mode?: RuntimeExecutionMode } = {},
) {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: options.parallelism ?? 1, runtimeMode: options.mode });
  const lateTag = new OutputTag<Item>('late');
  const records = env
    .fromCollection(items)
    .assignTimestampsAndWatermarks(markerWatermarks)
    .setParallelism(1)
    .filter((i) => !('wm' in i)) as DataStream<{ key: string; value: number; ts: number }>;
  let windowed = records.keyBy((r) => r.key).window(assigner).sideOutputLateData(lateTag as never);
  if (options.lateness !== undefined) windowed = windowed.allowedLateness(options.lateness);
  if (options.purging === true) windowed = windowed.trigger(PurgingTrigger.of(EventTimeTrigger.create()));
  const sums = windowed.reduce((a, b) => ({ key: a.key, value: a.value + b.value, ts: a.ts }));
  const late: Item[] = [];
  sums.getSideOutput(lateTag).addSink((i) => {
    late.push(i);
  });
  const out = await sums
    .keyBy(() => 0)
    .process<Result>({
      processElement(r, ctx, out) {
        out.collect({ key: r.key, sum: r.value, ts: ctx.timestamp(), seenAtWatermark: ctx.timerService().currentWatermark() });
      },
    })
    .setParallelism(1)
    .executeAndCollect();
  return { out, late };
}

const fmt = (r: Result) => `(${r.key},${r.sum})@${r.ts}`;
const sorted = (rs: Result[]) => rs.map(fmt).sort();

const baseInput = [rec('key2', 1, 3999), rec('key2', 1, 3000), rec('key2', 1, 1998), rec('key2', 1, 1999), rec('key2', 1, 1000), rec('key1', 1, 20), rec('key1', 1, 0), rec('key1', 1, 999)];

describe('semantics.md worked cases as jobs', () => {
  it('1. tumbling 3 s', async () => {
    for (const parallelism of [1, 4]) {
      const { out } = await run([...baseInput, wm(2999), wm(5999)], TumblingEventTimeWindows.of(3000), { parallelism });
      expect(sorted(out)).toEqual(['(key1,3)@2999', '(key2,2)@5999', '(key2,3)@2999']);
      // Results are emitted before the watermark that fired them is forwarded.
      for (const r of out) expect(r.seenAtWatermark).toBeLessThan(r.ts!);
    }
  });

  it('2. sliding 3 s / 1 s', async () => {
    const { out } = await run([...baseInput, wm(999), wm(1999), wm(2999), wm(3999), wm(4999), wm(5999)], SlidingEventTimeWindows.of(3000, 1000));
    expect(sorted(out)).toEqual(
      ['(key1,3)@999', '(key1,3)@1999', '(key2,3)@1999', '(key1,3)@2999', '(key2,3)@2999', '(key2,5)@3999', '(key2,2)@4999', '(key2,2)@5999'].sort(),
    );
  });

  it('3. session windows with a 3 s gap merge and fire per session', async () => {
    const items = [
      rec('key2', 1, 0),
      rec('key2', 2, 1000),
      rec('key2', 3, 2500),
      rec('key2', 4, 5501),
      rec('key2', 5, 6000),
      rec('key2', 5, 6000),
      rec('key2', 6, 6050),
      rec('key1', 1, 10),
      rec('key1', 2, 1000),
      rec('key1', 3, 2500),
      wm(12000),
      rec('key2', 10, 15000),
      rec('key2', 20, 15000),
      wm(17999),
    ];
    for (const parallelism of [1, 3]) {
      const { out } = await run(items, EventTimeSessionWindows.withGap(3000), { parallelism });
      expect(sorted(out)).toEqual(['(key1,6)@5499', '(key2,20)@9049', '(key2,30)@17999', '(key2,6)@5499']);
    }
  });

  it('4. tumbling 2 s: a record behind the watermark goes to the late side output', async () => {
    const items = [rec('key2', 1, 1000), wm(1985), rec('key2', 1, 1980), wm(1999), rec('key2', 1, 1998), rec('key2', 1, 2001), wm(3999)];
    const { out, late } = await run(items, TumblingEventTimeWindows.of(2000));
    expect(sorted(out)).toEqual(['(key2,1)@3999', '(key2,2)@1999']);
    expect(late).toEqual([rec('key2', 1, 1998)]);
  });

  it('5. tumbling 2 s, allowed lateness 500, purging trigger: late firing, then the side output', async () => {
    const items = [rec('key2', 1, 500), wm(1500), rec('key2', 1, 1300), wm(2300), rec('key2', 1, 1997), wm(6000), rec('key2', 1, 1998)];
    const { out, late } = await run(items, TumblingEventTimeWindows.of(2000), { lateness: 500, purging: true });
    expect(out.map(fmt)).toEqual(['(key2,2)@1999', '(key2,1)@1999']);
    expect(late).toEqual([rec('key2', 1, 1998)]);
  });

  it('a bounded input fires every window at its end; BATCH gives the same windows as STREAMING', async () => {
    const items = baseInput;
    const streaming = await run(items, TumblingEventTimeWindows.of(3000), { parallelism: 2 });
    const batch = await run(items, TumblingEventTimeWindows.of(3000), { parallelism: 2, mode: RuntimeExecutionMode.BATCH });
    expect(sorted(streaming.out)).toEqual(['(key1,3)@2999', '(key2,2)@5999', '(key2,3)@2999']);
    expect(sorted(batch.out)).toEqual(sorted(streaming.out));
  });
});
