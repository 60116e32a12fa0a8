/**
 * Out-of-order sensor readings: average temperature per sensor and 10-second event-time window, with readings up to
 * 2 seconds out of order absorbed by the watermark, and readings that arrive after their window closed sent to a
 * side output instead of being lost silently.
 *
 *   weir run examples/out-of-order-sensors.ts
 */
import { OutputTag, StreamExecutionEnvironment, Time, TumblingEventTimeWindows, Watermark, WatermarkStrategy } from '@weir/core';

interface Reading {
  readonly sensor: string;
  readonly celsius: number;
  readonly time: number;
}

const s = Time.seconds(1);
const readings: Reading[] = [
  { sensor: 's1', celsius: 20, time: 1 * s },
  { sensor: 's2', celsius: 30, time: 2 * s },
  { sensor: 's1', celsius: 22, time: 9 * s },
  { sensor: 's1', celsius: 24, time: 8 * s }, // out of order, within 2 s: still counted
  { sensor: 's2', celsius: 32, time: 12 * s },
  { sensor: 's1', celsius: 26, time: 15 * s },
  { sensor: 's1', celsius: 99, time: 5 * s }, // 10 s late: its window has fired
  { sensor: 's2', celsius: 34, time: 19 * s },
];

const late = new OutputTag<Reading>('late');
const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 1 });

// Watermarks follow the readings (bounded out-of-orderness of 2 s), emitted after every reading.
const watermarks = WatermarkStrategy.forGenerator<Reading>(() => {
  let max = Number.MIN_SAFE_INTEGER;
  return {
    onEvent(reading, _ts, output) {
      max = Math.max(max, reading.time);
      output.emitWatermark(new Watermark(max - 2 * s - 1));
    },
    onPeriodicEmit() {},
  };
}).withTimestampAssigner((r) => r.time);

const averages = env
  .fromCollection(readings)
  .assignTimestampsAndWatermarks(watermarks)
  .keyBy((r) => r.sensor)
  .window(TumblingEventTimeWindows.of(Time.seconds(10)))
  .sideOutputLateData(late)
  .aggregate<{ sum: number; n: number }, number, string>(
    {
      createAccumulator: () => ({ sum: 0, n: 0 }),
      add: (r: Reading, acc: { sum: number; n: number }) => ({ sum: acc.sum + r.celsius, n: acc.n + 1 }),
      getResult: (acc: { sum: number; n: number }) => acc.sum / acc.n,
      merge: (a: { sum: number; n: number }, b: { sum: number; n: number }) => ({ sum: a.sum + b.sum, n: a.n + b.n }),
    },
    (sensor: string, context, [avg], out) => out.collect(`${sensor} [${context.window().start / s}s, ${context.window().end / s}s): ${avg}`),
  );

averages.print('avg');
averages.getSideOutput(late).map((r) => `${r.sensor} at ${r.time / s}s: ${r.celsius}`).print('late');

await env.execute('Out-of-order sensors');
