/**
 * Sliding windows: windows of `size` starting every `slide`, possibly overlapping, as Flink's
 * `SlidingEventTimeWindows` and `SlidingProcessingTimeWindows`.
 */
import { EventTimeTrigger } from './event-time-trigger.js';
import { requireTimestamp } from './missing-timestamp.js';
import { ProcessingTimeTrigger } from './processing-time-trigger.js';
import { TimeWindow } from './time-window.js';
import type { Trigger } from './trigger.js';
import { WindowAssigner, type WindowAssignerContext } from './window-assigner.js';
import { checkFinite, checkPositive } from './window-parameters.js';

function checkSliding(name: string, size: number, slide: number, offset: number): void {
  const where = `${name}.of(size, slide, offset)`;
  checkPositive(where, 'size', size);
  checkPositive(where, 'slide', slide);
  checkFinite(where, 'offset', offset);
  if (Math.abs(offset) >= slide) {
    throw new TypeError(`${name} parameters must satisfy abs(offset) < slide and size > 0, got size ${size}, slide ${slide}, offset ${offset}`);
  }
}

/** `[s, s + size)` for `s = start(time, offset, slide); s > time - size; s -= slide`, latest first. */
function slidingWindows(time: number, size: number, slide: number, offset: number): TimeWindow[] {
  const windows: TimeWindow[] = [];
  const lastStart = TimeWindow.getWindowStartWithOffset(time, offset, slide);
  for (let start = lastStart; start > time - size; start -= slide) windows.push(new TimeWindow(start, start + size));
  return windows;
}

/**
 * Keeps the windows of the last slide: when the size is a multiple of the slide, every timestamp of one slide
 * belongs to the same windows, so they are handed out again (the same objects: callers must not change them).
 */
class SlidingWindowCache {
  private lastStart = Number.NaN;
  private last: TimeWindow[] = [];

  windowsOf(time: number, size: number, slide: number, offset: number): TimeWindow[] {
    if (size % slide !== 0) return slidingWindows(time, size, slide, offset);
    const lastStart = TimeWindow.getWindowStartWithOffset(time, offset, slide);
    if (lastStart !== this.lastStart) {
      this.lastStart = lastStart;
      this.last = slidingWindows(time, size, slide, offset);
    }
    return this.last;
  }
}

/**
 * Puts each element into every window `[s, s + size)` with `s` a multiple of `slide` (plus offset) that contains its
 * timestamp: t=7, size=10, slide=5 -> [5,15) and [0,10). The default trigger is `EventTimeTrigger`.
 */
export class SlidingEventTimeWindows extends WindowAssigner<unknown, TimeWindow> {
  /** The window size in milliseconds. */
  readonly size: number;
  /** The distance between window starts in milliseconds. */
  readonly slide: number;
  /** The offset of the window starts in milliseconds (`|offset| < slide`). */
  readonly offset: number;
  private readonly cache = new SlidingWindowCache();

  private constructor(size: number, slide: number, offset: number) {
    super();
    checkSliding('SlidingEventTimeWindows', size, slide, offset);
    this.size = size;
    this.slide = slide;
    this.offset = offset;
  }

  /** Event-time windows of `size` milliseconds every `slide` milliseconds, shifted by `offset`. */
  static of(size: number, slide: number, offset = 0): SlidingEventTimeWindows {
    return new SlidingEventTimeWindows(size, slide, offset);
  }

  /** The windows containing `timestamp`, latest first; throws `WEIR_MISSING_TIMESTAMP` without one. */
  assignWindows(_element: unknown, timestamp: number | undefined, _context?: WindowAssignerContext): TimeWindow[] {
    return this.cache.windowsOf(requireTimestamp(timestamp, this), this.size, this.slide, this.offset);
  }

  /** `EventTimeTrigger`. */
  getDefaultTrigger(): Trigger<unknown, TimeWindow> {
    return EventTimeTrigger.create();
  }

  /** True. */
  isEventTime(): boolean {
    return true;
  }

  /** `SlidingEventTimeWindows(size, slide)`. */
  override toString(): string {
    return `SlidingEventTimeWindows(${this.size}, ${this.slide}${this.offset === 0 ? '' : `, ${this.offset}`})`;
  }
}

/**
 * Puts each element into every window `[s, s + size)` that contains the current processing time. The default
 * trigger is `ProcessingTimeTrigger`.
 */
export class SlidingProcessingTimeWindows extends WindowAssigner<unknown, TimeWindow> {
  /** The window size in milliseconds. */
  readonly size: number;
  /** The distance between window starts in milliseconds. */
  readonly slide: number;
  /** The offset of the window starts in milliseconds (`|offset| < slide`). */
  readonly offset: number;
  private readonly cache = new SlidingWindowCache();

  private constructor(size: number, slide: number, offset: number) {
    super();
    checkSliding('SlidingProcessingTimeWindows', size, slide, offset);
    this.size = size;
    this.slide = slide;
    this.offset = offset;
  }

  /** Processing-time windows of `size` milliseconds every `slide` milliseconds, shifted by `offset`. */
  static of(size: number, slide: number, offset = 0): SlidingProcessingTimeWindows {
    return new SlidingProcessingTimeWindows(size, slide, offset);
  }

  /** The windows containing the current processing time, latest first. */
  assignWindows(_element: unknown, _timestamp: number | undefined, context: WindowAssignerContext): TimeWindow[] {
    return this.cache.windowsOf(context.getCurrentProcessingTime(), this.size, this.slide, this.offset);
  }

  /** `ProcessingTimeTrigger`. */
  getDefaultTrigger(): Trigger<unknown, TimeWindow> {
    return ProcessingTimeTrigger.create();
  }

  /** False. */
  isEventTime(): boolean {
    return false;
  }

  /** `SlidingProcessingTimeWindows(size, slide)`. */
  override toString(): string {
    return `SlidingProcessingTimeWindows(${this.size}, ${this.slide}${this.offset === 0 ? '' : `, ${this.offset}`})`;
  }
}
