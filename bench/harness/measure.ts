/**
 * Runs a benchmark's contenders and measures them: each contender once as warm-up (on `warmupN` records, checked but
 * not reported), then `repeat` measured rounds on `n` records. In each round every contender runs once; the order
 * rotates from round to round so no contender always runs right after the same other one. A contender's figure is
 * the BEST of its measured runs (the highest throughput); the median and the slowest run are reported next to it.
 * Best-of is the estimator that other processes on the machine disturb least: they can only slow a run down, so the
 * fastest run is the closest to what the code itself costs. Every run's checksum must equal the expected one,
 * otherwise the benchmark is marked invalid.
 *
 * Throughput is input records per second: `n / wall-clock seconds` of the whole run (for weir this includes building
 * and submitting the job, a few milliseconds; for RxJS the completion of all groups). The rate up to the last output
 * (before completion and teardown) is recorded as well, for information.
 */
import type { Benchmark, Contender } from './benchmark.js';
import { ChecksumSink, formatChecksum, sameChecksum } from './checksum-sink.js';
import type { BenchConfig } from './config.js';
import { GcMonitor } from './gc-monitor.js';

/** The figures of one contender. */
export interface ContenderResult {
  readonly name: string;
  /** Records per second of each measured run, in run order. */
  readonly runs: readonly number[];
  /** The best (highest) of `runs`: the contender's figure. */
  readonly best: number;
  /** The median of `runs`. */
  readonly median: number;
  /** Records per second up to the last output (completion and teardown left out), best of the measured runs. */
  readonly bestToLastOutput: number;
  /** The median share of the run spent after the last output (completion, teardown), 0..1. */
  readonly tailShare: number;
  /** The median share of the run spent in GC pauses, 0..1. */
  readonly gcShare: number;
  /** The median number of major (mark-compact) GCs per run. */
  readonly majorGcs: number;
  /** The largest heap growth (peak heap used minus heap after gc before the run) over the measured runs, bytes. */
  readonly peakHeapGrowth: number;
  /** The largest RSS sampled during the measured runs, bytes (process-wide, so earlier runs' peaks may show). */
  readonly peakRss: number;
}

/** The figures of one benchmark. */
export interface BenchmarkResult {
  readonly benchmark: Benchmark;
  readonly n: number;
  readonly contenders: readonly ContenderResult[];
  /** Checksum mismatches and contender errors; empty when every run was correct. */
  readonly problems: readonly string[];
}

interface Accumulator {
  readonly contender: Contender;
  readonly runs: number[];
  readonly toLastOutput: number[];
  readonly tailShares: number[];
  readonly gcShares: number[];
  readonly majorGcs: number[];
  peakHeapGrowth: number;
  peakRss: number;
}

/** Runs `benchmark` as `config` says; `log` receives one progress line per run. */
export async function measureBenchmark(benchmark: Benchmark, config: BenchConfig, log: (line: string) => void): Promise<BenchmarkResult> {
  const problems: string[] = [];
  const accs: Accumulator[] = benchmark.contenders.map((contender) => ({ contender, runs: [], toLastOutput: [], tailShares: [], gcShares: [], majorGcs: [], peakHeapGrowth: 0, peakRss: 0 }));

  const runOnce = async (acc: Accumulator, n: number, label: string): Promise<void> => {
    const expected = benchmark.expected(n);
    const sink = new ChecksumSink(expected.outputs);
    const gc = new GcMonitor();
    gc.start();
    const start = performance.now();
    try {
      await acc.contender.run(n, sink);
    } catch (e) {
      await gc.stop(performance.now());
      problems.push(`${acc.contender.name} (${label}) threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return;
    }
    const end = performance.now();
    const gcFigures = await gc.stop(end);
    const seconds = (end - start) / 1000;
    const secondsToLast = (sink.lastOutputAt - start) / 1000;
    sink.memory.sample();
    const actual = sink.checksum();
    const ok = sameChecksum(actual, expected);
    if (!ok) problems.push(`${acc.contender.name} (${label}): checksum ${formatChecksum(actual)}, expected ${formatChecksum(expected)}`);
    const rate = n / seconds;
    if (label !== 'warm-up') {
      acc.runs.push(rate);
      acc.toLastOutput.push(n / secondsToLast);
      acc.tailShares.push((end - sink.lastOutputAt) / (end - start));
      acc.gcShares.push(gcFigures.pauseMs / (end - start));
      acc.majorGcs.push(gcFigures.major);
      acc.peakHeapGrowth = Math.max(acc.peakHeapGrowth, sink.memory.heapGrowth);
      acc.peakRss = Math.max(acc.peakRss, sink.memory.peakRss);
    }
    const tail = `after last output ${(seconds - secondsToLast).toFixed(2)} s, GC ${gcFigures.pauseMs.toFixed(0)} ms, ${gcFigures.major} major GCs`;
    log(`  ${benchmark.id.padEnd(13)} ${acc.contender.name.padEnd(9)} ${label.padEnd(9)} ${formatRate(rate).padStart(15)} ${seconds.toFixed(2).padStart(7)} s  (${tail})${ok ? '' : '  CHECKSUM MISMATCH'}`);
  };

  for (const acc of accs) await runOnce(acc, config.warmupN, 'warm-up');
  for (let round = 0; round < config.repeat; round++) {
    for (let j = 0; j < accs.length; j++) await runOnce(accs[(round + j) % accs.length], config.n, `run ${round + 1}/${config.repeat}`);
  }

  return {
    benchmark,
    n: config.n,
    problems,
    contenders: accs.map((a) => ({
      name: a.contender.name,
      runs: a.runs,
      best: Math.max(...a.runs),
      median: median(a.runs),
      bestToLastOutput: Math.max(...a.toLastOutput),
      tailShare: median(a.tailShares),
      gcShare: median(a.gcShares),
      majorGcs: median(a.majorGcs),
      peakHeapGrowth: a.peakHeapGrowth,
      peakRss: a.peakRss,
    })),
  };
}

/** The median of `xs` (the mean of the two middle values for an even count); NaN when empty. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Records per second as `12.34 M rec/s`. */
export function formatRate(recordsPerSecond: number): string {
  if (!Number.isFinite(recordsPerSecond)) return 'n/a';
  return `${(recordsPerSecond / 1e6).toFixed(2)} M rec/s`;
}
