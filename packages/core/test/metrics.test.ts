import { describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment, TumblingEventTimeWindows, Watermark, WatermarkStrategy } from '../src/index.js';

type E = { k: string; t: number };

describe('operator metrics', () => {
  it('numLateRecordsDropped of a window operator reaches the job result, keyed by the operator uid', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
    const input: E[] = [
      { k: 'a', t: 5000 },
      { k: 'a', t: 100 },
      { k: 'b', t: 200 },
      { k: 'b', t: 6000 },
    ];
    env
      .fromCollection(input)
      .assignTimestampsAndWatermarks(
        WatermarkStrategy.forGenerator<E>(() => ({ onEvent: (_e, ts, o) => o.emitWatermark(new Watermark(ts - 1)), onPeriodicEmit: () => undefined })).withTimestampAssigner((e) => e.t),
      )
      .setParallelism(1)
      .keyBy((e) => e.k)
      .window(TumblingEventTimeWindows.of(1000))
      .reduce((a) => a)
      .uid('late-window')
      .addSink(() => undefined);
    const client = await env.executeAsync('metrics');
    const result = await client.getJobExecutionResult();
    // 100 (key a) and 200 (key b) arrive behind the watermark 4999: both dropped, summed over the two subtasks.
    expect(result.getAccumulatorResult('late-window.numLateRecordsDropped')).toBe(2);
    expect((await client.getMetrics()).get('late-window.numLateRecordsDropped')).toBe(2);
  });
});
