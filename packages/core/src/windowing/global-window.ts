/**
 * `GlobalWindow`: the one window of `GlobalWindows`, holding every element of a key.
 */
import { MAX_WATERMARK } from '../runtime/frame.js';
import type { Window } from './window.js';

/** The single global window. Its `maxTimestamp()` is the maximum watermark, so only the end of input reaches it. */
export class GlobalWindow implements Window {
  private static readonly INSTANCE = new GlobalWindow();

  /** The empty string: the global window's state namespace. */
  readonly id = '';

  private constructor() {}

  /** The global window. */
  static get(): GlobalWindow {
    return GlobalWindow.INSTANCE;
  }

  /** `Number.MAX_SAFE_INTEGER` (the maximum watermark). */
  maxTimestamp(): number {
    return MAX_WATERMARK;
  }

  /** Whether `other` is the global window. */
  equals(other: unknown): boolean {
    return other instanceof GlobalWindow;
  }

  /** `GlobalWindow`. */
  toString(): string {
    return 'GlobalWindow';
  }
}
