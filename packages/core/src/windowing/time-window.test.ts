import { describe, expect, it } from 'vitest';
import { MAX_WATERMARK } from '../runtime/frame.js';
import { GlobalWindow } from './global-window.js';
import { TimeWindow } from './time-window.js';
import { windowFromId } from './window-from-id.js';

function merges(windows: TimeWindow[]): [string[], string][] {
  const out: [string[], string][] = [];
  TimeWindow.mergeWindows(windows, (toBeMerged, result) => out.push([toBeMerged.map((w) => w.id), result.id]));
  return out;
}

describe('TimeWindow', () => {
  it('computes window starts with floorMod (semantics.md examples)', () => {
    expect(TimeWindow.getWindowStartWithOffset(7, 0, 5)).toBe(5);
    expect(TimeWindow.getWindowStartWithOffset(7, 1, 5)).toBe(6);
    expect(TimeWindow.getWindowStartWithOffset(-7, 0, 5)).toBe(-10);
    expect(TimeWindow.getWindowStartWithOffset(5, 0, 5)).toBe(5);
    expect(TimeWindow.getWindowStartWithOffset(4, 0, 5)).toBe(0);
    expect(TimeWindow.getWindowStartWithOffset(0, 0, 5)).toBe(0);
    expect(TimeWindow.getWindowStartWithOffset(-5, 0, 5)).toBe(-5);
    expect(Object.is(TimeWindow.getWindowStartWithOffset(-5, 0, 5), -5)).toBe(true);
    expect(Object.is(TimeWindow.getWindowStartWithOffset(0, 0, 5), 0)).toBe(true); // never -0
    // negative offsets: days starting at 16:00 UTC (UTC+8 midnight)
    expect(TimeWindow.getWindowStartWithOffset(0, -8 * 3_600_000, 86_400_000)).toBe(-8 * 3_600_000);
    expect(TimeWindow.getWindowStartWithOffset(7, -1, 5)).toBe(4);
  });

  it('has maxTimestamp end - 1, an id, equality and a Flink-like toString', () => {
    const w = new TimeWindow(0, 5);
    expect(w.maxTimestamp()).toBe(4);
    expect(w.id).toBe('0_5');
    expect(new TimeWindow(-10, -5).id).toBe('-10_-5');
    expect(w.equals(new TimeWindow(0, 5))).toBe(true);
    expect(w.equals(new TimeWindow(0, 6))).toBe(false);
    expect(w.equals(GlobalWindow.get())).toBe(false);
    expect(w.toString()).toBe('TimeWindow{start=0, end=5}');
    expect([w.getStart(), w.getEnd()]).toEqual([0, 5]);
  });

  it('intersects windows that overlap or touch, and covers them', () => {
    const a = new TimeWindow(0, 3);
    expect(a.intersects(new TimeWindow(3, 6))).toBe(true); // touching
    expect(a.intersects(new TimeWindow(2, 6))).toBe(true);
    expect(a.intersects(new TimeWindow(4, 6))).toBe(false);
    expect(new TimeWindow(4, 6).intersects(a)).toBe(false);
    expect(a.cover(new TimeWindow(5, 8))).toEqual(new TimeWindow(0, 8));
  });

  it('merges three windows into one, including touching ones, and leaves separate ones alone', () => {
    const result = merges([new TimeWindow(6, 9), new TimeWindow(0, 3), new TimeWindow(3, 6), new TimeWindow(20, 23)]);
    expect(result).toEqual([[['0_3', '3_6', '6_9'], '0_9']]);
  });

  it('reports every merged group and counts duplicates once', () => {
    expect(merges([new TimeWindow(0, 2), new TimeWindow(1, 3), new TimeWindow(10, 12), new TimeWindow(11, 13)])).toEqual([
      [['0_2', '1_3'], '0_3'],
      [['10_12', '11_13'], '10_13'],
    ]);
    expect(merges([new TimeWindow(0, 2), new TimeWindow(0, 2)])).toEqual([]);
    expect(merges([new TimeWindow(0, 4), new TimeWindow(1, 2)])).toEqual([[['0_4', '1_2'], '0_4']]);
    expect(merges([])).toEqual([]);
  });
});

describe('GlobalWindow and windowFromId', () => {
  it('GlobalWindow is a singleton ending at the maximum watermark', () => {
    expect(GlobalWindow.get()).toBe(GlobalWindow.get());
    expect(GlobalWindow.get().maxTimestamp()).toBe(Number.MAX_SAFE_INTEGER);
    expect(GlobalWindow.get().maxTimestamp()).toBe(MAX_WATERMARK);
    expect(GlobalWindow.get().id).toBe('');
    expect(GlobalWindow.get().equals(GlobalWindow.get())).toBe(true);
  });

  it('rebuilds windows from their ids', () => {
    expect(windowFromId('')).toBe(GlobalWindow.get());
    for (const w of [new TimeWindow(0, 5), new TimeWindow(-10, -5), new TimeWindow(-3, 2), new TimeWindow(1_700_000_000_000, 1_700_000_005_000), new TimeWindow(1.5, 6.5)]) {
      const back = windowFromId(w.id);
      expect(back).toEqual(w);
      expect(back.equals(w)).toBe(true);
    }
  });

  it('rejects ids that are not window ids', () => {
    for (const id of ['x', '5', '_5', '5_', '1_2_3', 'a_b', '01_5']) expect(() => windowFromId(id), id).toThrow(TypeError);
  });
});
