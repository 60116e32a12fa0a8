import { describe, expect, it } from 'vitest';
import { MergingWindowSet, type MergeFunction, type WindowMerger } from './merging-window-set.js';
import { EventTimeSessionWindows } from './session-windows.js';
import { TimeWindow } from './time-window.js';

const tw = (start: number, end: number): TimeWindow => new TimeWindow(start, end);

/** Records the merge callback of one addWindow call; fails on a second call (one merge per add for sessions). */
class RecordingMerge {
  calls: { result: string; merged: string[]; stateWindow: string; mergedStateWindows: string[] }[] = [];
  readonly fn: MergeFunction<TimeWindow> = (result, merged, stateWindow, mergedStateWindows) => {
    this.calls.push({
      result: result.id,
      merged: merged.map((w) => w.id).sort(),
      stateWindow: stateWindow.id,
      mergedStateWindows: mergedStateWindows.map((w) => w.id).sort(),
    });
  };
  reset(): this {
    this.calls = [];
    return this;
  }
}

const sessions = (): MergingWindowSet<TimeWindow> => new MergingWindowSet(EventTimeSessionWindows.withGap(3));

describe('MergingWindowSet', () => {
  it('merges incrementally and keeps the first state window', async () => {
    const set = sessions();
    const m = new RecordingMerge();
    expect((await set.addWindow(tw(0, 4), m.reset().fn)).id).toBe('0_4');
    expect(m.calls).toEqual([]);
    expect(set.getStateWindow(tw(0, 4))?.id).toBe('0_4');

    expect((await set.addWindow(tw(0, 4), m.reset().fn)).id).toBe('0_4'); // identical window: no merge
    expect(m.calls).toEqual([]);

    expect((await set.addWindow(tw(3, 5), m.reset().fn)).id).toBe('0_5');
    expect(m.calls).toEqual([{ result: '0_5', merged: ['0_4'], stateWindow: '0_4', mergedStateWindows: [] }]);

    expect((await set.addWindow(tw(4, 6), m.reset().fn)).id).toBe('0_6');
    expect(m.calls).toEqual([{ result: '0_6', merged: ['0_5'], stateWindow: '0_4', mergedStateWindows: [] }]);
    expect(set.getStateWindow(tw(0, 6))?.id).toBe('0_4');

    // windows inside the merged one: no merge, the state window stays
    for (const inside of [tw(1, 4), tw(0, 4), tw(3, 5), tw(4, 6), tw(0, 6)]) {
      expect((await set.addWindow(inside, m.reset().fn)).id).toBe('0_6');
      expect(m.calls).toEqual([]);
    }
    expect(set.getStateWindow(tw(0, 6))?.id).toBe('0_4');

    // a separate session
    expect((await set.addWindow(tw(11, 14), m.reset().fn)).id).toBe('11_14');
    expect(m.calls).toEqual([]);
    expect((await set.addWindow(tw(10, 13), m.reset().fn)).id).toBe('10_14');
    expect(m.calls).toEqual([{ result: '10_14', merged: ['11_14'], stateWindow: '11_14', mergedStateWindows: [] }]);
    expect((await set.addWindow(tw(12, 15), m.reset().fn)).id).toBe('10_15');
    expect(set.getStateWindow(tw(10, 15))?.id).toBe('11_14');
    expect(set.getStateWindow(tw(0, 6))?.id).toBe('0_4');
    expect(set.size).toBe(2);

    set.retireWindow(tw(0, 6));
    expect(set.getStateWindow(tw(0, 6))).toBeUndefined();
    expect(set.getStateWindow(tw(10, 15))?.id).toBe('11_14');
    expect(() => set.retireWindow(tw(0, 6))).toThrow(/not in the in-flight window set/);
  });

  it('merges existing windows bridged by a new one: one state window survives, the other is merged into it', async () => {
    const set = sessions();
    const m = new RecordingMerge();
    await set.addWindow(tw(0, 3), m.fn);
    await set.addWindow(tw(5, 8), m.fn);
    await set.addWindow(tw(10, 13), m.fn);
    expect(m.calls).toEqual([]);

    expect((await set.addWindow(tw(8, 10), m.reset().fn)).id).toBe('5_13');
    expect(m.calls).toEqual([{ result: '5_13', merged: ['10_13', '5_8'], stateWindow: '5_8', mergedStateWindows: ['10_13'] }]);
    expect(set.getStateWindow(tw(0, 3))?.id).toBe('0_3');

    expect((await set.addWindow(tw(3, 5), m.reset().fn)).id).toBe('0_13');
    expect(m.calls).toEqual([{ result: '0_13', merged: ['0_3', '5_13'], stateWindow: '0_3', mergedStateWindows: ['5_8'] }]);
    expect(set.getStateWindow(tw(0, 13))?.id).toBe('0_3');
    expect(set.windows().map((w) => w.id)).toEqual(['0_13']);
  });

  it('a large new window covering an existing one takes over its state window', async () => {
    const set = sessions();
    const m = new RecordingMerge();
    await set.addWindow(tw(1, 2), m.fn);
    expect((await set.addWindow(tw(0, 3), m.reset().fn)).id).toBe('0_3');
    expect(m.calls).toEqual([{ result: '0_3', merged: ['1_2'], stateWindow: '1_2', mergedStateWindows: [] }]);
    expect(set.getStateWindow(tw(0, 3))?.id).toBe('1_2');
  });

  it('a large new window covering several existing ones merges all their state', async () => {
    const set = sessions();
    const m = new RecordingMerge();
    for (const w of [tw(1, 3), tw(5, 8), tw(10, 13)]) await set.addWindow(w, m.fn);
    expect((await set.addWindow(tw(0, 13), m.reset().fn)).id).toBe('0_13');
    expect(m.calls).toEqual([{ result: '0_13', merged: ['10_13', '1_3', '5_8'], stateWindow: '1_3', mergedStateWindows: ['10_13', '5_8'] }]);
    expect(set.getStateWindow(tw(0, 13))?.id).toBe('1_3');
  });

  it('keeps every added window reachable with a lazily merging assigner (Flink testNonEagerMerging)', async () => {
    // Merges the windows starting inside the earliest one into [earliest.start, earliest.end + 1), even when the
    // new window is not among them.
    const nonEager: WindowMerger<TimeWindow> = {
      mergeWindows(windows, callback) {
        const earliest = windows.reduce((a, b) => (b.start < a.start ? b : a));
        const associated = windows.filter((w) => w.start < earliest.end && w.start >= earliest.start);
        if (associated.length > 1) callback(associated, tw(earliest.start, earliest.end + 1));
      },
    };
    const set = new MergingWindowSet(nonEager);
    const m = new RecordingMerge();
    for (const w of [tw(0, 2), tw(2, 5), tw(1, 2), tw(10, 12)]) {
      const result = await set.addWindow(w, m.fn);
      expect(set.getStateWindow(result), w.id).toBeDefined();
    }
    expect(set.getStateWindow(tw(10, 12))?.id).toBe('10_12');
  });

  it('adding a window equal to an in-flight merged window keeps its state window', async () => {
    // Possible with dynamic gaps: [0,2) and [1,6) merge into [0,6); then an element at 0 with gap 6 opens [0,6).
    const set = new MergingWindowSet(EventTimeSessionWindows.withDynamicGap((gap: number) => gap));
    const m = new RecordingMerge();
    await set.addWindow(tw(0, 2), m.fn);
    expect((await set.addWindow(tw(1, 6), m.reset().fn)).id).toBe('0_6');
    expect(set.getStateWindow(tw(0, 6))?.id).toBe('0_2');
    expect((await set.addWindow(tw(0, 6), m.reset().fn)).id).toBe('0_6');
    expect(m.calls).toEqual([]);
    expect(set.getStateWindow(tw(0, 6))?.id).toBe('0_2');
    // and it still merges with what comes next, with its state
    expect((await set.addWindow(tw(6, 8), m.reset().fn)).id).toBe('0_8');
    expect(m.calls).toEqual([{ result: '0_8', merged: ['0_6'], stateWindow: '0_2', mergedStateWindows: [] }]);
  });

  it('awaits an asynchronous merge function', async () => {
    const set = sessions();
    const order: string[] = [];
    await set.addWindow(tw(0, 3), () => undefined);
    await set.addWindow(tw(2, 5), async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      order.push('merged');
    });
    order.push('returned');
    expect(order).toEqual(['merged', 'returned']);
  });

  it('persists as plain data and restores, tracking whether it changed', async () => {
    const set = sessions();
    const m = new RecordingMerge();
    await set.addWindow(tw(1, 2), m.fn);
    await set.addWindow(tw(17, 42), m.fn);
    expect(set.hasChanged()).toBe(true);
    const plain = set.toPlain();
    expect(plain).toEqual([
      ['1_2', '1_2'],
      ['17_42', '17_42'],
    ]);
    expect(JSON.parse(JSON.stringify(plain))).toEqual(plain);

    const restored = MergingWindowSet.fromPlain(EventTimeSessionWindows.withGap(3), [
      ['17_42', '42_17'],
      ['-5_2', '-3_4'],
    ]);
    expect(restored.getStateWindow(tw(17, 42))).toEqual(tw(42, 17));
    expect(restored.getStateWindow(tw(-5, 2))).toEqual(tw(-3, 4));
    expect(restored.hasChanged()).toBe(false);
    expect(MergingWindowSet.fromPlain(EventTimeSessionWindows.withGap(3), undefined).size).toBe(0);

    // a restored set merges on from its state windows
    expect((await restored.addWindow(tw(1, 4), m.reset().fn)).id).toBe('-5_4');
    expect(m.calls).toEqual([{ result: '-5_4', merged: ['-5_2'], stateWindow: '-3_4', mergedStateWindows: [] }]);
    expect(restored.hasChanged()).toBe(true);
    restored.retireWindow(tw(-5, 4));
    restored.retireWindow(tw(17, 42));
    expect(restored.toPlain()).toEqual([]);
  });
});
