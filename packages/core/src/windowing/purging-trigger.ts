/**
 * `PurgingTrigger`: turns every FIRE of another trigger into FIRE_AND_PURGE, as Flink's.
 */
import { TriggerResult } from './trigger-result.js';
import { Trigger, type MaybePromise, type OnMergeContext, type TriggerContext } from './trigger.js';
import type { Window } from './window.js';

function purgeOnFire(result: MaybePromise<TriggerResult>): MaybePromise<TriggerResult> {
  if (result instanceof Promise) return result.then((r) => (r.isFire() ? TriggerResult.FIRE_AND_PURGE : r));
  return result.isFire() ? TriggerResult.FIRE_AND_PURGE : result;
}

/** Wraps a trigger so that the window's contents are purged whenever it fires. */
export class PurgingTrigger<T = unknown, W extends Window = Window> extends Trigger<T, W> {
  /** The wrapped trigger. */
  readonly nestedTrigger: Trigger<T, W>;

  private constructor(nestedTrigger: Trigger<T, W>) {
    super();
    this.nestedTrigger = nestedTrigger;
  }

  /** A trigger that fires when `nestedTrigger` fires, and then purges the window. */
  static of<T, W extends Window>(nestedTrigger: Trigger<T, W>): PurgingTrigger<T, W> {
    if (typeof (nestedTrigger as Partial<Trigger<T, W>> | undefined)?.onElement !== 'function') {
      throw new TypeError('PurgingTrigger.of(trigger): trigger must be a Trigger');
    }
    return new PurgingTrigger(nestedTrigger);
  }

  /** The nested trigger's result, with FIRE turned into FIRE_AND_PURGE. */
  onElement(element: T, timestamp: number | undefined, window: W, ctx: TriggerContext): MaybePromise<TriggerResult> {
    return purgeOnFire(this.nestedTrigger.onElement(element, timestamp, window, ctx));
  }

  /** The nested trigger's result, with FIRE turned into FIRE_AND_PURGE. */
  onEventTime(time: number, window: W, ctx: TriggerContext): MaybePromise<TriggerResult> {
    return purgeOnFire(this.nestedTrigger.onEventTime(time, window, ctx));
  }

  /** The nested trigger's result, with FIRE turned into FIRE_AND_PURGE. */
  onProcessingTime(time: number, window: W, ctx: TriggerContext): MaybePromise<TriggerResult> {
    return purgeOnFire(this.nestedTrigger.onProcessingTime(time, window, ctx));
  }

  /** Clears the nested trigger. */
  clear(window: W, ctx: TriggerContext): MaybePromise<void> {
    return this.nestedTrigger.clear(window, ctx);
  }

  /** Whether the nested trigger can merge. */
  override canMerge(): boolean {
    return this.nestedTrigger.canMerge();
  }

  /** Merges the nested trigger. */
  override onMerge(window: W, ctx: OnMergeContext): MaybePromise<void> {
    return this.nestedTrigger.onMerge(window, ctx);
  }

  /** `PurgingTrigger(<nested>)`. */
  override toString(): string {
    return `PurgingTrigger(${String(this.nestedTrigger)})`;
  }
}
