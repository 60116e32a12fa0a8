/**
 * `WindowAssigner`: assigns each element to zero or more windows, as Flink's `WindowAssigner` and
 * `MergingWindowAssigner`.
 */
import type { Trigger } from './trigger.js';
import type { MergeCallback, Window } from './window.js';

/** What an assigner can see when it assigns windows. */
export interface WindowAssignerContext {
  /** The current processing time (milliseconds since the epoch), used by processing-time assigners. */
  getCurrentProcessingTime(): number;
}

/**
 * Assigns elements to windows. `assignWindows` is called for every element, on the operator's mailbox; it must not
 * keep per-element state. Event-time assigners (`isEventTime()`) throw `WEIR_MISSING_TIMESTAMP` for an element
 * without a timestamp.
 */
export abstract class WindowAssigner<T = unknown, W extends Window = Window> {
  /** The windows `element` (with event time `timestamp`, undefined without one) belongs to. */
  abstract assignWindows(element: T, timestamp: number | undefined, context: WindowAssignerContext): W[];

  /** The trigger used when the window has none set with `.trigger(t)`. */
  abstract getDefaultTrigger(): Trigger<T, W>;

  /** Whether the windows are in event time (fired by watermarks; lateness applies). */
  abstract isEventTime(): boolean;

  /** The assigner's class name, `Name()`; built-in assigners add their parameters. */
  toString(): string {
    return `${this.constructor.name}()`;
  }
}

/**
 * An assigner whose windows can merge (session windows). The window operator tracks the in-flight windows of each key
 * with a `MergingWindowSet`, which calls `mergeWindows`.
 */
export abstract class MergingWindowAssigner<T = unknown, W extends Window = Window> extends WindowAssigner<T, W> {
  /** Calls `callback(toBeMerged, mergeResult)` for each group of `windows` that merges into one window. */
  abstract mergeWindows(windows: W[], callback: MergeCallback<W>): void;
}

/** Whether `assigner` merges windows (an instance of `MergingWindowAssigner`). */
export function isMergingWindowAssigner<T, W extends Window>(assigner: WindowAssigner<T, W>): assigner is MergingWindowAssigner<T, W> {
  return assigner instanceof MergingWindowAssigner;
}
