import { describe, expect, it } from 'vitest';
import { MIN_WATERMARK } from '../runtime/frame.js';
import type { Watermark, WatermarkOutput } from './watermark.js';
import { WatermarkStrategy } from './watermark-strategy.js';

function recorder(): WatermarkOutput & { events: string[] } {
  const events: string[] = [];
  return {
    events,
    emitWatermark: (w: Watermark) => events.push(`wm ${w.timestamp}`),
    markIdle: () => events.push('idle'),
    markActive: () => events.push('active'),
  };
}

const context = { currentProcessingTime: () => 0 };

describe('WatermarkStrategy', () => {
  it('bounded out-of-orderness emits max timestamp - delay - 1', () => {
    const gen = WatermarkStrategy.forBoundedOutOfOrderness<number>(100).createWatermarkGenerator(context);
    const out = recorder();
    gen.onPeriodicEmit(out);
    gen.onEvent(0, 1000, out);
    gen.onEvent(0, 700, out);
    gen.onPeriodicEmit(out);
    gen.onEvent(0, 1500, out);
    gen.onPeriodicEmit(out);
    expect(out.events).toEqual([`wm ${MIN_WATERMARK}`, 'wm 899', 'wm 1399']);
  });

  it('monotonous timestamps are delay 0', () => {
    const gen = WatermarkStrategy.forMonotonousTimestamps<number>().createWatermarkGenerator(context);
    const out = recorder();
    gen.onEvent(0, 50, out);
    gen.onPeriodicEmit(out);
    expect(out.events).toEqual(['wm 49']);
  });

  it('noWatermarks emits nothing', () => {
    const strategy = WatermarkStrategy.noWatermarks<number>();
    const gen = strategy.createWatermarkGenerator(context);
    const out = recorder();
    gen.onEvent(0, 50, out);
    gen.onPeriodicEmit(out);
    expect(out.events).toEqual([]);
    expect(strategy.emitsNoWatermarks).toBe(true);
  });

  it('withIdleness marks idle after the timeout and active on the next event', () => {
    let now = 0;
    const gen = WatermarkStrategy.forMonotonousTimestamps<number>()
      .withIdleness(100)
      .createWatermarkGenerator({ currentProcessingTime: () => now });
    const out = recorder();
    gen.onEvent(0, 10, out);
    now = 50;
    gen.onPeriodicEmit(out);
    now = 160;
    gen.onPeriodicEmit(out);
    gen.onPeriodicEmit(out);
    gen.onEvent(0, 20, out);
    gen.onPeriodicEmit(out);
    expect(out.events).toEqual(['wm 9', 'idle', 'active', 'wm 19']);
  });

  it('timestamp assigners: the user’s, or the record’s own timestamp', () => {
    expect(WatermarkStrategy.forMonotonousTimestamps<{ t: number }>().withTimestampAssigner((e) => e.t).createTimestampAssigner()({ t: 5 }, 1)).toBe(5);
    expect(WatermarkStrategy.forMonotonousTimestamps<number>().createTimestampAssigner()(0, 7)).toBe(7);
  });

  it('validates its arguments', () => {
    expect(() => WatermarkStrategy.forBoundedOutOfOrderness(-1)).toThrow(TypeError);
    expect(() => WatermarkStrategy.forMonotonousTimestamps().withIdleness(0)).toThrow(TypeError);
    expect(() => WatermarkStrategy.forGenerator(() => ({}) as never).createWatermarkGenerator(context)).toThrow(TypeError);
  });
});
