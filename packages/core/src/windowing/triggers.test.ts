import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../errors.js';
import { MAX_WATERMARK, MIN_WATERMARK } from '../runtime/frame.js';
import { ContinuousEventTimeTrigger } from './continuous-event-time-trigger.js';
import { ContinuousProcessingTimeTrigger } from './continuous-processing-time-trigger.js';
import { CountTrigger } from './count-trigger.js';
import { EventTimeTrigger } from './event-time-trigger.js';
import { GlobalWindow } from './global-window.js';
import { EndOfStreamTrigger, NeverTrigger } from './global-windows.js';
import { ProcessingTimeTrigger } from './processing-time-trigger.js';
import { PurgingTrigger } from './purging-trigger.js';
import { TimeWindow } from './time-window.js';
import { TriggerResult } from './trigger-result.js';
import { Trigger, type OnMergeContext, type TriggerReducingState, type TriggerStateDescriptor } from './trigger.js';
import type { Window } from './window.js';

/**
 * A fake of what the window operator provides: per-window reducing state and timers, recorded as "windowId@time".
 * State answers asynchronously, as keyed state does.
 */
class Harness {
  watermark = MIN_WATERMARK;
  processingTime = 0;
  readonly eventTimers = new Set<string>();
  readonly processingTimers = new Set<string>();
  readonly state = new Map<string, Map<string, number>>();

  ctx(window: Window, mergedWindows: Window[] = []): OnMergeContext {
    const key = (time: number): string => `${window.id}@${time}`;
    const stateOf = (w: Window): Map<string, number> => {
      let s = this.state.get(w.id);
      if (s === undefined) this.state.set(w.id, (s = new Map()));
      return s;
    };
    const reducing = (d: TriggerStateDescriptor): TriggerReducingState => ({
      get: () => Promise.resolve(stateOf(window).get(d.name)),
      add: (v) => {
        const old = stateOf(window).get(d.name);
        stateOf(window).set(d.name, old === undefined ? v : d.reduceFn(old, v));
        return Promise.resolve();
      },
      clear: () => {
        stateOf(window).delete(d.name);
        return Promise.resolve();
      },
    });
    return {
      getCurrentProcessingTime: () => this.processingTime,
      getCurrentWatermark: () => this.watermark,
      registerEventTimeTimer: (t) => void this.eventTimers.add(key(t)),
      registerProcessingTimeTimer: (t) => void this.processingTimers.add(key(t)),
      deleteEventTimeTimer: (t) => void this.eventTimers.delete(key(t)),
      deleteProcessingTimeTimer: (t) => void this.processingTimers.delete(key(t)),
      getPartitionedState: reducing,
      mergePartitionedState: async (d) => {
        for (const merged of mergedWindows) {
          const value = stateOf(merged).get(d.name);
          if (value !== undefined) await reducing(d).add(value);
          stateOf(merged).delete(d.name);
        }
      },
    };
  }
}

const w = new TimeWindow(0, 10); // maxTimestamp 9

describe('TriggerResult', () => {
  it('has the four results with isFire/isPurge', () => {
    const table = [TriggerResult.CONTINUE, TriggerResult.FIRE, TriggerResult.PURGE, TriggerResult.FIRE_AND_PURGE].map((r) => [
      String(r),
      r.isFire(),
      r.isPurge(),
    ]);
    expect(table).toEqual([
      ['CONTINUE', false, false],
      ['FIRE', true, false],
      ['PURGE', false, true],
      ['FIRE_AND_PURGE', true, true],
    ]);
  });
});

describe('EventTimeTrigger', () => {
  it('registers the end-of-window timer and fires exactly at maxTimestamp', () => {
    const h = new Harness();
    const t = EventTimeTrigger.create();
    expect(t.onElement('a', 3, w, h.ctx(w))).toBe(TriggerResult.CONTINUE);
    expect([...h.eventTimers]).toEqual(['0_10@9']);
    expect(t.onEventTime(8, w, h.ctx(w))).toBe(TriggerResult.CONTINUE);
    expect(t.onEventTime(9, w, h.ctx(w))).toBe(TriggerResult.FIRE);
    expect(t.onProcessingTime(9, w, h.ctx(w))).toBe(TriggerResult.CONTINUE);
    t.clear(w, h.ctx(w));
    expect(h.eventTimers.size).toBe(0);
  });

  it('fires at once for an element in a window the watermark passed (late firing)', () => {
    const h = new Harness();
    h.watermark = 9;
    expect(EventTimeTrigger.create().onElement('a', 5, w, h.ctx(w))).toBe(TriggerResult.FIRE);
    expect(h.eventTimers.size).toBe(0);
    h.watermark = 8;
    expect(EventTimeTrigger.create().onElement('a', 5, w, h.ctx(w))).toBe(TriggerResult.CONTINUE);
  });

  it('re-registers on merge only while the watermark is before the merged window end', () => {
    const t = EventTimeTrigger.create();
    expect(t.canMerge()).toBe(true);
    const h = new Harness();
    h.watermark = 5;
    t.onMerge(w, h.ctx(w));
    expect([...h.eventTimers]).toEqual(['0_10@9']);
    const late = new Harness();
    late.watermark = 9;
    t.onMerge(w, late.ctx(w));
    expect(late.eventTimers.size).toBe(0);
  });
});

describe('ProcessingTimeTrigger', () => {
  it('registers a processing-time timer at the window end and fires on it', () => {
    const h = new Harness();
    const t = ProcessingTimeTrigger.create();
    expect(t.onElement('a', undefined, w, h.ctx(w))).toBe(TriggerResult.CONTINUE);
    expect([...h.processingTimers]).toEqual(['0_10@9']);
    expect(t.onProcessingTime(9, w, h.ctx(w))).toBe(TriggerResult.FIRE);
    expect(t.onEventTime(9, w, h.ctx(w))).toBe(TriggerResult.CONTINUE);
    t.clear(w, h.ctx(w));
    expect(h.processingTimers.size).toBe(0);
    h.processingTime = 3;
    t.onMerge(w, h.ctx(w));
    expect([...h.processingTimers]).toEqual(['0_10@9']);
    const late = new Harness();
    late.processingTime = 9;
    t.onMerge(w, late.ctx(w));
    expect(late.processingTimers.size).toBe(0);
  });
});

describe('CountTrigger', () => {
  it('fires every n elements and resets the count', async () => {
    const h = new Harness();
    const t = CountTrigger.of(3);
    const results: string[] = [];
    for (let i = 0; i < 7; i++) results.push(String(await t.onElement(i, undefined, w, h.ctx(w))));
    expect(results).toEqual(['CONTINUE', 'CONTINUE', 'FIRE', 'CONTINUE', 'CONTINUE', 'FIRE', 'CONTINUE']);
    expect(h.state.get(w.id)?.get('count')).toBe(1);
    await t.clear(w, h.ctx(w));
    expect(h.state.get(w.id)?.get('count')).toBeUndefined();
    expect(t.onEventTime()).toBe(TriggerResult.CONTINUE);
    expect(String(t)).toBe('CountTrigger(3)');
  });

  it('adds up the counts of merged windows', async () => {
    const h = new Harness();
    const t = CountTrigger.of(4);
    const a = new TimeWindow(0, 3);
    const b = new TimeWindow(5, 8);
    const merged = new TimeWindow(0, 8);
    await t.onElement(1, 1, a, h.ctx(a));
    await t.onElement(2, 2, a, h.ctx(a));
    await t.onElement(3, 6, b, h.ctx(b));
    await t.onMerge(merged, h.ctx(merged, [a, b]));
    expect(h.state.get(merged.id)?.get('count')).toBe(3);
    expect(h.state.get(a.id)?.get('count')).toBeUndefined();
    expect(await t.onElement(4, 7, merged, h.ctx(merged))).toBe(TriggerResult.FIRE);
  });

  it('validates n', () => {
    expect(() => CountTrigger.of(0)).toThrow(TypeError);
    expect(() => CountTrigger.of(1.5)).toThrow(TypeError);
    expect(() => CountTrigger.of(1)).not.toThrow();
  });
});

describe('PurgingTrigger', () => {
  it('turns FIRE into FIRE_AND_PURGE and passes everything else through', async () => {
    const h = new Harness();
    const t = PurgingTrigger.of(CountTrigger.of(2));
    expect(await t.onElement(1, undefined, w, h.ctx(w))).toBe(TriggerResult.CONTINUE);
    expect(await t.onElement(2, undefined, w, h.ctx(w))).toBe(TriggerResult.FIRE_AND_PURGE);
    const e = PurgingTrigger.of(EventTimeTrigger.create());
    expect(e.onElement('a', 1, w, h.ctx(w))).toBe(TriggerResult.CONTINUE);
    expect(e.onEventTime(9, w, h.ctx(w))).toBe(TriggerResult.FIRE_AND_PURGE);
    expect(e.onEventTime(8, w, h.ctx(w))).toBe(TriggerResult.CONTINUE);
    expect(e.canMerge()).toBe(true);
    expect(String(e)).toBe('PurgingTrigger(EventTimeTrigger())');
    await e.clear(w, h.ctx(w));
    expect(h.eventTimers.size).toBe(0);
  });

  it('keeps PURGE and delegates processing time, merging and canMerge', async () => {
    class PurgeOnProcessingTime extends Trigger {
      onElement(): TriggerResult {
        return TriggerResult.CONTINUE;
      }
      onEventTime(): TriggerResult {
        return TriggerResult.FIRE;
      }
      onProcessingTime(): Promise<TriggerResult> {
        return Promise.resolve(TriggerResult.PURGE);
      }
      clear(): void {}
    }
    const h = new Harness();
    const t = PurgingTrigger.of(new PurgeOnProcessingTime());
    expect(await t.onProcessingTime(1, w, h.ctx(w))).toBe(TriggerResult.PURGE);
    expect(t.onEventTime(1, w, h.ctx(w))).toBe(TriggerResult.FIRE_AND_PURGE);
    expect(t.canMerge()).toBe(false);
    expect(() => t.onMerge(w, h.ctx(w))).toThrow(/does not support merging/);
    expect(() => PurgingTrigger.of({} as never)).toThrow(TypeError);
  });
});

describe('ContinuousEventTimeTrigger', () => {
  it('fires every interval of event time, and at the window end', async () => {
    const h = new Harness();
    const window = new TimeWindow(0, 10_000);
    const t = ContinuousEventTimeTrigger.of(3000);
    expect(await t.onElement('a', 1500, window, h.ctx(window))).toBe(TriggerResult.CONTINUE);
    expect([...h.eventTimers].sort()).toEqual(['0_10000@3000', '0_10000@9999']);
    expect(await t.onElement('b', 4500, window, h.ctx(window))).toBe(TriggerResult.CONTINUE); // timer already set
    expect(h.eventTimers.size).toBe(2);
    expect(await t.onEventTime(3000, window, h.ctx(window))).toBe(TriggerResult.FIRE);
    expect(h.eventTimers.has('0_10000@6000')).toBe(true);
    expect(await t.onEventTime(4000, window, h.ctx(window))).toBe(TriggerResult.CONTINUE);
    expect(await t.onEventTime(6000, window, h.ctx(window))).toBe(TriggerResult.FIRE);
    expect(await t.onEventTime(9000, window, h.ctx(window))).toBe(TriggerResult.FIRE);
    // the next periodic firing is capped at the window end (FLINK-20443)
    expect(h.state.get(window.id)?.get('fire-time')).toBe(9999);
    expect(await t.onEventTime(9999, window, h.ctx(window))).toBe(TriggerResult.FIRE);
    await t.clear(window, h.ctx(window));
    expect(h.state.get(window.id)?.get('fire-time')).toBeUndefined();
    expect(h.eventTimers.has('0_10000@9999')).toBe(false);
  });

  it('fires at once for a late element and needs a timestamp', async () => {
    const h = new Harness();
    h.watermark = 9;
    expect(await ContinuousEventTimeTrigger.of(3).onElement('a', 2, w, h.ctx(w))).toBe(TriggerResult.FIRE);
    h.watermark = MIN_WATERMARK;
    await expect(ContinuousEventTimeTrigger.of(3).onElement('a', undefined, w, h.ctx(w))).rejects.toMatchObject({
      code: ErrorCodes.MISSING_TIMESTAMP,
    });
  });

  it('keeps the earliest firing time on merge and registers it', async () => {
    const h = new Harness();
    const t = ContinuousEventTimeTrigger.of(1000);
    const a = new TimeWindow(0, 3000);
    const b = new TimeWindow(2500, 5500);
    const merged = new TimeWindow(0, 5500);
    await t.onElement('x', 2500, b, h.ctx(b)); // fire-time 3000
    await t.onElement('y', 100, a, h.ctx(a)); // fire-time 1000
    await t.onMerge(merged, h.ctx(merged, [a, b]));
    expect(h.state.get(merged.id)?.get('fire-time')).toBe(1000);
    expect(h.eventTimers.has('0_5500@1000')).toBe(true);
    expect(await t.onEventTime(1000, merged, h.ctx(merged))).toBe(TriggerResult.FIRE);
    expect(h.eventTimers.has('0_5500@2000')).toBe(true);
  });

  it('validates the interval', () => {
    expect(() => ContinuousEventTimeTrigger.of(0)).toThrow(TypeError);
    expect(String(ContinuousEventTimeTrigger.of(5))).toBe('ContinuousEventTimeTrigger(5)');
  });
});

describe('ContinuousProcessingTimeTrigger', () => {
  it('fires every interval of processing time, capped at the window end', async () => {
    const h = new Harness();
    const window = new TimeWindow(0, 10_000);
    const t = ContinuousProcessingTimeTrigger.of(4000);
    h.processingTime = 1234;
    expect(await t.onElement('a', undefined, window, h.ctx(window))).toBe(TriggerResult.CONTINUE);
    expect([...h.processingTimers]).toEqual(['0_10000@4000']);
    expect(await t.onElement('b', undefined, window, h.ctx(window))).toBe(TriggerResult.CONTINUE);
    expect(h.processingTimers.size).toBe(1);
    expect(await t.onProcessingTime(4000, window, h.ctx(window))).toBe(TriggerResult.FIRE);
    expect(await t.onProcessingTime(8000, window, h.ctx(window))).toBe(TriggerResult.FIRE);
    expect(h.processingTimers.has('0_10000@9999')).toBe(true);
    expect(await t.onProcessingTime(5000, window, h.ctx(window))).toBe(TriggerResult.CONTINUE);
    expect(t.onEventTime()).toBe(TriggerResult.CONTINUE);
    await t.clear(window, h.ctx(window));
    expect(h.processingTimers.has('0_10000@9999')).toBe(false);
    expect(await t.onProcessingTime(9999, window, h.ctx(window))).toBe(TriggerResult.CONTINUE); // no state: no NPE
  });

  it('keeps the earliest firing time on merge and registers it', async () => {
    const h = new Harness();
    const t = ContinuousProcessingTimeTrigger.of(1000);
    const a = new TimeWindow(0, 3000);
    const b = new TimeWindow(2500, 5500);
    const merged = new TimeWindow(0, 5500);
    h.processingTime = 2100;
    await t.onElement('x', undefined, b, h.ctx(b)); // 3000
    h.processingTime = 100;
    await t.onElement('y', undefined, a, h.ctx(a)); // 1000
    await t.onMerge(merged, h.ctx(merged, [a, b]));
    expect(h.state.get(merged.id)?.get('fire-time')).toBe(1000);
    expect(h.processingTimers.has('0_5500@1000')).toBe(true);
  });
});

describe('global window triggers', () => {
  it('NeverTrigger never fires', () => {
    const h = new Harness();
    const t = new NeverTrigger();
    expect([t.onElement(), t.onEventTime(), t.onProcessingTime()]).toEqual([TriggerResult.CONTINUE, TriggerResult.CONTINUE, TriggerResult.CONTINUE]);
    expect(h.eventTimers.size + h.processingTimers.size).toBe(0);
  });

  it('EndOfStreamTrigger fires at the maximum watermark', () => {
    const h = new Harness();
    const g = GlobalWindow.get();
    const t = new EndOfStreamTrigger();
    expect(t.onElement('a', undefined, g, h.ctx(g))).toBe(TriggerResult.CONTINUE);
    expect([...h.eventTimers]).toEqual([`@${MAX_WATERMARK}`]);
    expect(t.onEventTime(1000, g)).toBe(TriggerResult.CONTINUE);
    expect(t.onEventTime(MAX_WATERMARK, g)).toBe(TriggerResult.FIRE);
  });
});
