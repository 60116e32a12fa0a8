/**
 * `ContinuousEventTimeTrigger`: fires every `interval` of event time and at the end of the window, as Flink's
 * (with the fix of FLINK-20443: the periodic firing never goes past the window's end).
 */
import { requireTimestamp } from './missing-timestamp.js';
import { TriggerResult } from './trigger-result.js';
import { Trigger, type OnMergeContext, type TriggerContext, type TriggerReducingState, type TriggerStateDescriptor } from './trigger.js';
import type { Window } from './window.js';

/**
 * Fires periodically as the watermark advances: the first element of a window registers an event-time timer at the
 * next multiple of `interval` after its timestamp (capped at `window.maxTimestamp()`), kept in the reducing state
 * `fire-time` (a min); each such timer FIREs and registers the next. The window also FIREs at its end, as with
 * `EventTimeTrigger`, and at once for an element that arrives after the watermark passed the end.
 */
export class ContinuousEventTimeTrigger extends Trigger<unknown, Window> {
  /** The state descriptor of the next periodic firing time (the lowest wins when windows merge). */
  static readonly STATE: TriggerStateDescriptor = { name: 'fire-time', reduceFn: (a, b) => Math.min(a, b) };

  /** The firing interval in milliseconds. */
  readonly interval: number;

  private constructor(interval: number) {
    super();
    this.interval = interval;
  }

  /** A trigger that fires every `interval` milliseconds of event time (`interval > 0`). */
  static of(interval: number): ContinuousEventTimeTrigger {
    if (!Number.isFinite(interval) || interval <= 0) {
      throw new TypeError(`ContinuousEventTimeTrigger.of(interval): interval must be a number > 0, got ${interval}`);
    }
    return new ContinuousEventTimeTrigger(interval);
  }

  /** Late element: FIRE. Otherwise registers the end-of-window timer and, for the window's first element, the next periodic one. */
  async onElement(_element: unknown, timestamp: number | undefined, window: Window, ctx: TriggerContext): Promise<TriggerResult> {
    if (window.maxTimestamp() <= ctx.getCurrentWatermark()) return TriggerResult.FIRE;
    ctx.registerEventTimeTimer(window.maxTimestamp());
    const fireTime = ctx.getPartitionedState(ContinuousEventTimeTrigger.STATE);
    if ((await fireTime.get()) === undefined) {
      const time = requireTimestamp(timestamp, this);
      // Truncating remainder, as Flink's `timestamp % interval` on longs.
      await this.registerNextFireTime(time - (time % this.interval), window, ctx, fireTime);
    }
    return TriggerResult.CONTINUE;
  }

  /** FIRE at the window's end; FIRE and register the next timer at the periodic firing time. */
  async onEventTime(time: number, window: Window, ctx: TriggerContext): Promise<TriggerResult> {
    if (time === window.maxTimestamp()) return TriggerResult.FIRE;
    const fireTime = ctx.getPartitionedState(ContinuousEventTimeTrigger.STATE);
    if ((await fireTime.get()) === time) {
      await fireTime.clear();
      await this.registerNextFireTime(time, window, ctx, fireTime);
      return TriggerResult.FIRE;
    }
    return TriggerResult.CONTINUE;
  }

  /** CONTINUE. */
  onProcessingTime(_time?: number, _window?: Window, _ctx?: TriggerContext): TriggerResult {
    return TriggerResult.CONTINUE;
  }

  /** Deletes the periodic timer and its state (the end-of-window timer is the operator's cleanup time). */
  async clear(_window: Window, ctx: TriggerContext): Promise<void> {
    const fireTime = ctx.getPartitionedState(ContinuousEventTimeTrigger.STATE);
    const time = await fireTime.get();
    if (time !== undefined) {
      ctx.deleteEventTimeTimer(time);
      await fireTime.clear();
    }
  }

  /** True. */
  override canMerge(): boolean {
    return true;
  }

  /** Keeps the earliest periodic firing time of the merged windows and registers its timer. */
  override async onMerge(_window: Window, ctx: OnMergeContext): Promise<void> {
    await ctx.mergePartitionedState(ContinuousEventTimeTrigger.STATE);
    const next = await ctx.getPartitionedState(ContinuousEventTimeTrigger.STATE).get();
    if (next !== undefined) ctx.registerEventTimeTimer(next);
  }

  /** `ContinuousEventTimeTrigger(interval)`. */
  override toString(): string {
    return `ContinuousEventTimeTrigger(${this.interval})`;
  }

  private async registerNextFireTime(time: number, window: Window, ctx: TriggerContext, fireTime: TriggerReducingState): Promise<void> {
    const next = Math.min(time + this.interval, window.maxTimestamp());
    await fireTime.add(next);
    ctx.registerEventTimeTimer(next);
  }
}
