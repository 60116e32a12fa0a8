/**
 * Session windows: each element opens `[t, t + gap)`, and windows that overlap or touch merge, as Flink's
 * `EventTimeSessionWindows`, `ProcessingTimeSessionWindows` and their dynamic-gap variants.
 */
import { EventTimeTrigger } from './event-time-trigger.js';
import { requireTimestamp } from './missing-timestamp.js';
import { ProcessingTimeTrigger } from './processing-time-trigger.js';
import { TimeWindow } from './time-window.js';
import type { Trigger } from './trigger.js';
import { MergingWindowAssigner, type WindowAssignerContext } from './window-assigner.js';
import { checkPositive } from './window-parameters.js';
import type { MergeCallback } from './window.js';

/** Extracts the session gap (milliseconds, > 0) of an element: a function, or an object with `extract` as in Flink. */
export type SessionWindowTimeGapExtractor<T> = ((element: T) => number) | { extract(element: T): number };

function toGapFunction<T>(where: string, extractor: SessionWindowTimeGapExtractor<T>): (element: T) => number {
  if (typeof extractor === 'function') return extractor;
  if (extractor !== null && typeof extractor === 'object' && typeof extractor.extract === 'function') {
    return (element) => extractor.extract(element);
  }
  throw new TypeError(`${where}: the gap extractor must be a function (element => gap) or an object with extract(element)`);
}

function dynamicGap<T>(gapOf: (element: T) => number, element: T): number {
  const gap = gapOf(element);
  if (typeof gap !== 'number' || !Number.isFinite(gap) || gap <= 0) {
    throw new TypeError(`Dynamic session time gap must satisfy 0 < gap, got ${String(gap)}`);
  }
  return gap;
}

/**
 * Event-time session windows with a fixed gap: two elements are in one session iff their timestamps are at most `gap`
 * apart (through a chain of elements). The default trigger is `EventTimeTrigger`.
 */
export class EventTimeSessionWindows extends MergingWindowAssigner<unknown, TimeWindow> {
  /** The session gap in milliseconds. */
  readonly gap: number;

  private constructor(gap: number) {
    super();
    checkPositive('EventTimeSessionWindows.withGap(gap)', 'gap', gap);
    this.gap = gap;
  }

  /** Sessions that close after `gap` milliseconds without elements. */
  static withGap(gap: number): EventTimeSessionWindows {
    return new EventTimeSessionWindows(gap);
  }

  /** Sessions whose gap is computed per element by `extractor`. */
  static withDynamicGap<T>(extractor: SessionWindowTimeGapExtractor<T>): DynamicEventTimeSessionWindows<T> {
    return DynamicEventTimeSessionWindows.withDynamicGap(extractor);
  }

  /** `[timestamp, timestamp + gap)`; throws `WEIR_MISSING_TIMESTAMP` without a timestamp. */
  assignWindows(_element: unknown, timestamp: number | undefined, _context?: WindowAssignerContext): TimeWindow[] {
    const time = requireTimestamp(timestamp, this);
    return [new TimeWindow(time, time + this.gap)];
  }

  /** `EventTimeTrigger`. */
  getDefaultTrigger(): Trigger<unknown, TimeWindow> {
    return EventTimeTrigger.create();
  }

  /** True. */
  isEventTime(): boolean {
    return true;
  }

  /** Merges overlapping or touching windows (`TimeWindow.mergeWindows`). */
  mergeWindows(windows: TimeWindow[], callback: MergeCallback<TimeWindow>): void {
    TimeWindow.mergeWindows(windows, callback);
  }

  /** `EventTimeSessionWindows(gap)`. */
  override toString(): string {
    return `EventTimeSessionWindows(${this.gap})`;
  }
}

/** Event-time session windows whose gap comes from each element. The default trigger is `EventTimeTrigger`. */
export class DynamicEventTimeSessionWindows<T> extends MergingWindowAssigner<T, TimeWindow> {
  private readonly gapOf: (element: T) => number;

  private constructor(gapOf: (element: T) => number) {
    super();
    this.gapOf = gapOf;
  }

  /** Sessions whose gap is computed per element by `extractor` (it must return a number > 0). */
  static withDynamicGap<T>(extractor: SessionWindowTimeGapExtractor<T>): DynamicEventTimeSessionWindows<T> {
    return new DynamicEventTimeSessionWindows(toGapFunction('EventTimeSessionWindows.withDynamicGap(extractor)', extractor));
  }

  /** `[timestamp, timestamp + gap(element))`; throws `WEIR_MISSING_TIMESTAMP` without a timestamp. */
  assignWindows(element: T, timestamp: number | undefined, _context?: WindowAssignerContext): TimeWindow[] {
    const time = requireTimestamp(timestamp, this);
    return [new TimeWindow(time, time + dynamicGap(this.gapOf, element))];
  }

  /** `EventTimeTrigger`. */
  getDefaultTrigger(): Trigger<T, TimeWindow> {
    return EventTimeTrigger.create();
  }

  /** True. */
  isEventTime(): boolean {
    return true;
  }

  /** Merges overlapping or touching windows (`TimeWindow.mergeWindows`). */
  mergeWindows(windows: TimeWindow[], callback: MergeCallback<TimeWindow>): void {
    TimeWindow.mergeWindows(windows, callback);
  }

  /** `DynamicEventTimeSessionWindows()`. */
  override toString(): string {
    return 'DynamicEventTimeSessionWindows()';
  }
}

/**
 * Processing-time session windows with a fixed gap: a session closes after `gap` milliseconds of the clock without
 * elements. The default trigger is `ProcessingTimeTrigger`.
 */
export class ProcessingTimeSessionWindows extends MergingWindowAssigner<unknown, TimeWindow> {
  /** The session gap in milliseconds. */
  readonly gap: number;

  private constructor(gap: number) {
    super();
    checkPositive('ProcessingTimeSessionWindows.withGap(gap)', 'gap', gap);
    this.gap = gap;
  }

  /** Sessions that close after `gap` milliseconds without elements. */
  static withGap(gap: number): ProcessingTimeSessionWindows {
    return new ProcessingTimeSessionWindows(gap);
  }

  /** Sessions whose gap is computed per element by `extractor`. */
  static withDynamicGap<T>(extractor: SessionWindowTimeGapExtractor<T>): DynamicProcessingTimeSessionWindows<T> {
    return DynamicProcessingTimeSessionWindows.withDynamicGap(extractor);
  }

  /** `[now, now + gap)` with `now` the current processing time. */
  assignWindows(_element: unknown, _timestamp: number | undefined, context: WindowAssignerContext): TimeWindow[] {
    const now = context.getCurrentProcessingTime();
    return [new TimeWindow(now, now + this.gap)];
  }

  /** `ProcessingTimeTrigger`. */
  getDefaultTrigger(): Trigger<unknown, TimeWindow> {
    return ProcessingTimeTrigger.create();
  }

  /** False. */
  isEventTime(): boolean {
    return false;
  }

  /** Merges overlapping or touching windows (`TimeWindow.mergeWindows`). */
  mergeWindows(windows: TimeWindow[], callback: MergeCallback<TimeWindow>): void {
    TimeWindow.mergeWindows(windows, callback);
  }

  /** `ProcessingTimeSessionWindows(gap)`. */
  override toString(): string {
    return `ProcessingTimeSessionWindows(${this.gap})`;
  }
}

/** Processing-time session windows whose gap comes from each element. The default trigger is `ProcessingTimeTrigger`. */
export class DynamicProcessingTimeSessionWindows<T> extends MergingWindowAssigner<T, TimeWindow> {
  private readonly gapOf: (element: T) => number;

  private constructor(gapOf: (element: T) => number) {
    super();
    this.gapOf = gapOf;
  }

  /** Sessions whose gap is computed per element by `extractor` (it must return a number > 0). */
  static withDynamicGap<T>(extractor: SessionWindowTimeGapExtractor<T>): DynamicProcessingTimeSessionWindows<T> {
    return new DynamicProcessingTimeSessionWindows(toGapFunction('ProcessingTimeSessionWindows.withDynamicGap(extractor)', extractor));
  }

  /** `[now, now + gap(element))` with `now` the current processing time. */
  assignWindows(element: T, _timestamp: number | undefined, context: WindowAssignerContext): TimeWindow[] {
    const now = context.getCurrentProcessingTime();
    return [new TimeWindow(now, now + dynamicGap(this.gapOf, element))];
  }

  /** `ProcessingTimeTrigger`. */
  getDefaultTrigger(): Trigger<T, TimeWindow> {
    return ProcessingTimeTrigger.create();
  }

  /** False. */
  isEventTime(): boolean {
    return false;
  }

  /** Merges overlapping or touching windows (`TimeWindow.mergeWindows`). */
  mergeWindows(windows: TimeWindow[], callback: MergeCallback<TimeWindow>): void {
    TimeWindow.mergeWindows(windows, callback);
  }

  /** `DynamicProcessingTimeSessionWindows()`. */
  override toString(): string {
    return 'DynamicProcessingTimeSessionWindows()';
  }
}
