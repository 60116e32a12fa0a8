/**
 * Runs only weir's side of one benchmark, for a CPU profile of weir alone (no references in the profile):
 *
 * ```sh
 * npm run build
 * node --cpu-prof --cpu-prof-dir=/tmp/weir-prof --import tsx bench/profile/weir-only.ts keyed-number 10000000
 * node --import tsx bench/profile/summarize-cpuprofile.ts /tmp/weir-prof/CPU.*.cpuprofile
 * ```
 *
 * It runs the very same weir contender as `npm run bench` (imported from `bench/benchmarks/`), once on a tenth of
 * the records as warm-up and once on all of them, and checks the checksum. Arguments: benchmark id (`stateless`,
 * `keyed-number`, `keyed-string`, `window-tumbling`, `window-sliding`; default `keyed-number`) and N (default 10 000 000).
 */
import { keyedCountNumberKeys, keyedCountStringKeys } from '../benchmarks/keyed-count.js';
import { statelessChain } from '../benchmarks/stateless-chain.js';
import { slidingWindowCount, tumblingWindowCount } from '../benchmarks/windowed.js';
import type { Benchmark } from '../harness/benchmark.js';
import { ChecksumSink, formatChecksum, sameChecksum } from '../harness/checksum-sink.js';

const benchmarks: readonly Benchmark[] = [statelessChain, keyedCountNumberKeys, keyedCountStringKeys, tumblingWindowCount, slidingWindowCount];

const id = process.argv[2] ?? 'keyed-number';
const n = Number((process.argv[3] ?? '10000000').replaceAll('_', ''));
const benchmark = benchmarks.find((b) => b.id === id);
const weir = benchmark?.contenders.find((c) => c.name === 'weir');
if (benchmark === undefined || weir === undefined || !Number.isSafeInteger(n) || n < 1) {
  console.error(`usage: weir-only.ts <${benchmarks.map((b) => b.id).join('|')}> [N]`);
  process.exit(2);
}

for (const records of [Math.max(1, Math.floor(n / 10)), n]) {
  const expected = benchmark.expected(records);
  const sink = new ChecksumSink(expected.outputs);
  const start = performance.now();
  await weir.run(records, sink);
  const seconds = (performance.now() - start) / 1000;
  const ok = sameChecksum(sink.checksum(), expected);
  console.log(`${id} weir N=${records}: ${(records / seconds / 1e6).toFixed(2)} M rec/s (${seconds.toFixed(2)} s)${ok ? '' : ` CHECKSUM MISMATCH ${formatChecksum(sink.checksum())}`}`);
}
