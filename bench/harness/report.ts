/** Formats the results as plain-text tables for the terminal (and for copying into BENCHMARKS.md). */
import { formatRate, type BenchmarkResult } from './measure.js';
import type { FloorVerdict } from './floors.js';

const MB = 1024 * 1024;

/** The results table of one benchmark: one row per contender, with the ratio of weir to it. */
export function formatBenchmark(result: BenchmarkResult): string[] {
  const weir = result.contenders.find((c) => c.name === 'weir');
  const header = ['contender', 'best', 'median', 'weir / this', 'to last output', 'tail', 'GC', 'major GCs', 'peak heap growth', 'peak RSS'];
  const rows = result.contenders.map((c) => [
      c.name,
      formatRate(c.best),
      formatRate(c.median),
      weir === undefined || c === weir ? '-' : formatRatio(weir.best / c.best),
      formatRate(c.bestToLastOutput),
      formatShare(c.tailShare),
      formatShare(c.gcShare),
      Number.isFinite(c.majorGcs) ? String(c.majorGcs) : 'n/a',
      `${(c.peakHeapGrowth / MB).toFixed(0)} MB`,
      `${(c.peakRss / MB).toFixed(0)} MB`,
  ]);
  const lines = [`${result.benchmark.title}, N = ${result.n.toLocaleString('en-US')}`, ...table(header, rows)];
  lines.push('  best / median of the measured runs (whole run); weir / this = best / best; to last output = best rate until the');
  lines.push('  last record reached the sink; tail = share of the run after it (completion, teardown); GC = share of the run in');
  lines.push('  GC pauses; major GCs = mark-compacts per run (tail, GC and major GCs are medians over the measured runs).');
  for (const p of result.problems) lines.push(`  !! ${p}`);
  return lines;
}

/** The floor verdicts as `PASS`/`FAIL` lines; failures are flagged so they stand out. */
export function formatFloors(verdicts: readonly FloorVerdict[]): string[] {
  return verdicts.map(({ floor, ratio, verdict }) => {
    const measured = Number.isNaN(ratio) ? 'not measured' : `measured ${formatRatio(ratio)} (floor ${formatRatio(floor.minRatio)})`;
    const flag = verdict === 'FAIL' ? '  <<<<< FAIL' : '';
    const info = floor.binding ? '' : ' [info]';
    return `${verdict.padEnd(4)}  ${floor.label.padEnd(42)} ${measured}${info}${flag}`;
  });
}

function formatShare(x: number): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(0)}%` : 'n/a';
}

/** A ratio as `0.45x`. */
export function formatRatio(r: number): string {
  if (!Number.isFinite(r)) return 'n/a';
  return r >= 10 ? `${r.toFixed(1)}x` : `${r.toFixed(2)}x`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)];
}
