/**
 * `EventTimeTrigger`: the default trigger of event-time windows, as Flink's.
 */
import { TriggerResult } from './trigger-result.js';
import { Trigger, type OnMergeContext, type TriggerContext } from './trigger.js';
import type { Window } from './window.js';

/**
 * Fires once the watermark passes the window's end: registers an event-time timer at `window.maxTimestamp()` and FIREs
 * when it fires. An element added to a window the watermark already passed (allowed lateness) FIREs at once.
 */
export class EventTimeTrigger extends Trigger<unknown, Window> {
  private static readonly INSTANCE = new EventTimeTrigger();

  private constructor() {
    super();
  }

  /** The event-time trigger. */
  static create(): EventTimeTrigger {
    return EventTimeTrigger.INSTANCE;
  }

  /** FIRE when the watermark already passed the window (a late firing), else register the end-of-window timer. */
  onElement(_element: unknown, _timestamp: number | undefined, window: Window, ctx: TriggerContext): TriggerResult {
    if (window.maxTimestamp() <= ctx.getCurrentWatermark()) return TriggerResult.FIRE;
    ctx.registerEventTimeTimer(window.maxTimestamp());
    return TriggerResult.CONTINUE;
  }

  /** FIRE iff `time` is the window's end-of-window timer. */
  onEventTime(time: number, window: Window, _ctx?: TriggerContext): TriggerResult {
    return time === window.maxTimestamp() ? TriggerResult.FIRE : TriggerResult.CONTINUE;
  }

  /** CONTINUE. */
  onProcessingTime(_time?: number, _window?: Window, _ctx?: TriggerContext): TriggerResult {
    return TriggerResult.CONTINUE;
  }

  /** Deletes the end-of-window timer. */
  clear(window: Window, ctx: TriggerContext): void {
    ctx.deleteEventTimeTimer(window.maxTimestamp());
  }

  /** True. */
  override canMerge(): boolean {
    return true;
  }

  /** Registers the merged window's end-of-window timer, unless the watermark already passed it. */
  override onMerge(window: Window, ctx: OnMergeContext): void {
    const maxTimestamp = window.maxTimestamp();
    if (maxTimestamp > ctx.getCurrentWatermark()) ctx.registerEventTimeTimer(maxTimestamp);
  }

  /** `EventTimeTrigger()`. */
  override toString(): string {
    return 'EventTimeTrigger()';
  }
}
