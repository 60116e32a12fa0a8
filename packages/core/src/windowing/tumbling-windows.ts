/**
 * Tumbling windows: fixed-size, non-overlapping windows aligned to the epoch (plus an offset), as Flink's
 * `TumblingEventTimeWindows` and `TumblingProcessingTimeWindows`.
 */
import { EventTimeTrigger } from './event-time-trigger.js';
import { requireTimestamp } from './missing-timestamp.js';
import { ProcessingTimeTrigger } from './processing-time-trigger.js';
import { TimeWindow } from './time-window.js';
import type { Trigger } from './trigger.js';
import { WindowAssigner, type WindowAssignerContext } from './window-assigner.js';
import { checkFinite, checkPositive } from './window-parameters.js';

function checkTumbling(name: string, size: number, offset: number): void {
  const where = `${name}.of(size, offset)`;
  checkPositive(where, 'size', size);
  checkFinite(where, 'offset', offset);
  if (Math.abs(offset) >= size) {
    throw new TypeError(`${name} parameters must satisfy abs(offset) < size, got size ${size} and offset ${offset}`);
  }
}

/**
 * The one window of `time`. Consecutive records mostly fall into the same window, so the last answer is kept and
 * handed out again (the same objects: callers must not change them), which saves a window object, an array and the
 * window's id string per record.
 */
class TumblingWindowCache {
  private lastStart = Number.NaN;
  private last: TimeWindow[] = [];

  windowsOf(time: number, size: number, offset: number): TimeWindow[] {
    const start = TimeWindow.getWindowStartWithOffset(time, offset, size);
    if (start !== this.lastStart) {
      this.lastStart = start;
      this.last = [new TimeWindow(start, start + size)];
    }
    return this.last;
  }
}

/**
 * Puts each element into the window `[start, start + size)` that contains its timestamp, with
 * `start = t - floorMod(t - offset, size)`. The default trigger is `EventTimeTrigger`.
 */
export class TumblingEventTimeWindows extends WindowAssigner<unknown, TimeWindow> {
  /** The window size in milliseconds. */
  readonly size: number;
  /** The offset of the window starts in milliseconds (`|offset| < size`). */
  readonly offset: number;
  private readonly cache = new TumblingWindowCache();

  private constructor(size: number, offset: number) {
    super();
    checkTumbling('TumblingEventTimeWindows', size, offset);
    this.size = size;
    this.offset = offset;
  }

  /**
   * Event-time windows of `size` milliseconds, shifted by `offset` (for example `of(Time.days(1), Time.hours(-8))`
   * for days starting at midnight in UTC+8).
   */
  static of(size: number, offset = 0): TumblingEventTimeWindows {
    return new TumblingEventTimeWindows(size, offset);
  }

  /** The one window containing `timestamp`; throws `WEIR_MISSING_TIMESTAMP` without one. */
  assignWindows(_element: unknown, timestamp: number | undefined, _context?: WindowAssignerContext): TimeWindow[] {
    return this.cache.windowsOf(requireTimestamp(timestamp, this), this.size, this.offset);
  }

  /** `EventTimeTrigger`. */
  getDefaultTrigger(): Trigger<unknown, TimeWindow> {
    return EventTimeTrigger.create();
  }

  /** True. */
  isEventTime(): boolean {
    return true;
  }

  /** `TumblingEventTimeWindows(size)` or `TumblingEventTimeWindows(size, offset)`. */
  override toString(): string {
    return `TumblingEventTimeWindows(${this.size}${this.offset === 0 ? '' : `, ${this.offset}`})`;
  }
}

/**
 * Puts each element into the window `[start, start + size)` that contains the current processing time. The default
 * trigger is `ProcessingTimeTrigger`.
 */
export class TumblingProcessingTimeWindows extends WindowAssigner<unknown, TimeWindow> {
  /** The window size in milliseconds. */
  readonly size: number;
  /** The offset of the window starts in milliseconds (`|offset| < size`). */
  readonly offset: number;
  private readonly cache = new TumblingWindowCache();

  private constructor(size: number, offset: number) {
    super();
    checkTumbling('TumblingProcessingTimeWindows', size, offset);
    this.size = size;
    this.offset = offset;
  }

  /** Processing-time windows of `size` milliseconds, shifted by `offset`. */
  static of(size: number, offset = 0): TumblingProcessingTimeWindows {
    return new TumblingProcessingTimeWindows(size, offset);
  }

  /** The one window containing the current processing time. */
  assignWindows(_element: unknown, _timestamp: number | undefined, context: WindowAssignerContext): TimeWindow[] {
    return this.cache.windowsOf(context.getCurrentProcessingTime(), this.size, this.offset);
  }

  /** `ProcessingTimeTrigger`. */
  getDefaultTrigger(): Trigger<unknown, TimeWindow> {
    return ProcessingTimeTrigger.create();
  }

  /** False. */
  isEventTime(): boolean {
    return false;
  }

  /** `TumblingProcessingTimeWindows(size)` or `TumblingProcessingTimeWindows(size, offset)`. */
  override toString(): string {
    return `TumblingProcessingTimeWindows(${this.size}${this.offset === 0 ? '' : `, ${this.offset}`})`;
  }
}
