/**
 * `Evictor`: removes elements from a window's contents before and/or after the window function runs, as Flink's.
 * An evictor makes the window keep every element (no pre-aggregation) and cannot be used with merging assigners.
 */
import type { MaybePromise } from './trigger.js';
import type { Window } from './window.js';

/** An element of a window's contents with its event timestamp (undefined if it had none). */
export interface TimestampedValue<T> {
  /** The element. */
  readonly value: T;
  /** The element's timestamp, undefined when the record had none. */
  readonly timestamp: number | undefined;
}

/** What an evictor can see. */
export interface EvictorContext {
  /** The current processing time. */
  getCurrentProcessingTime(): number;
  /** The current event-time watermark. */
  getCurrentWatermark(): number;
}

/**
 * Removes elements from a firing window. The operator passes the window's contents in insertion order as a mutable
 * array; the evictor removes elements from it in place (for example with `splice`), and the operator stores what is
 * left (the evicted elements are gone for later firings too). `size` is the number of elements when called. Called on
 * the operator's mailbox, one call at a time; may return a promise.
 */
export interface Evictor<T = unknown, W extends Window = Window> {
  /** Called before the window function. */
  evictBefore(elements: TimestampedValue<T>[], size: number, window: W, ctx: EvictorContext): MaybePromise<void>;
  /** Called after the window function. */
  evictAfter(elements: TimestampedValue<T>[], size: number, window: W, ctx: EvictorContext): MaybePromise<void>;
}
