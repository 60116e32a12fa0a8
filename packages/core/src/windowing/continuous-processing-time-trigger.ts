/**
 * `ContinuousProcessingTimeTrigger`: fires every `interval` of processing time, as Flink's (with the fix of
 * FLINK-20443: the periodic firing never goes past the window's end).
 */
import { TriggerResult } from './trigger-result.js';
import { Trigger, type OnMergeContext, type TriggerContext, type TriggerReducingState, type TriggerStateDescriptor } from './trigger.js';
import type { Window } from './window.js';

/**
 * Fires periodically by the clock: the first element of a window registers a processing-time timer at the next
 * multiple of `interval` after the current processing time (capped at `window.maxTimestamp()`), kept in the reducing
 * state `fire-time` (a min); each such timer FIREs and registers the next.
 */
export class ContinuousProcessingTimeTrigger extends Trigger<unknown, Window> {
  /** The state descriptor of the next firing time (the lowest wins when windows merge). */
  static readonly STATE: TriggerStateDescriptor = { name: 'fire-time', reduceFn: (a, b) => Math.min(a, b) };

  /** The firing interval in milliseconds. */
  readonly interval: number;

  private constructor(interval: number) {
    super();
    this.interval = interval;
  }

  /** A trigger that fires every `interval` milliseconds of processing time (`interval > 0`). */
  static of(interval: number): ContinuousProcessingTimeTrigger {
    if (!Number.isFinite(interval) || interval <= 0) {
      throw new TypeError(`ContinuousProcessingTimeTrigger.of(interval): interval must be a number > 0, got ${interval}`);
    }
    return new ContinuousProcessingTimeTrigger(interval);
  }

  /** For the window's first element, registers the next periodic timer. */
  async onElement(_element: unknown, _timestamp: number | undefined, window: Window, ctx: TriggerContext): Promise<TriggerResult> {
    const fireTime = ctx.getPartitionedState(ContinuousProcessingTimeTrigger.STATE);
    if ((await fireTime.get()) === undefined) {
      const now = ctx.getCurrentProcessingTime();
      await this.registerNextFireTime(now - (now % this.interval), window, ctx, fireTime);
    }
    return TriggerResult.CONTINUE;
  }

  /** CONTINUE. */
  onEventTime(_time?: number, _window?: Window, _ctx?: TriggerContext): TriggerResult {
    return TriggerResult.CONTINUE;
  }

  /** FIRE and register the next timer when `time` is the stored firing time. */
  async onProcessingTime(time: number, window: Window, ctx: TriggerContext): Promise<TriggerResult> {
    const fireTime = ctx.getPartitionedState(ContinuousProcessingTimeTrigger.STATE);
    if ((await fireTime.get()) === time) {
      await fireTime.clear();
      await this.registerNextFireTime(time, window, ctx, fireTime);
      return TriggerResult.FIRE;
    }
    return TriggerResult.CONTINUE;
  }

  /** Deletes the periodic timer and its state. */
  async clear(_window: Window, ctx: TriggerContext): Promise<void> {
    const fireTime = ctx.getPartitionedState(ContinuousProcessingTimeTrigger.STATE);
    const time = await fireTime.get();
    if (time !== undefined) {
      ctx.deleteProcessingTimeTimer(time);
      await fireTime.clear();
    }
  }

  /** True. */
  override canMerge(): boolean {
    return true;
  }

  /** Keeps the earliest firing time of the merged windows and registers its timer. */
  override async onMerge(_window: Window, ctx: OnMergeContext): Promise<void> {
    await ctx.mergePartitionedState(ContinuousProcessingTimeTrigger.STATE);
    const next = await ctx.getPartitionedState(ContinuousProcessingTimeTrigger.STATE).get();
    if (next !== undefined) ctx.registerProcessingTimeTimer(next);
  }

  /** `ContinuousProcessingTimeTrigger(interval)`. */
  override toString(): string {
    return `ContinuousProcessingTimeTrigger(${this.interval})`;
  }

  private async registerNextFireTime(time: number, window: Window, ctx: TriggerContext, fireTime: TriggerReducingState): Promise<void> {
    const next = Math.min(time + this.interval, window.maxTimestamp());
    await fireTime.add(next);
    ctx.registerProcessingTimeTimer(next);
  }
}
