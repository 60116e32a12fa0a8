import { describe, expect, it } from 'vitest';
import { assignToKeyGroup, RuntimeExecutionMode, StreamExecutionEnvironment, Time, type RuntimeContext } from '../src/index.js';

describe('the environment', () => {
  it('keeps its settings', () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 3, bufferTimeout: 5 });
    expect(env.getParallelism()).toBe(3);
    expect(env.getBufferTimeout()).toBe(5);
    expect(env.setMaxParallelism(64).getMaxParallelism()).toBe(64);
    expect(env.setRuntimeMode(RuntimeExecutionMode.BATCH).getRuntimeMode()).toBe('BATCH');
    expect(env.getConfig().setAutoWatermarkInterval(50).getAutoWatermarkInterval()).toBe(50);
    expect(env.isChainingEnabled()).toBe(true);
    expect(env.disableOperatorChaining().isChainingEnabled()).toBe(false);
    expect(() => env.setParallelism(0)).toThrow(TypeError);
    expect(() => env.setBufferTimeout(-2)).toThrow(TypeError);
    expect(() => env.setMaxParallelism(40_000)).toThrow(TypeError);
  });

  it('Time gives milliseconds', () => {
    expect(Time.milliseconds(7)).toBe(7);
    expect(Time.seconds(5)).toBe(5000);
    expect(Time.minutes(2)).toBe(120_000);
    expect(Time.hours(1)).toBe(3_600_000);
    expect(Time.days(1)).toBe(86_400_000);
  });

  it('max parallelism sets the number of key groups that keyBy routes by', async () => {
    const maxParallelism = 8;
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 4 }).setMaxParallelism(maxParallelism);
    const out = await env
      .fromSequence(0, 199)
      .keyBy((x) => `k${x % 20}`)
      .map({
        subtask: -1,
        maxP: -1,
        open(this: { subtask: number; maxP: number }, ctx: RuntimeContext) {
          this.subtask = ctx.getIndexOfThisSubtask();
          this.maxP = ctx.getMaxNumberOfParallelSubtasks();
        },
        map(this: { subtask: number; maxP: number }, x: number) {
          return [x, this.subtask, this.maxP] as const;
        },
      })
      .executeAndCollect();
    expect(out).toHaveLength(200);
    for (const [x, subtask, maxP] of out) {
      expect(maxP).toBe(maxParallelism);
      expect(subtask).toBe(Math.floor((assignToKeyGroup(`k${x % 20}`, maxParallelism) * 4) / maxParallelism));
    }
  });

  it('the job graph uses the default max parallelism of 128 below parallelism 86', () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
    env.fromSequence(1, 2).keyBy((x) => x).print();
    expect(env.getJobGraph().vertices.map((v) => v.maxParallelism)).toEqual([128, 128]);
  });
});
