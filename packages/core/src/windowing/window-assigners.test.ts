import { describe, expect, it } from 'vitest';
import { ErrorCodes, WeirError } from '../errors.js';
import { EventTimeTrigger } from './event-time-trigger.js';
import { GlobalWindow } from './global-window.js';
import { EndOfStreamTrigger, GlobalWindows, NeverTrigger } from './global-windows.js';
import { ProcessingTimeTrigger } from './processing-time-trigger.js';
import {
  DynamicEventTimeSessionWindows,
  DynamicProcessingTimeSessionWindows,
  EventTimeSessionWindows,
  ProcessingTimeSessionWindows,
} from './session-windows.js';
import { SlidingEventTimeWindows, SlidingProcessingTimeWindows } from './sliding-windows.js';
import { TimeWindow } from './time-window.js';
import { TumblingEventTimeWindows, TumblingProcessingTimeWindows } from './tumbling-windows.js';
import { isMergingWindowAssigner, type WindowAssignerContext } from './window-assigner.js';

const clock = (now: number): WindowAssignerContext => ({ getCurrentProcessingTime: () => now });
const noClock: WindowAssignerContext = {
  getCurrentProcessingTime: () => {
    throw new Error('event-time assigners must not read the clock');
  },
};
const ids = (windows: { id: string }[]): string[] => windows.map((w) => w.id);

function sessionIds(gap: number, timestamps: number[]): string[] {
  const assigner = EventTimeSessionWindows.withGap(gap);
  let windows = timestamps.flatMap((t) => assigner.assignWindows(null, t, noClock));
  assigner.mergeWindows(windows, (toBeMerged, result) => {
    windows = [...windows.filter((w) => !toBeMerged.some((m) => m.equals(w))), result];
  });
  return ids(windows).sort();
}

describe('tumbling windows', () => {
  it('assigns the window containing the timestamp (semantics.md examples)', () => {
    expect(TumblingEventTimeWindows.of(5).assignWindows('x', 7, noClock)).toEqual([new TimeWindow(5, 10)]);
    expect(TumblingEventTimeWindows.of(5, 1).assignWindows('x', 7, noClock)).toEqual([new TimeWindow(6, 11)]);
    expect(TumblingEventTimeWindows.of(5).assignWindows('x', -7, noClock)).toEqual([new TimeWindow(-10, -5)]);
    expect(TumblingEventTimeWindows.of(3000).assignWindows('x', 2999, noClock)).toEqual([new TimeWindow(0, 3000)]);
    expect(TumblingEventTimeWindows.of(3000).assignWindows('x', 3000, noClock)).toEqual([new TimeWindow(3000, 6000)]);
  });

  it('uses the clock in processing time', () => {
    const assigner = TumblingProcessingTimeWindows.of(1000, 100);
    expect(assigner.assignWindows('x', undefined, clock(2050))).toEqual([new TimeWindow(1100, 2100)]);
    expect(assigner.assignWindows('x', 99_999, clock(2100))).toEqual([new TimeWindow(2100, 3100)]);
    expect(assigner.isEventTime()).toBe(false);
    expect(assigner.getDefaultTrigger()).toBe(ProcessingTimeTrigger.create());
    expect(String(assigner)).toBe('TumblingProcessingTimeWindows(1000, 100)');
  });

  it('defaults to the event-time trigger and is not merging', () => {
    const assigner = TumblingEventTimeWindows.of(5);
    expect(assigner.isEventTime()).toBe(true);
    expect(assigner.getDefaultTrigger()).toBe(EventTimeTrigger.create());
    expect(isMergingWindowAssigner(assigner)).toBe(false);
    expect(String(assigner)).toBe('TumblingEventTimeWindows(5)');
  });

  it('validates size and offset as Flink does', () => {
    for (const make of [
      (size: number, offset?: number) => TumblingEventTimeWindows.of(size, offset),
      (size: number, offset?: number) => TumblingProcessingTimeWindows.of(size, offset),
    ]) {
      expect(() => make(0)).toThrow(TypeError);
      expect(() => make(-5)).toThrow(TypeError);
      expect(() => make(Number.NaN)).toThrow(TypeError);
      expect(() => make(5, 5)).toThrow(/abs\(offset\) < size/);
      expect(() => make(5, -5)).toThrow(/abs\(offset\) < size/);
      expect(() => make(5, Number.POSITIVE_INFINITY)).toThrow(TypeError);
      expect(() => make(5, 4)).not.toThrow();
      expect(() => make(5, -4)).not.toThrow();
    }
  });
});

describe('sliding windows', () => {
  it('assigns every window containing the timestamp (semantics.md example)', () => {
    expect(SlidingEventTimeWindows.of(10, 5).assignWindows('x', 7, noClock)).toEqual([new TimeWindow(5, 15), new TimeWindow(0, 10)]);
  });

  it('handles boundaries, negative timestamps, offsets and size < slide', () => {
    expect(ids(SlidingEventTimeWindows.of(3000, 1000).assignWindows('x', 1999, noClock))).toEqual(['1000_4000', '0_3000', '-1000_2000']);
    expect(ids(SlidingEventTimeWindows.of(3000, 1000).assignWindows('x', 3000, noClock))).toEqual(['3000_6000', '2000_5000', '1000_4000']);
    expect(ids(SlidingEventTimeWindows.of(10, 5).assignWindows('x', -7, noClock))).toEqual(['-10_0', '-15_-5']);
    expect(ids(SlidingEventTimeWindows.of(10, 5, 2).assignWindows('x', 7, noClock))).toEqual(['7_17', '2_12']);
    // windows shorter than the slide leave gaps: a timestamp in a gap belongs to no window
    expect(ids(SlidingEventTimeWindows.of(2, 5).assignWindows('x', 6, noClock))).toEqual(['5_7']);
    expect(ids(SlidingEventTimeWindows.of(2, 5).assignWindows('x', 8, noClock))).toEqual([]);
  });

  it('uses the clock in processing time', () => {
    const assigner = SlidingProcessingTimeWindows.of(10, 5);
    expect(assigner.assignWindows('x', undefined, clock(7))).toEqual([new TimeWindow(5, 15), new TimeWindow(0, 10)]);
    expect(assigner.isEventTime()).toBe(false);
    expect(assigner.getDefaultTrigger()).toBe(ProcessingTimeTrigger.create());
  });

  it('validates as Flink: size > 0, slide > 0, |offset| < slide', () => {
    for (const make of [
      (size: number, slide: number, offset?: number) => SlidingEventTimeWindows.of(size, slide, offset),
      (size: number, slide: number, offset?: number) => SlidingProcessingTimeWindows.of(size, slide, offset),
    ]) {
      expect(() => make(0, 5)).toThrow(TypeError);
      expect(() => make(10, 0)).toThrow(TypeError);
      expect(() => make(10, -1)).toThrow(TypeError);
      expect(() => make(10, 5, 5)).toThrow(/abs\(offset\) < slide/);
      expect(() => make(10, 5, 4)).not.toThrow();
    }
  });
});

describe('session windows', () => {
  it('opens [t, t + gap) per element and merges them', () => {
    const assigner = EventTimeSessionWindows.withGap(3000);
    expect(assigner.assignWindows('x', 10, noClock)).toEqual([new TimeWindow(10, 3010)]);
    expect(isMergingWindowAssigner(assigner)).toBe(true);
    expect(assigner.getDefaultTrigger()).toBe(EventTimeTrigger.create());
    expect(assigner.isEventTime()).toBe(true);
  });

  it('puts two events in one session iff their distance is <= gap', () => {
    expect(sessionIds(3, [0, 3])).toEqual(['0_6']); // distance == gap: the windows touch
    expect(sessionIds(3, [0, 2])).toEqual(['0_5']);
    expect(sessionIds(3, [0, 4])).toEqual(['0_3', '4_7']);
    expect(sessionIds(3000, [10, 1000, 2500])).toEqual(['10_5500']); // worked case 3, key1
    expect(sessionIds(3000, [0, 1000, 2500, 5501, 6000, 6000, 6050])).toEqual(['0_5500', '5501_9050']);
  });

  it('supports dynamic gaps (function or extractor object)', () => {
    const fn = EventTimeSessionWindows.withDynamicGap((e: { gap: number }) => e.gap);
    expect(fn).toBeInstanceOf(DynamicEventTimeSessionWindows);
    expect(fn.assignWindows({ gap: 7 }, 10, noClock)).toEqual([new TimeWindow(10, 17)]);
    const obj = EventTimeSessionWindows.withDynamicGap({ extract: (e: number) => e * 2 });
    expect(obj.assignWindows(4, 100, noClock)).toEqual([new TimeWindow(100, 108)]);
    expect(() => fn.assignWindows({ gap: 0 }, 10, noClock)).toThrow(/0 < gap/);
    expect(() => fn.assignWindows({ gap: -1 }, 10, noClock)).toThrow(TypeError);
    expect(() => EventTimeSessionWindows.withDynamicGap(42 as never)).toThrow(TypeError);
    let merged = '';
    fn.mergeWindows([new TimeWindow(0, 3), new TimeWindow(3, 5)], (_, r) => (merged = r.id));
    expect(merged).toBe('0_5');
  });

  it('processing-time sessions use the clock', () => {
    const assigner = ProcessingTimeSessionWindows.withGap(100);
    expect(assigner.assignWindows('x', 1, clock(5000))).toEqual([new TimeWindow(5000, 5100)]);
    expect(assigner.isEventTime()).toBe(false);
    expect(assigner.getDefaultTrigger()).toBe(ProcessingTimeTrigger.create());
    const dynamic = ProcessingTimeSessionWindows.withDynamicGap((e: number) => e);
    expect(dynamic).toBeInstanceOf(DynamicProcessingTimeSessionWindows);
    expect(dynamic.assignWindows(30, undefined, clock(5000))).toEqual([new TimeWindow(5000, 5030)]);
    expect(dynamic.isEventTime()).toBe(false);
  });

  it('validates the gap', () => {
    expect(() => EventTimeSessionWindows.withGap(0)).toThrow(/gap must be > 0/);
    expect(() => EventTimeSessionWindows.withGap(-1)).toThrow(TypeError);
    expect(() => ProcessingTimeSessionWindows.withGap(0)).toThrow(TypeError);
  });
});

describe('global windows', () => {
  it('assigns everything to the global window, never fires by default, is not event time', () => {
    const assigner = GlobalWindows.create();
    expect(assigner.assignWindows('x', undefined, noClock)).toEqual([GlobalWindow.get()]);
    expect(assigner.getDefaultTrigger()).toBeInstanceOf(NeverTrigger);
    expect(assigner.isEventTime()).toBe(false);
    expect(String(assigner)).toBe('GlobalWindows(trigger=NeverTrigger)');
  });

  it('createWithEndOfStreamTrigger fires at the end of input', () => {
    expect(GlobalWindows.createWithEndOfStreamTrigger().getDefaultTrigger()).toBeInstanceOf(EndOfStreamTrigger);
  });
});

describe('records without a timestamp', () => {
  it('event-time assigners throw WEIR_MISSING_TIMESTAMP saying to call assignTimestampsAndWatermarks', () => {
    const assigners = [
      TumblingEventTimeWindows.of(5),
      SlidingEventTimeWindows.of(10, 5),
      EventTimeSessionWindows.withGap(5),
      EventTimeSessionWindows.withDynamicGap(() => 5),
    ];
    for (const assigner of assigners) {
      let error: unknown;
      try {
        assigner.assignWindows('x', undefined, noClock);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(WeirError);
      expect((error as WeirError).code).toBe(ErrorCodes.MISSING_TIMESTAMP);
      expect((error as WeirError).message).toContain('assignTimestampsAndWatermarks');
      expect((error as WeirError).message).toContain(String(assigner));
    }
  });

  it('processing-time and global assigners do not need one', () => {
    expect(() => TumblingProcessingTimeWindows.of(5).assignWindows('x', undefined, clock(1))).not.toThrow();
    expect(() => GlobalWindows.create().assignWindows()).not.toThrow();
  });
});
