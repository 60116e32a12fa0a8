/**
 * `CountTrigger`: fires every `n` elements, as Flink's.
 */
import { TriggerResult } from './trigger-result.js';
import { Trigger, type OnMergeContext, type TriggerContext, type TriggerStateDescriptor } from './trigger.js';
import type { Window } from './window.js';

/**
 * Counts the elements of a window in the reducing state `count` (a sum) and FIREs when the count reaches `n`,
 * resetting it. Merging windows add their counts (the merged window fires at its next element).
 */
export class CountTrigger extends Trigger<unknown, Window> {
  /** The state descriptor of the count. */
  static readonly STATE: TriggerStateDescriptor = { name: 'count', reduceFn: (a, b) => a + b };

  /** The number of elements that fire the window. */
  readonly maxCount: number;

  private constructor(maxCount: number) {
    super();
    this.maxCount = maxCount;
  }

  /** A trigger that fires every `maxCount` elements; `maxCount` is an integer >= 1. */
  static of(maxCount: number): CountTrigger {
    if (!Number.isSafeInteger(maxCount) || maxCount < 1) {
      throw new TypeError(`CountTrigger.of(maxCount): maxCount must be an integer >= 1, got ${maxCount}`);
    }
    return new CountTrigger(maxCount);
  }

  /** Adds one to the count; FIRE and reset when it reaches `maxCount`. */
  async onElement(_element: unknown, _timestamp: number | undefined, _window: Window, ctx: TriggerContext): Promise<TriggerResult> {
    const count = ctx.getPartitionedState(CountTrigger.STATE);
    await count.add(1);
    if (((await count.get()) ?? 0) >= this.maxCount) {
      await count.clear();
      return TriggerResult.FIRE;
    }
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

  /** Clears the count. */
  async clear(_window: Window, ctx: TriggerContext): Promise<void> {
    await ctx.getPartitionedState(CountTrigger.STATE).clear();
  }

  /** True. */
  override canMerge(): boolean {
    return true;
  }

  /** Sums the counts of the merged windows. */
  override async onMerge(_window: Window, ctx: OnMergeContext): Promise<void> {
    await ctx.mergePartitionedState(CountTrigger.STATE);
  }

  /** `CountTrigger(n)`. */
  override toString(): string {
    return `CountTrigger(${this.maxCount})`;
  }
}
