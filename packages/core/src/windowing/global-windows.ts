/**
 * `GlobalWindows`: one window per key holding every element, fired only by a trigger, as Flink's (with its
 * `NeverTrigger` and `EndOfStreamTrigger`).
 */
import { GlobalWindow } from './global-window.js';
import { TriggerResult } from './trigger-result.js';
import { Trigger, type OnMergeContext, type TriggerContext } from './trigger.js';
import { WindowAssigner, type WindowAssignerContext } from './window-assigner.js';
import type { Window } from './window.js';

/** The default trigger of `GlobalWindows.create()`: never fires (usable with any window). */
export class NeverTrigger extends Trigger<unknown, Window> {
  /** CONTINUE. */
  onElement(_element?: unknown, _timestamp?: number, _window?: Window, _ctx?: TriggerContext): TriggerResult {
    return TriggerResult.CONTINUE;
  }

  /** CONTINUE. */
  onEventTime(_time?: number, _window?: Window, _ctx?: TriggerContext): TriggerResult {
    return TriggerResult.CONTINUE;
  }

  /** CONTINUE. */
  onProcessingTime(_time?: number, _window?: Window, _ctx?: TriggerContext): TriggerResult {
    return TriggerResult.CONTINUE;
  }

  /** Nothing to clear. */
  clear(_window?: Window, _ctx?: TriggerContext): void {}

  /** Nothing to merge (global windows never merge). */
  override onMerge(_window?: Window, _ctx?: OnMergeContext): void {}

  /** `NeverTrigger()`. */
  override toString(): string {
    return 'NeverTrigger()';
  }
}

/**
 * The trigger of `GlobalWindows.createWithEndOfStreamTrigger()`: fires once, when the input ends (the maximum
 * watermark reaches `GlobalWindow.maxTimestamp()`).
 */
export class EndOfStreamTrigger extends Trigger<unknown, GlobalWindow> {
  /** Registers an event-time timer at the maximum watermark. */
  onElement(_element: unknown, _timestamp: number | undefined, window: GlobalWindow, ctx: TriggerContext): TriggerResult {
    ctx.registerEventTimeTimer(window.maxTimestamp());
    return TriggerResult.CONTINUE;
  }

  /** FIRE at the maximum watermark. */
  onEventTime(time: number, window: GlobalWindow, _ctx?: TriggerContext): TriggerResult {
    return time === window.maxTimestamp() ? TriggerResult.FIRE : TriggerResult.CONTINUE;
  }

  /** CONTINUE. */
  onProcessingTime(_time?: number, _window?: GlobalWindow, _ctx?: TriggerContext): TriggerResult {
    return TriggerResult.CONTINUE;
  }

  /** Nothing to clear. */
  clear(_window?: GlobalWindow, _ctx?: TriggerContext): void {}

  /** Nothing to merge (global windows never merge). */
  override onMerge(_window?: GlobalWindow, _ctx?: OnMergeContext): void {}

  /** `EndOfStreamTrigger()`. */
  override toString(): string {
    return 'EndOfStreamTrigger()';
  }
}

/**
 * Assigns every element to the one `GlobalWindow`. Without a trigger that fires (`.trigger(...)`, or
 * `createWithEndOfStreamTrigger()`) the window never fires. Not an event-time assigner: no lateness applies and the
 * window is never cleaned up by time.
 */
export class GlobalWindows extends WindowAssigner<unknown, GlobalWindow> {
  private readonly defaultTrigger: Trigger<unknown, GlobalWindow>;

  private constructor(defaultTrigger: Trigger<unknown, GlobalWindow>) {
    super();
    this.defaultTrigger = defaultTrigger;
  }

  /** Global windows whose default trigger never fires. */
  static create(): GlobalWindows {
    return new GlobalWindows(new NeverTrigger());
  }

  /** Global windows that fire once, when the input ends. */
  static createWithEndOfStreamTrigger(): GlobalWindows {
    return new GlobalWindows(new EndOfStreamTrigger());
  }

  /** `[GlobalWindow.get()]`. */
  assignWindows(_element?: unknown, _timestamp?: number, _context?: WindowAssignerContext): GlobalWindow[] {
    return [GlobalWindow.get()];
  }

  /** `NeverTrigger` or `EndOfStreamTrigger`. */
  getDefaultTrigger(): Trigger<unknown, GlobalWindow> {
    return this.defaultTrigger;
  }

  /** False. */
  isEventTime(): boolean {
    return false;
  }

  /** `GlobalWindows(trigger=NeverTrigger)`. */
  override toString(): string {
    return `GlobalWindows(trigger=${this.defaultTrigger.constructor.name})`;
  }
}
