/**
 * Per-contender memory figures without a sampling thread: the {@link ChecksumSink} calls {@link MemoryProbe.sample}
 * every 65 536 outputs, which works for synchronous contenders (a for-loop, RxJS) that never let a timer run.
 * `process.memoryUsage()` costs microseconds; at one call per 65 536 records it is far below 0.1% of any run.
 */

/** V8's gc, when exposed (`node --expose-gc`); without it a baseline may include garbage of earlier runs. */
const gc = (globalThis as { gc?: () => void }).gc;

/** True when the process runs with `--expose-gc`. */
export const gcAvailable = gc !== undefined;

/** Runs a full garbage collection when the process allows it. */
export function collectGarbage(): void {
  gc?.();
}

/** The peak heap and RSS seen while one contender ran, relative to the heap after a gc before it started. */
export class MemoryProbe {
  /** Heap used after a gc, before the run. */
  readonly baselineHeap: number;
  /** The largest heap used sampled during the run. */
  peakHeap: number;
  /** The largest resident set size sampled during the run. */
  peakRss: number;

  /** Collects garbage (if possible) and takes the baseline. */
  constructor() {
    collectGarbage();
    const m = process.memoryUsage();
    this.baselineHeap = m.heapUsed;
    this.peakHeap = m.heapUsed;
    this.peakRss = m.rss;
  }

  /** Records the current heap and RSS if they are new peaks. */
  sample(): void {
    const m = process.memoryUsage();
    if (m.heapUsed > this.peakHeap) this.peakHeap = m.heapUsed;
    if (m.rss > this.peakRss) this.peakRss = m.rss;
  }

  /** Peak heap above the baseline (what the run allocated and had not yet collected at its worst moment). */
  get heapGrowth(): number {
    return this.peakHeap - this.baselineHeap;
  }
}
