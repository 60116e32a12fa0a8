/**
 * `ProcessingTimeTrigger`: the default trigger of processing-time windows, as Flink's.
 */
import { TriggerResult } from './trigger-result.js';
import { Trigger, type OnMergeContext, type TriggerContext } from './trigger.js';
import type { Window } from './window.js';

/** Fires when the processing time reaches the window's end: a processing-time timer at `window.maxTimestamp()`. */
export class ProcessingTimeTrigger extends Trigger<unknown, Window> {
  private static readonly INSTANCE = new ProcessingTimeTrigger();

  private constructor() {
    super();
  }

  /** The processing-time trigger. */
  static create(): ProcessingTimeTrigger {
    return ProcessingTimeTrigger.INSTANCE;
  }

  /** Registers the end-of-window processing-time timer. */
  onElement(_element: unknown, _timestamp: number | undefined, window: Window, ctx: TriggerContext): TriggerResult {
    ctx.registerProcessingTimeTimer(window.maxTimestamp());
    return TriggerResult.CONTINUE;
  }

  /** CONTINUE. */
  onEventTime(_time?: number, _window?: Window, _ctx?: TriggerContext): TriggerResult {
    return TriggerResult.CONTINUE;
  }

  /** FIRE: the only processing-time timer this trigger registers is the window's end. */
  onProcessingTime(_time?: number, _window?: Window, _ctx?: TriggerContext): TriggerResult {
    return TriggerResult.FIRE;
  }

  /** Deletes the end-of-window timer. */
  clear(window: Window, ctx: TriggerContext): void {
    ctx.deleteProcessingTimeTimer(window.maxTimestamp());
  }

  /** True. */
  override canMerge(): boolean {
    return true;
  }

  /** Registers the merged window's timer, unless the processing time already passed it. */
  override onMerge(window: Window, ctx: OnMergeContext): void {
    const maxTimestamp = window.maxTimestamp();
    if (maxTimestamp > ctx.getCurrentProcessingTime()) ctx.registerProcessingTimeTimer(maxTimestamp);
  }

  /** `ProcessingTimeTrigger()`. */
  override toString(): string {
    return 'ProcessingTimeTrigger()';
  }
}
