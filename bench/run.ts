/**
 * The benchmark harness (`npm run bench`, which builds the packages first): measures weir, imported as the built
 * `@weir/core`, against references on the same records in one process and one run, prints a table per benchmark and
 * the floors of the issue as PASS/FAIL lines.
 *
 * Settings: see `harness/config.ts` (`WEIR_BENCH_N`, `WEIR_BENCH_WARMUP_N`, `WEIR_BENCH_REPEAT`, `WEIR_BENCH_ONLY`).
 * Method: see `harness/measure.ts` (warm-up once, then the best of `WEIR_BENCH_REPEAT` rounds, order rotated per round).
 *
 * The exit code is 0 even when a floor fails (this is a report); it is 1 only when a contender threw or produced a
 * wrong checksum, because then the figures mean nothing.
 */
import os from 'node:os';
import type { Benchmark } from './harness/benchmark.js';
import { readConfig } from './harness/config.js';
import { checkFloors } from './harness/floors.js';
import { checkpointOverhead } from './benchmarks/checkpointing.js';
import { keyedCountNumberKeys, keyedCountStringKeys } from './benchmarks/keyed-count.js';
import { natsTransportThroughput } from './benchmarks/nats-transport.js';
import { describeMachine, formatMachine } from './harness/machine.js';
import { measureBenchmark, type BenchmarkResult } from './harness/measure.js';
import { gcAvailable } from './harness/memory-probe.js';
import { formatBenchmark, formatFloors } from './harness/report.js';
import { statelessChain } from './benchmarks/stateless-chain.js';
import { levelKeyedCount, levelSnapshotCost } from './benchmarks/state-backends.js';
import { slidingWindowCount, tumblingWindowCount } from './benchmarks/windowed.js';

const ALL_BENCHMARKS: readonly Benchmark[] = [
  statelessChain,
  keyedCountNumberKeys,
  keyedCountStringKeys,
  tumblingWindowCount,
  slidingWindowCount,
  levelKeyedCount,
  levelSnapshotCost,
  checkpointOverhead,
  natsTransportThroughput,
];

async function main(): Promise<number> {
  const config = readConfig();
  const unknown = [...(config.only ?? [])].filter((id) => !ALL_BENCHMARKS.some((b) => b.id === id));
  if (unknown.length > 0) {
    console.error(`Unknown benchmark id(s) in WEIR_BENCH_ONLY: ${unknown.join(', ')}; known: ${ALL_BENCHMARKS.map((b) => b.id).join(', ')}`);
    return 1;
  }
  const selected = ALL_BENCHMARKS.filter((b) => config.only === undefined || config.only.has(b.id));

  const out = (line = ''): void => console.log(line);
  out('weir benchmarks');
  out('===============');
  for (const line of formatMachine(describeMachine())) out(line);
  out(`Settings: N = ${config.n.toLocaleString('en-US')} records per run, warm-up once on ${config.warmupN.toLocaleString('en-US')} records,`);
  out(`          then the best of ${config.repeat} runs per contender (order rotated per round); throughput = input records / wall time.`);
  const load = os.loadavg()[0];
  if (load > 0.5) out(`Warning: load average ${load.toFixed(2)} at start: other processes compete for the CPU; figures may be low and noisy.`);
  if (!gcAvailable) out('Warning: run with node --expose-gc (npm run bench does) for clean memory baselines.');
  out();

  const started = performance.now();
  const results: BenchmarkResult[] = [];
  for (const benchmark of selected) {
    console.error(`Running ${benchmark.title} ...`);
    results.push(await measureBenchmark(benchmark, config, (line) => console.error(line)));
  }
  const elapsed = (performance.now() - started) / 1000;

  out();
  out('Results');
  out('-------');
  for (const result of results) {
    for (const line of formatBenchmark(result)) out(line);
    out();
  }
  out('Floors (weir best / reference best, same run)');
  out('---------------------------------------------');
  const verdicts = checkFloors(results);
  for (const line of formatFloors(verdicts)) out(line);
  const failed = verdicts.filter((v) => v.floor.binding && v.verdict === 'FAIL').length;
  const binding = verdicts.filter((v) => v.floor.binding && v.verdict !== 'SKIP').length;
  out();
  out(`${binding - failed}/${binding} floors of the issue pass.${failed > 0 ? ` ${failed} FAIL.` : ''}`);
  out(`Process peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB; total ${elapsed.toFixed(1)} s.`);

  const problems = results.flatMap((r) => r.problems);
  if (problems.length > 0) {
    out();
    out(`INVALID: ${problems.length} run(s) threw or produced a wrong checksum; the figures above are not comparable.`);
    return 1;
  }
  return 0;
}

process.exitCode = await main();
