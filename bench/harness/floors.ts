/**
 * The performance floors of the issue, as ratios of weir's best throughput to a reference's best measured in the
 * same run (see `measure.ts` for why best-of): (a) weir >= RxJS on the stateless chain; (b) weir >= 20% of the
 * hand-written Map loop and >= 4x RxJS on the keyed running count. The floors are checked on number keys; the same ratios on string keys are printed for
 * information. `@weir/state-level`: (c) the keyed count over 1M keys with the Level backend >= 40% of the same job with
 * the memory backend; (d) an incremental snapshot after changing 1% of the keys costs <= 10% of a full snapshot
 * (weir's rate >= 10x the full snapshot's). (e) The keyed count with checkpoints every second >= 85% of the same job
 * without checkpoints. (f) Records between two processes through the NATS transport >= 70% of raw NATS publish/subscribe
 * of the same frames.
 */
import type { BenchmarkResult } from './measure.js';

/** One floor: `weir / reference >= minRatio` on a benchmark. */
export interface Floor {
  /** The benchmark id. */
  readonly benchmark: string;
  /** The reference contender's name. */
  readonly reference: string;
  /** The smallest acceptable weir / reference ratio. */
  readonly minRatio: number;
  /** True for a floor of the issue; false for a line printed for information only. */
  readonly binding: boolean;
  /** The floor as text. */
  readonly label: string;
}

/** The floors, in report order. */
export const FLOORS: readonly Floor[] = [
  { benchmark: 'stateless', reference: 'RxJS 7', minRatio: 1, binding: true, label: '(a) weir >= RxJS' },
  { benchmark: 'keyed-number', reference: 'Map loop', minRatio: 0.2, binding: true, label: '(b) weir >= 20% of Map loop' },
  { benchmark: 'keyed-number', reference: 'RxJS 7', minRatio: 4, binding: true, label: '(b) weir >= 4x RxJS' },
  { benchmark: 'keyed-string', reference: 'Map loop', minRatio: 0.2, binding: false, label: '(b, string keys) weir >= 20% of Map loop' },
  { benchmark: 'keyed-string', reference: 'RxJS 7', minRatio: 4, binding: false, label: '(b, string keys) weir >= 4x RxJS' },
  { benchmark: 'window-tumbling', reference: 'loop', minRatio: 0.2, binding: false, label: '(issue 3) tumbling windows >= 20% of the loop' },
  { benchmark: 'window-sliding', reference: 'loop', minRatio: 0.2, binding: false, label: '(issue 3) sliding windows >= 20% of the loop' },
  { benchmark: 'state-level-count', reference: 'memory backend', minRatio: 0.4, binding: true, label: '(c) Level backend >= 40% of memory' },
  { benchmark: 'state-level-snapshot', reference: 'full snapshot', minRatio: 10, binding: true, label: '(d) snapshotDelta <= 10% of full snapshot' },
  { benchmark: 'checkpoint-overhead', reference: 'no checkpoints', minRatio: 0.85, binding: true, label: '(e) checkpoints every 1 s >= 85% of none' },
  { benchmark: 'nats-transport', reference: 'raw NATS', minRatio: 0.7, binding: true, label: '(f) NATS transport >= 70% of raw NATS' },
];

/** The verdict on one floor. */
export interface FloorVerdict {
  readonly floor: Floor;
  /** weir / reference, NaN when either was not measured. */
  readonly ratio: number;
  /** PASS, FAIL, or SKIP when the benchmark did not run or its checksums were wrong. */
  readonly verdict: 'PASS' | 'FAIL' | 'SKIP';
}

/** Checks every floor whose benchmark is in `results`. */
export function checkFloors(results: readonly BenchmarkResult[]): FloorVerdict[] {
  return FLOORS.map((floor) => {
    const result = results.find((r) => r.benchmark.id === floor.benchmark);
    const weir = result?.contenders.find((c) => c.name === 'weir')?.best;
    const reference = result?.contenders.find((c) => c.name === floor.reference)?.best;
    if (result === undefined || result.problems.length > 0 || weir === undefined || reference === undefined || !(reference > 0)) {
      return { floor, ratio: Number.NaN, verdict: 'SKIP' };
    }
    const ratio = weir / reference;
    return { floor, ratio, verdict: ratio >= floor.minRatio ? 'PASS' : 'FAIL' };
  });
}
