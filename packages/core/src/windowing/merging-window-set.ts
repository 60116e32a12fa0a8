/**
 * `MergingWindowSet`: the in-flight windows of one key under a merging assigner (session windows), each mapped to its
 * state window, as Flink's `MergingWindowSet`.
 *
 * When windows merge, one of the original windows' state windows is kept as the state window of the result (the
 * namespace that holds the merged contents), so the operator only merges the other state windows into it instead of
 * moving everything. The window operator keeps one set per key (in keyed state, as `toPlain()`), calls `addWindow`
 * for every window an element is assigned to and adds the element to the state window of the window it returns,
 * and calls `retireWindow` when a window is purged for good.
 */
import type { MaybePromise } from './trigger.js';
import { windowFromId } from './window-from-id.js';
import type { MergeCallback, Window } from './window.js';

/**
 * Called by `addWindow` when windows merge: `mergedWindows` (in-flight windows, not including the new window) became
 * `mergeResult`, whose state window is `stateWindowResult`; `mergedStateWindows` are the state windows to merge into
 * it (never including `stateWindowResult`). The operator merges the state of `mergedStateWindows` into
 * `stateWindowResult`, calls the trigger's `onMerge` for `mergeResult`, and clears the triggers and cleanup timers of
 * `mergedWindows`.
 */
export type MergeFunction<W> = (mergeResult: W, mergedWindows: W[], stateWindowResult: W, mergedStateWindows: W[]) => MaybePromise<void>;

/** The part of a merging assigner that `MergingWindowSet` uses. */
export interface WindowMerger<W> {
  /** Calls `callback(toBeMerged, mergeResult)` for each group of `windows` that merges into one window. */
  mergeWindows(windows: W[], callback: MergeCallback<W>): void;
}

/** A `MergingWindowSet` as plain data: `[windowId, stateWindowId]` pairs. */
export type MergingWindowSetPlain = [windowId: string, stateWindowId: string][];

interface Entry<W> {
  readonly window: W;
  readonly stateWindow: W;
}

/** The in-flight windows of one key and their state windows. Not shared between keys; not safe for concurrent `addWindow` calls. */
export class MergingWindowSet<W extends Window> {
  private readonly assigner: WindowMerger<W>;
  /** In-flight window id -> the window and its state window. */
  private readonly mapping = new Map<string, Entry<W>>();
  /** The mapping as restored, `windowId -> stateWindowId`, to tell whether it changed. */
  private readonly initialMapping = new Map<string, string>();

  /** A set for `assigner`, starting from the `[window, stateWindow]` pairs of `restored`. */
  constructor(assigner: WindowMerger<W>, restored: Iterable<readonly [W, W]> = []) {
    this.assigner = assigner;
    for (const [window, stateWindow] of restored) {
      this.mapping.set(window.id, { window, stateWindow });
      this.initialMapping.set(window.id, stateWindow.id);
    }
  }

  /**
   * Restores a set from `toPlain()` data; `decode` rebuilds a window from its id (default `windowFromId`, which knows
   * `TimeWindow` and `GlobalWindow`).
   */
  static fromPlain<W extends Window>(
    assigner: WindowMerger<W>,
    plain: MergingWindowSetPlain | undefined,
    decode: (id: string) => W = windowFromId as unknown as (id: string) => W,
  ): MergingWindowSet<W> {
    return new MergingWindowSet(
      assigner,
      (plain ?? []).map(([windowId, stateWindowId]) => [decode(windowId), decode(stateWindowId)] as const),
    );
  }

  /** The mapping as plain data (`[windowId, stateWindowId]` pairs) for keyed state. */
  toPlain(): MergingWindowSetPlain {
    return [...this.mapping.values()].map(({ window, stateWindow }) => [window.id, stateWindow.id]);
  }

  /** Whether the mapping differs from the one the set was created with (Flink persists only then). */
  hasChanged(): boolean {
    if (this.mapping.size !== this.initialMapping.size) return true;
    for (const [id, { stateWindow }] of this.mapping) {
      if (this.initialMapping.get(id) !== stateWindow.id) return true;
    }
    return false;
  }

  /** The number of in-flight windows. */
  get size(): number {
    return this.mapping.size;
  }

  /** The in-flight windows. */
  windows(): W[] {
    return [...this.mapping.values()].map((entry) => entry.window);
  }

  /** The state window of the in-flight `window` (the namespace of its contents), or undefined if it is not in flight. */
  getStateWindow(window: W): W | undefined {
    return this.mapping.get(window.id)?.stateWindow;
  }

  /** Removes `window` from the in-flight windows; throws a TypeError if it is not in flight. */
  retireWindow(window: W): void {
    if (!this.mapping.delete(window.id)) throw new TypeError(`Window ${String(window)} is not in the in-flight window set`);
  }

  /**
   * Adds `newWindow` to the in-flight windows, merging it (and possibly other in-flight windows) as the assigner says,
   * and returns the window it ended up in: `newWindow` itself, or the merge result that swallowed it. Add elements and
   * call the trigger only on the returned window. For each merge among existing windows, `mergeFunction` is called
   * (and awaited) with the merge result, the merged in-flight windows (without `newWindow`), the result's state window
   * and the other state windows to merge into it; it is not called when `newWindow` only falls inside an existing
   * window without extending it.
   */
  async addWindow(newWindow: W, mergeFunction: MergeFunction<W>): Promise<W> {
    // A window that is already in flight keeps its state window (Flink would remap it to itself when nothing merges).
    const inFlight = this.mapping.has(newWindow.id);
    const candidates = this.windows();
    if (!inFlight) candidates.push(newWindow);
    const merges: { result: W; merged: W[] }[] = [];
    this.assigner.mergeWindows(candidates, (toBeMerged, mergeResult) => {
      merges.push({ result: mergeResult, merged: [...toBeMerged] });
    });

    let resultWindow = newWindow;
    let mergedNewWindow = false;
    for (const { result: mergeResult, merged } of merges) {
      // If the new window is among the merged windows, the merge result is where it ends up. A new window has no
      // state of its own: take it out of the merged windows.
      const newIndex = merged.findIndex((w) => w.equals(newWindow));
      if (newIndex >= 0) {
        if (!inFlight) merged.splice(newIndex, 1);
        mergedNewWindow = true;
        resultWindow = mergeResult;
      }
      if (merged.length === 0) continue;

      // Keep the state window of the first (earliest) merged window as the result's state window.
      const stateWindowResult = this.mapping.get(merged[0].id)?.stateWindow ?? merged[0];
      const mergedStateWindows: W[] = [];
      for (const window of merged) {
        const entry = this.mapping.get(window.id);
        if (entry === undefined) continue;
        this.mapping.delete(window.id);
        if (!entry.stateWindow.equals(stateWindowResult)) mergedStateWindows.push(entry.stateWindow);
      }
      this.mapping.set(mergeResult.id, { window: mergeResult, stateWindow: stateWindowResult });

      // Nothing to merge when the only merged window is the result itself (the new window fell inside it).
      if (!(merged.length === 1 && merged[0].equals(mergeResult))) {
        await mergeFunction(mergeResult, merged, stateWindowResult, mergedStateWindows);
      }
    }

    // The new window merged with nothing: it is its own state window.
    if (!mergedNewWindow && !inFlight) this.mapping.set(newWindow.id, { window: newWindow, stateWindow: newWindow });
    return resultWindow;
  }

  /** `MergingWindowSet{windows=[window -> stateWindow, ...]}`. */
  toString(): string {
    const entries = [...this.mapping.values()].map(({ window, stateWindow }) => `${String(window)} -> ${String(stateWindow)}`);
    return `MergingWindowSet{windows=[${entries.join(', ')}]}`;
  }
}
