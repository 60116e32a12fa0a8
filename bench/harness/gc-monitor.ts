/**
 * Garbage-collection figures per run from `perf_hooks` GC entries: the share of the run spent in GC pauses and the
 * number of major (mark-compact) collections. A pipeline that allocates only short-lived objects needs almost no
 * major GCs; many of them mean objects are promoted or pretenured into the old generation (see BENCHMARKS.md,
 * "What limits them"). GC entries arrive asynchronously, so {@link GcMonitor.stop} waits one macrotask turn.
 */
import { constants, PerformanceObserver, performance, type PerformanceEntry } from 'node:perf_hooks';

/** The GC figures of one run. */
export interface GcFigures {
  /** Milliseconds of GC pauses during the run. */
  readonly pauseMs: number;
  /** Major (mark-compact) collections during the run. */
  readonly major: number;
}

/** Watches GC entries between `start` and `stop`. */
export class GcMonitor {
  private readonly entries: PerformanceEntry[] = [];
  private readonly observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) this.entries.push(e);
  });
  private startedAt = 0;

  /** Starts watching. */
  start(): void {
    this.entries.length = 0;
    this.startedAt = performance.now();
    this.observer.observe({ entryTypes: ['gc'] });
  }

  /** Stops watching and returns the figures of the GCs that started between `start` and `endedAt`. */
  async stop(endedAt: number): Promise<GcFigures> {
    await new Promise((resolve) => setImmediate(resolve));
    for (const e of this.observer.takeRecords()) this.entries.push(e);
    this.observer.disconnect();
    let pauseMs = 0;
    let major = 0;
    for (const e of this.entries) {
      if (e.startTime < this.startedAt || e.startTime > endedAt) continue;
      pauseMs += e.duration;
      if ((e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) major++;
    }
    return { pauseMs, major };
  }
}
