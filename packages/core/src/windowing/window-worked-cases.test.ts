/**
 * The worked cases of semantics.md (from Flink's WindowOperatorTest), run through a minimal reference driver that
 * combines the building blocks the way Flink's WindowOperator does: assign windows, skip late windows, track merging
 * windows, add to the state window, ask the trigger, fire/purge, register the cleanup timer, and on a watermark fire
 * the due timers in time order, then clean up windows at their cleanup time.
 */
import { describe, expect, it } from 'vitest';
import { MAX_WATERMARK, MIN_WATERMARK } from '../runtime/frame.js';
import { EventTimeTrigger } from './event-time-trigger.js';
import { MergingWindowSet } from './merging-window-set.js';
import { PurgingTrigger } from './purging-trigger.js';
import { EventTimeSessionWindows } from './session-windows.js';
import { SlidingEventTimeWindows } from './sliding-windows.js';
import { TumblingEventTimeWindows } from './tumbling-windows.js';
import type { OnMergeContext, Trigger, TriggerReducingState, TriggerStateDescriptor } from './trigger.js';
import { isMergingWindowAssigner, type WindowAssigner } from './window-assigner.js';
import { cleanupTime, isCleanupTime, isElementLate, isWindowLate } from './window-lateness.js';
import type { Window } from './window.js';

interface Timer {
  key: string;
  window: Window;
  time: number;
}

class ReferenceWindowOperator {
  watermark = MIN_WATERMARK;
  readonly output: string[] = [];
  readonly late: string[] = [];
  private readonly contents = new Map<string, number[]>(); // `${key}|${stateWindowId}` -> values
  private readonly triggerState = new Map<string, number>(); // `${key}|${windowId}|${name}`
  private readonly timers = new Map<string, Timer>();
  private readonly windowSets = new Map<string, MergingWindowSet<Window>>();

  constructor(
    private readonly assigner: WindowAssigner<number, Window>,
    private readonly trigger: Trigger<number, Window>,
    private readonly allowedLateness = 0,
  ) {}

  private ctx(key: string, window: Window, mergedWindows: Window[] = []): OnMergeContext {
    const stateKey = (w: Window, d: TriggerStateDescriptor): string => `${key}|${w.id}|${d.name}`;
    const state = (d: TriggerStateDescriptor): TriggerReducingState => ({
      get: () => this.triggerState.get(stateKey(window, d)),
      add: (v) => {
        const old = this.triggerState.get(stateKey(window, d));
        this.triggerState.set(stateKey(window, d), old === undefined ? v : d.reduceFn(old, v));
      },
      clear: () => void this.triggerState.delete(stateKey(window, d)),
    });
    return {
      getCurrentProcessingTime: () => 0,
      getCurrentWatermark: () => this.watermark,
      registerEventTimeTimer: (time) => void this.timers.set(`${key}|${window.id}|${time}`, { key, window, time }),
      deleteEventTimeTimer: (time) => void this.timers.delete(`${key}|${window.id}|${time}`),
      registerProcessingTimeTimer: () => undefined,
      deleteProcessingTimeTimer: () => undefined,
      getPartitionedState: state,
      mergePartitionedState: async (d) => {
        for (const m of mergedWindows) {
          const v = this.triggerState.get(stateKey(m, d));
          if (v !== undefined) await state(d).add(v);
          this.triggerState.delete(stateKey(m, d));
        }
      },
    };
  }

  private emit(key: string, window: Window, stateWindow: Window): void {
    const values = this.contents.get(`${key}|${stateWindow.id}`);
    if (values === undefined) return;
    this.output.push(`(${key},${values.reduce((a, b) => a + b, 0)})@${window.maxTimestamp()}`);
  }

  private registerCleanupTimer(key: string, window: Window): void {
    const time = cleanupTime(window, this.allowedLateness, this.assigner.isEventTime());
    if (time !== MAX_WATERMARK) this.ctx(key, window).registerEventTimeTimer(time);
  }

  async processElement(key: string, value: number, timestamp: number): Promise<void> {
    const windows = this.assigner.assignWindows(value, timestamp, { getCurrentProcessingTime: () => 0 });
    let skipped = true;
    let set: MergingWindowSet<Window> | undefined;
    if (isMergingWindowAssigner(this.assigner)) {
      set = this.windowSets.get(key) ?? new MergingWindowSet(this.assigner);
      this.windowSets.set(key, set);
    }
    for (const window of windows) {
      let actual = window;
      let stateWindow = window;
      if (set !== undefined) {
        actual = await set.addWindow(window, async (result, merged, stateResult, mergedStateWindows) => {
          await this.trigger.onMerge(result, this.ctx(key, result, merged));
          for (const m of merged) {
            await this.trigger.clear(m, this.ctx(key, m));
            this.ctx(key, m).deleteEventTimeTimer(cleanupTime(m, this.allowedLateness, true));
          }
          const target = this.contents.get(`${key}|${stateResult.id}`) ?? [];
          for (const s of mergedStateWindows) {
            target.push(...(this.contents.get(`${key}|${s.id}`) ?? []));
            this.contents.delete(`${key}|${s.id}`);
          }
          this.contents.set(`${key}|${stateResult.id}`, target);
        });
        if (isWindowLate(actual, this.allowedLateness, this.watermark, this.assigner)) {
          set.retireWindow(actual);
          continue;
        }
        stateWindow = set.getStateWindow(actual)!;
      } else if (isWindowLate(window, this.allowedLateness, this.watermark, this.assigner)) {
        continue;
      }
      skipped = false;
      const id = `${key}|${stateWindow.id}`;
      this.contents.set(id, [...(this.contents.get(id) ?? []), value]);
      const result = await this.trigger.onElement(value, timestamp, actual, this.ctx(key, actual));
      if (result.isFire()) this.emit(key, actual, stateWindow);
      if (result.isPurge()) this.contents.delete(id);
      this.registerCleanupTimer(key, actual);
    }
    if (skipped && isElementLate(timestamp, this.allowedLateness, this.watermark, this.assigner)) this.late.push(`${value}@${timestamp}`);
  }

  async processWatermark(watermark: number): Promise<void> {
    this.watermark = watermark;
    for (;;) {
      const due = [...this.timers.values()].filter((t) => t.time <= watermark).sort((a, b) => a.time - b.time)[0];
      if (due === undefined) break;
      this.timers.delete(`${due.key}|${due.window.id}|${due.time}`);
      const set = this.windowSets.get(due.key);
      const stateWindow = set === undefined ? due.window : set.getStateWindow(due.window);
      if (stateWindow === undefined) continue; // a timer of a window that merged away
      const result = await this.trigger.onEventTime(due.time, due.window, this.ctx(due.key, due.window));
      if (result.isFire()) this.emit(due.key, due.window, stateWindow);
      if (result.isPurge()) this.contents.delete(`${due.key}|${stateWindow.id}`);
      if (isCleanupTime(due.window, due.time, this.allowedLateness, this.assigner.isEventTime())) {
        this.contents.delete(`${due.key}|${stateWindow.id}`);
        await this.trigger.clear(due.window, this.ctx(due.key, due.window));
        set?.retireWindow(due.window);
      }
    }
  }

  /** The output since the last call, sorted (timers of equal time fire in no defined order). */
  drain(): string[] {
    return this.output.splice(0).sort();
  }
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

describe('worked cases of semantics.md', () => {
  it('1. tumbling 3 s', async () => {
    const op = new ReferenceWindowOperator(TumblingEventTimeWindows.of(3000), EventTimeTrigger.create());
    for (const [key, ts] of input) await op.processElement(key, 1, ts);
    await op.processWatermark(2999);
    expect(op.drain()).toEqual(['(key1,3)@2999', '(key2,3)@2999']);
    await op.processWatermark(5999);
    expect(op.drain()).toEqual(['(key2,2)@5999']);
    await op.processWatermark(MAX_WATERMARK);
    expect(op.drain()).toEqual([]);
  });

  it('2. sliding 3 s / 1 s', async () => {
    const op = new ReferenceWindowOperator(SlidingEventTimeWindows.of(3000, 1000), EventTimeTrigger.create());
    for (const [key, ts] of input) await op.processElement(key, 1, ts);
    const expected: [number, string[]][] = [
      [999, ['(key1,3)@999']],
      [1999, ['(key1,3)@1999', '(key2,3)@1999']],
      [2999, ['(key1,3)@2999', '(key2,3)@2999']],
      [3999, ['(key2,5)@3999']],
      [4999, ['(key2,2)@4999']],
      [5999, ['(key2,2)@5999']],
    ];
    for (const [watermark, out] of expected) {
      await op.processWatermark(watermark);
      expect(op.drain(), `watermark ${watermark}`).toEqual(out);
    }
  });

  it('3. session gap 3 s', async () => {
    const op = new ReferenceWindowOperator(EventTimeSessionWindows.withGap(3000), EventTimeTrigger.create());
    const key2: [number, number][] = [[1, 0], [2, 1000], [3, 2500], [4, 5501], [5, 6000], [5, 6000], [6, 6050]];
    for (const [v, ts] of key2) await op.processElement('key2', v, ts);
    for (const [v, ts] of [[1, 10], [2, 1000], [3, 2500]] as const) await op.processElement('key1', v, ts);
    await op.processWatermark(12000);
    // [10,5500) ends at 5499, [0,5500) too, [5501,9050) at 9049
    expect(op.drain()).toEqual(['(key1,6)@5499', '(key2,20)@9049', '(key2,6)@5499']);
    await op.processElement('key2', 10, 15000);
    await op.processElement('key2', 20, 15000);
    await op.processWatermark(17999);
    expect(op.drain()).toEqual(['(key2,30)@17999']);
  });

  it('4. tumbling 2 s with a late side output', async () => {
    const op = new ReferenceWindowOperator(TumblingEventTimeWindows.of(2000), EventTimeTrigger.create());
    await op.processElement('key2', 1, 1000);
    await op.processWatermark(1985);
    await op.processElement('key2', 1, 1980);
    await op.processWatermark(1999);
    expect(op.drain()).toEqual(['(key2,2)@1999']);
    await op.processElement('key2', 1, 1998);
    expect(op.late).toEqual(['1@1998']);
    await op.processElement('key2', 1, 2001);
    await op.processWatermark(3999);
    expect(op.drain()).toEqual(['(key2,1)@3999']);
  });

  it('5. tumbling 2 s, allowed lateness 500, PurgingTrigger(EventTimeTrigger)', async () => {
    const op = new ReferenceWindowOperator(TumblingEventTimeWindows.of(2000), PurgingTrigger.of(EventTimeTrigger.create()), 500);
    await op.processElement('key2', 1, 500);
    await op.processWatermark(1500);
    await op.processElement('key2', 1, 1300);
    await op.processWatermark(2300);
    expect(op.drain()).toEqual(['(key2,2)@1999']);
    await op.processElement('key2', 1, 1997); // late firing
    expect(op.drain()).toEqual(['(key2,1)@1999']);
    await op.processWatermark(6000);
    expect(op.drain()).toEqual([]);
    await op.processElement('key2', 1, 1998);
    expect(op.late).toEqual(['1@1998']);
    expect(op.drain()).toEqual([]);
  });
});
