/**
 * `TimeWindow`: the half-open interval `[start, end)` used by tumbling, sliding and session windows.
 */
import type { MergeCallback, Window } from './window.js';

/** A window covering the timestamps `start <= t < end`; its `maxTimestamp()` is `end - 1`. */
export class TimeWindow implements Window {
  /** The first timestamp of the window (inclusive). */
  readonly start: number;
  /** The end of the window (exclusive). */
  readonly end: number;
  /** `${start}_${end}`: the window's state namespace. */
  readonly id: string;

  /** Creates the window `[start, end)`. */
  constructor(start: number, end: number) {
    this.start = start;
    this.end = end;
    this.id = `${start}_${end}`;
  }

  /** The first timestamp of the window (Flink's `getStart()`). */
  getStart(): number {
    return this.start;
  }

  /** The exclusive end of the window (Flink's `getEnd()`). */
  getEnd(): number {
    return this.end;
  }

  /** `end - 1`: the largest timestamp in the window. */
  maxTimestamp(): number {
    return this.end - 1;
  }

  /**
   * Whether the two windows overlap or touch (`this.start <= other.end && this.end >= other.start`): touching
   * session windows merge, as in Flink.
   */
  intersects(other: TimeWindow): boolean {
    return this.start <= other.end && this.end >= other.start;
  }

  /** The smallest window that covers both windows. */
  cover(other: TimeWindow): TimeWindow {
    return new TimeWindow(Math.min(this.start, other.start), Math.max(this.end, other.end));
  }

  /** Whether `other` is a `TimeWindow` with the same start and end. */
  equals(other: unknown): boolean {
    return other instanceof TimeWindow && other.start === this.start && other.end === this.end;
  }

  /** `TimeWindow{start=0, end=5}`, as Flink prints it. */
  toString(): string {
    return `TimeWindow{start=${this.start}, end=${this.end}}`;
  }

  /**
   * The start of the window of size `size` shifted by `offset` that contains `timestamp`:
   * `timestamp - floorMod(timestamp - offset, size)`. For example t=7, size=5 -> 5; with offset 1 -> 6;
   * t=-7 -> -10 (floor, not truncation).
   */
  static getWindowStartWithOffset(timestamp: number, offset: number, size: number): number {
    const remainder = (timestamp - offset) % size;
    const floorRemainder = remainder < 0 ? remainder + size : remainder;
    // `+ 0` turns a -0 into 0, so that ids never read "-0".
    return timestamp - floorRemainder + 0;
  }

  /**
   * Merges overlapping or touching windows, as Flink's `TimeWindow.mergeWindows`: sorts the windows by start, sweeps
   * them into groups whose covers intersect, and calls `callback(group, cover)` for every group of two or more
   * distinct windows (duplicates count once). Windows that merge with nothing are not reported.
   */
  static mergeWindows(windows: Iterable<TimeWindow>, callback: MergeCallback<TimeWindow>): void {
    const sorted = [...windows].sort((a, b) => a.start - b.start);
    let current: { cover: TimeWindow; members: Map<string, TimeWindow> } | undefined;
    const groups: { cover: TimeWindow; members: Map<string, TimeWindow> }[] = [];
    for (const candidate of sorted) {
      if (current !== undefined && current.cover.intersects(candidate)) {
        current.cover = current.cover.cover(candidate);
        if (!current.members.has(candidate.id)) current.members.set(candidate.id, candidate);
      } else {
        if (current !== undefined) groups.push(current);
        current = { cover: candidate, members: new Map([[candidate.id, candidate]]) };
      }
    }
    if (current !== undefined) groups.push(current);
    for (const group of groups) {
      if (group.members.size > 1) callback([...group.members.values()], group.cover);
    }
  }
}
