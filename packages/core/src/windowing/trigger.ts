/**
 * `Trigger`: decides when a window is evaluated and purged, as Flink's `Trigger`, and the contexts the window
 * operator hands it.
 *
 * Threading and lifecycle: the window operator calls a trigger on its task's mailbox, one call at a time, for the
 * current key and the window passed to the call. A call may return a promise (for state access); the operator awaits
 * it before the next call. Timers and state reached through the context are scoped to that key and window. When a
 * window is cleaned up (or merged away) the operator calls `clear`, which must delete the timers and state the
 * trigger created for it.
 */
import type { TriggerResult } from './trigger-result.js';
import type { Window } from './window.js';

/** A value or a promise of it: trigger and evictor methods may be synchronous or asynchronous. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * Describes a trigger's per-window state: a number reduced with `reduceFn` (sum for a count, min for the next firing
 * time). `reduceFn` combines the stored value with an added one, and the values of windows that merge.
 * It has the shape of a `ReducingStateDescriptor<number>` (`name`, `reduceFn`).
 */
export interface TriggerStateDescriptor {
  /** The state's name, unique within the trigger. */
  readonly name: string;
  /** Combines two values (associative and commutative). */
  readonly reduceFn: (a: number, b: number) => number;
}

/**
 * A reducing number state, scoped to the current key and window, as `getPartitionedState` returns it. Methods may
 * answer synchronously or with a promise (keyed state is asynchronous); triggers always await them.
 */
export interface TriggerReducingState {
  /** The current value, or undefined when nothing was added since the last clear. */
  get(): MaybePromise<number | undefined>;
  /** Stores `value`, reduced with the current value if there is one. */
  add(value: number): MaybePromise<void>;
  /** Removes the value. */
  clear(): MaybePromise<void>;
}

/**
 * What a trigger can see and do for the current key and window. Timer registration is synchronous: the operator
 * records the request (a timer for the same time, key and window is registered once). `getCurrentWatermark()` is
 * the operator's current event-time watermark, `getCurrentProcessingTime()` its clock.
 */
export interface TriggerContext {
  /** The current processing time (milliseconds since the epoch). */
  getCurrentProcessingTime(): number;
  /** The current event-time watermark. */
  getCurrentWatermark(): number;
  /** Calls `onProcessingTime(time, window)` when the processing time reaches `time`. */
  registerProcessingTimeTimer(time: number): void;
  /** Calls `onEventTime(time, window)` when the watermark reaches `time`. */
  registerEventTimeTimer(time: number): void;
  /** Deletes a processing-time timer of this key and window, if there is one. */
  deleteProcessingTimeTimer(time: number): void;
  /** Deletes an event-time timer of this key and window, if there is one. */
  deleteEventTimeTimer(time: number): void;
  /** The trigger's reducing state named by `descriptor`, for the current key and window. */
  getPartitionedState(descriptor: TriggerStateDescriptor): TriggerReducingState;
}

/**
 * The context of `onMerge`: the window passed to `onMerge` is the merge result; `mergePartitionedState` reduces the
 * named state of the merged windows into it (with the descriptor's `reduceFn`) and clears theirs.
 */
export interface OnMergeContext extends TriggerContext {
  /** Merges the state named by `descriptor` of the merged windows into the merge result's. */
  mergePartitionedState(descriptor: TriggerStateDescriptor): MaybePromise<void>;
}

/**
 * Decides when a window fires and when it is purged. Subclass it for a custom trigger; each `on*` method returns a
 * `TriggerResult` (or a promise of one). A trigger used with a merging assigner (session windows) must return true
 * from `canMerge()` and implement `onMerge`.
 */
export abstract class Trigger<T = unknown, W extends Window = Window> {
  /** Called for every element added to `window`; `timestamp` is the element's (undefined without one). */
  abstract onElement(element: T, timestamp: number | undefined, window: W, ctx: TriggerContext): MaybePromise<TriggerResult>;

  /** Called when an event-time timer registered by this trigger for `window` fires. */
  abstract onEventTime(time: number, window: W, ctx: TriggerContext): MaybePromise<TriggerResult>;

  /** Called when a processing-time timer registered by this trigger for `window` fires. */
  abstract onProcessingTime(time: number, window: W, ctx: TriggerContext): MaybePromise<TriggerResult>;

  /** Whether this trigger supports merging windows (`onMerge`); false unless overridden. */
  canMerge(): boolean {
    return false;
  }

  /**
   * Called when windows merged into `window`: merge state with `ctx.mergePartitionedState` and register the timers
   * the merged window needs. The default throws: the trigger does not support merging.
   */
  onMerge(_window: W, _ctx: OnMergeContext): MaybePromise<void> {
    throw new TypeError(`${this.constructor.name} does not support merging windows (canMerge() is false)`);
  }

  /** Called when `window` is removed: delete the timers and state this trigger created for it. */
  abstract clear(window: W, ctx: TriggerContext): MaybePromise<void>;

  /** The trigger's class name, `Name()`; built-in triggers add their parameters. */
  toString(): string {
    return `${this.constructor.name}()`;
  }
}
