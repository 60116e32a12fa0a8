/**
 * Lateness and cleanup times of windows, as Flink's `WindowOperator` computes them (semantics.md "Lateness").
 */
import { MAX_WATERMARK } from '../runtime/frame.js';
import type { Window } from './window.js';

/** The part of an assigner the lateness rules look at. */
export interface TimeDomain {
  /** Whether windows are in event time. */
  isEventTime(): boolean;
}

/**
 * The time at which the operator clears `window`'s state: `maxTimestamp + allowedLateness` in event time (capped at
 * the maximum watermark, so a `GlobalWindow` is never cleaned up early), `maxTimestamp` in processing time. A window
 * whose cleanup time is the maximum watermark needs no cleanup timer (Flink registers none).
 */
export function cleanupTime(window: Window, allowedLateness: number, isEventTime: boolean): number {
  const maxTimestamp = window.maxTimestamp();
  if (!isEventTime) return maxTimestamp;
  if (maxTimestamp >= MAX_WATERMARK - allowedLateness) return MAX_WATERMARK;
  return maxTimestamp + allowedLateness;
}

/** Whether `time` is `window`'s cleanup time (a timer at it clears the window). */
export function isCleanupTime(window: Window, time: number, allowedLateness: number, isEventTime: boolean): boolean {
  return time === cleanupTime(window, allowedLateness, isEventTime);
}

/**
 * Whether `window` is late: in event time, its cleanup time is `<= watermark`. An element is not added to a late
 * window. Processing-time windows are never late.
 */
export function isWindowLate(window: Window, allowedLateness: number, watermark: number, assigner: TimeDomain): boolean {
  return assigner.isEventTime() && cleanupTime(window, allowedLateness, true) <= watermark;
}

/**
 * Whether an element is late (Flink's `isElementLate`): in event time, `timestamp + allowedLateness <= watermark`.
 * An element whose windows are all late and which is itself late goes to the late-data side output (or is dropped and
 * counted in `numLateRecordsDropped`).
 */
export function isElementLate(timestamp: number | undefined, allowedLateness: number, watermark: number, assigner: TimeDomain): boolean {
  return assigner.isEventTime() && timestamp !== undefined && timestamp + allowedLateness <= watermark;
}
