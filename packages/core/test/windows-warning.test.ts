import { afterEach, describe, expect, it, vi } from 'vitest';
import { DataGeneratorSource, StreamExecutionEnvironment, TumblingEventTimeWindows, TumblingProcessingTimeWindows, WatermarkStrategy } from '../src/index.js';

function submitAndCancel(build: (env: StreamExecutionEnvironment) => void): Promise<string[]> {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 1 });
  build(env);
  return env.executeAsync('warnings').then(async (client) => {
    await client.cancel();
    return warn.mock.calls.map((c) => String(c[0]));
  });
}

const endless = () => new DataGeneratorSource((i) => ({ k: i % 3, t: i }), Number.POSITIVE_INFINITY);

describe('the warning about windows that can never fire', () => {
  afterEach(() => vi.restoreAllMocks());

  it('warns for event-time windows behind an unbounded source without watermarks', async () => {
    const warnings = await submitAndCancel((env) => {
      env
        .fromSource(endless(), undefined, 'events')
        .keyBy((e) => e.k)
        .window(TumblingEventTimeWindows.of(1000))
        .reduce((a) => a)
        .addSink(() => undefined);
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/event-time windows of "Window\(TumblingEventTimeWindows.*can never fire.*"Source: events" is unbounded.*WatermarkStrategy/);
  });

  it('warns when noWatermarks() replaces the upstream watermarks', async () => {
    const warnings = await submitAndCancel((env) => {
      env
        .fromSource(endless(), WatermarkStrategy.forMonotonousTimestamps<{ k: number; t: number }>().withTimestampAssigner((e) => e.t), 'events')
        .assignTimestampsAndWatermarks(WatermarkStrategy.noWatermarks())
        .keyBy((e) => e.k)
        .window(TumblingEventTimeWindows.of(1000))
        .reduce((a) => a)
        .addSink(() => undefined);
    });
    expect(warnings).toHaveLength(1);
  });

  it('does not warn with watermarks, for processing-time windows, or for bounded input', async () => {
    const withWatermarks = await submitAndCancel((env) => {
      env
        .fromSource(endless(), WatermarkStrategy.forMonotonousTimestamps<{ k: number; t: number }>().withTimestampAssigner((e) => e.t), 'events')
        .keyBy((e) => e.k)
        .window(TumblingEventTimeWindows.of(1000))
        .reduce((a) => a)
        .addSink(() => undefined);
    });
    const processingTime = await submitAndCancel((env) => {
      env.fromSource(endless(), undefined, 'events').keyBy((e) => e.k).window(TumblingProcessingTimeWindows.of(1000)).reduce((a) => a).addSink(() => undefined);
    });
    const bounded = await submitAndCancel((env) => {
      env.fromSequence(1, 10).keyBy((x) => x % 2).window(TumblingEventTimeWindows.of(1000)).reduce((a) => a).addSink(() => undefined);
    });
    expect([withWatermarks, processingTime, bounded]).toEqual([[], [], []]);
  });
});
