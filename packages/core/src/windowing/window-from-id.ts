/**
 * Rebuilding a built-in window from its `id` (its state namespace), for restoring window state and timers.
 */
import { GlobalWindow } from './global-window.js';
import { TimeWindow } from './time-window.js';

function parseBound(text: string, id: string): number {
  const value = Number(text);
  if (text === '' || Number.isNaN(value) || String(value) !== text) {
    throw new TypeError(`"${id}" is not the id of a window (expected "" or "<start>_<end>")`);
  }
  return value;
}

/** The window whose `id` is `id`: `''` is the `GlobalWindow`, `'<start>_<end>'` a `TimeWindow`. */
export function windowFromId(id: string): TimeWindow | GlobalWindow {
  if (id === '') return GlobalWindow.get();
  // The start may be negative ("-10_-5"): split at the first "_" (numbers never contain one).
  const separator = id.indexOf('_');
  if (separator < 0) throw new TypeError(`"${id}" is not the id of a window (expected "" or "<start>_<end>")`);
  return new TimeWindow(parseBound(id.slice(0, separator), id), parseBound(id.slice(separator + 1), id));
}
