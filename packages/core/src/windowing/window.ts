/**
 * The window abstraction shared by assigners, triggers, evictors and the window operator, as Flink's `Window`.
 */

/**
 * A window: a bucket of elements. Windows are immutable values; two windows are the same window when `equals`
 * says so, which holds exactly when their `id`s are equal.
 */
export interface Window {
  /** The largest timestamp that still belongs to this window; the window fires when time reaches it. */
  maxTimestamp(): number;
  /**
   * A stable string that identifies the window, used as the state namespace of the window's contents and
   * trigger state. `windowFromId(id)` rebuilds the window (for the built-in window types).
   */
  readonly id: string;
  /** Whether `other` is the same window. */
  equals(other: unknown): boolean;
  /** A readable form for messages and logs. */
  toString(): string;
}

/**
 * Called by `mergeWindows` for each group of windows that merge into one: `toBeMerged` (two or more distinct windows)
 * become `mergeResult`.
 */
export type MergeCallback<W> = (toBeMerged: W[], mergeResult: W) => void;
