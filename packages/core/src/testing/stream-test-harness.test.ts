import { describe, expect, it } from 'vitest';
import {
  EventTimeSessionWindows,
  EventTimeTrigger,
  OutputTag,
  PurgingTrigger,
  SlidingEventTimeWindows,
  TumblingEventTimeWindows,
  ValueStateDescriptor,
  type DataStream,
  type WindowAssigner,
  type Window,
} from '../index.js';
import { StreamTestHarness } from './stream-test-harness.js';

type KV = [string, number];
const late = new OutputTag<KV>('late');

function windowSum(assigner: WindowAssigner<any, Window>, options: { lateness?: number; purging?: boolean } = {}) {
  return (input: DataStream<KV>) => {
    let w = input.keyBy((t) => t[0]).window(assigner).sideOutputLateData(late);
    if (options.lateness !== undefined) w = w.allowedLateness(options.lateness);
    if (options.purging === true) w = w.trigger(PurgingTrigger.of(EventTimeTrigger.create()));
    return w.sum(1).name('window');
  };
}

const fmt = (h: StreamTestHarness<KV, KV>) => h.getOutput().map((r) => `(${r.value[0]},${r.value[1]})@${r.timestamp}`);
async function take(h: StreamTestHarness<KV, KV>): Promise<string[]> {
  const out = fmt(h).sort();
  h.takeOutputValues();
  return Promise.resolve(out);
}

const input: [string, number][] = [
  ['key2', 3999],
  ['key2', 3000],
  ['key2', 1998],
  ['key2', 1999],
  ['key2', 1000],
  ['key1', 20],
  ['key1', 0],
  ['key1', 999],
];

describe('StreamTestHarness: the worked cases of semantics.md', () => {
  it('1. tumbling 3 s', async () => {
    const h = await StreamTestHarness.create(windowSum(TumblingEventTimeWindows.of(3000)));
    for (const [k, ts] of input) await h.processElement([k, 1], ts);
    await h.processWatermark(2999);
    expect(await take(h)).toEqual(['(key1,3)@2999', '(key2,3)@2999']);
    await h.processWatermark(5999);
    expect(await take(h)).toEqual(['(key2,2)@5999']);
    expect(h.getEmittedWatermarks()).toEqual([2999, 5999]);
    await h.close();
  });

  it('2. sliding 3 s / 1 s', async () => {
    const h = await StreamTestHarness.create(windowSum(SlidingEventTimeWindows.of(3000, 1000)));
    for (const [k, ts] of input) await h.processElement([k, 1], ts);
    const expected: [number, string[]][] = [
      [999, ['(key1,3)@999']],
      [1999, ['(key1,3)@1999', '(key2,3)@1999']],
      [2999, ['(key1,3)@2999', '(key2,3)@2999']],
      [3999, ['(key2,5)@3999']],
      [4999, ['(key2,2)@4999']],
      [5999, ['(key2,2)@5999']],
    ];
    for (const [wm, out] of expected) {
      await h.processWatermark(wm);
      expect(await take(h), `watermark ${wm}`).toEqual(out);
    }
  });

  it('3. session windows with a 3 s gap', async () => {
    const h = await StreamTestHarness.create(windowSum(EventTimeSessionWindows.withGap(3000)));
    for (const [v, ts] of [[1, 0], [2, 1000], [3, 2500], [4, 5501], [5, 6000], [5, 6000], [6, 6050]] as const) await h.processElement(['key2', v], ts);
    for (const [v, ts] of [[1, 10], [2, 1000], [3, 2500]] as const) await h.processElement(['key1', v], ts);
    await h.processWatermark(12000);
    expect(await take(h)).toEqual(['(key1,6)@5499', '(key2,20)@9049', '(key2,6)@5499']);
    await h.processElement(['key2', 10], 15000);
    await h.processElement(['key2', 20], 15000);
    await h.processWatermark(17999);
    expect(await take(h)).toEqual(['(key2,30)@17999']);
  });

  it('4. tumbling 2 s with the late side output', async () => {
    const h = await StreamTestHarness.create(windowSum(TumblingEventTimeWindows.of(2000)));
    await h.processElement(['key2', 1], 1000);
    await h.processWatermark(1985);
    await h.processElement(['key2', 1], 1980);
    await h.processWatermark(1999);
    expect(await take(h)).toEqual(['(key2,2)@1999']);
    await h.processElement(['key2', 1], 1998);
    expect(h.getSideOutput(late)).toEqual([{ value: ['key2', 1], timestamp: 1998 }]);
    await h.processElement(['key2', 1], 2001);
    await h.processWatermark(3999);
    expect(await take(h)).toEqual(['(key2,1)@3999']);
  });

  it('5. allowed lateness 500 with a purging trigger: late firing, then the side output', async () => {
    const h = await StreamTestHarness.create(windowSum(TumblingEventTimeWindows.of(2000), { lateness: 500, purging: true }));
    await h.processElement(['key2', 1], 500);
    await h.processWatermark(1500);
    await h.processElement(['key2', 1], 1300);
    await h.processWatermark(2300);
    expect(await take(h)).toEqual(['(key2,2)@1999']);
    await h.processElement(['key2', 1], 1997);
    expect(await take(h)).toEqual(['(key2,1)@1999']);
    await h.processWatermark(6000);
    expect(await take(h)).toEqual([]);
    await h.processElement(['key2', 1], 1998);
    expect(h.getSideOutput(late).map((r) => r.value)).toEqual([['key2', 1]]);
  });
});

describe('StreamTestHarness: timers, processing time and state', () => {
  it('drives processing-time timers with the manual clock and reads keyed state', async () => {
    const h = await StreamTestHarness.create<string, string>((input) =>
      input
        .keyBy((s) => s)
        .process<string>({
          open(this: { seen?: unknown }, ctx) {
            this.seen = ctx.getState(new ValueStateDescriptor<number>('seen', 0));
          },
          async processElement(this: { seen: { value(): Promise<number>; update(n: number): Promise<void> } }, s, ctx) {
            await this.seen.update((await this.seen.value()) + 1);
            ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + 100);
          },
          onTimer(ts, ctx, out) {
            out.collect(`${ctx.getCurrentKey()}@${ts}`);
          },
        })
        .name('counter'),
    );
    await h.setProcessingTime(1000);
    await h.processElement('a');
    await h.processElement('a');
    await h.processElement('b');
    await h.setProcessingTime(1099);
    expect(h.extractOutputValues()).toEqual([]);
    await h.setProcessingTime(1100);
    expect(h.extractOutputValues().sort()).toEqual(['a@1100', 'b@1100']);
    const backend = h.getKeyedStateBackend('counter');
    backend.setCurrentKey('a');
    expect(await backend.getState(new ValueStateDescriptor<number>('seen', 0)).value()).toBe(2);
    await h.close();
  });

  it('counts dropped late records of a window without a late side output', async () => {
    const h = await StreamTestHarness.create((input: DataStream<KV>) =>
      input
        .keyBy((t) => t[0])
        .window(TumblingEventTimeWindows.of(1000))
        .sum(1)
        .name('w'),
    );
    await h.processWatermark(5000);
    await h.processElement(['k', 1], 100);
    expect(h.getNumLateRecordsDropped('w')).toBe(1);
    await h.endInput();
    expect(h.extractOutputValues()).toEqual([]);
  });
});
