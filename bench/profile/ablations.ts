/**
 * Ablations of weir's two benchmark pipelines: the same job with parts added one at a time, so that the cost of each
 * part (source and chain, tuple allocation, the keyBy network edge, key hashing, the aggregation) shows as the
 * difference in time per record between two variants. Complements the CPU profile, where V8's inlining folds
 * most of the hot path into two or three functions.
 *
 * ```sh
 * npm run build && node --expose-gc --import tsx bench/profile/ablations.ts [N=10000000] [repeat=3]
 * ```
 *
 * Each variant: one warm-up run on N/10 records, then the best of `repeat` runs on N; printed as records/s and
 * nanoseconds per input record.
 */
import { RuntimeExecutionMode, StreamExecutionEnvironment } from '@weir/core';
import { collectGarbage } from '../harness/memory-probe.js';

const n = Number((process.argv[2] ?? '10000000').replaceAll('_', ''));
const repeat = Number(process.argv[3] ?? '3');
const K = 100_000;

/** A variant builds its job on `env` over `records` records; its sink adds into `out`. */
interface Variant {
  readonly name: string;
  build(env: StreamExecutionEnvironment, records: number, out: { sum: number }): void;
}

const variants: readonly Variant[] = [
  {
    name: 'stateless: source -> sink',
    build: (env, records, out) => env.fromSequence(1, records).addSink((v) => void (out.sum += v)),
  },
  {
    name: 'stateless: source -> map -> filter -> map -> sink (benchmark a)',
    build: (env, records, out) =>
      env
        .fromSequence(1, records)
        .map((x) => x * 2)
        .filter((x) => x % 3 !== 0)
        .map((x) => x + 1)
        .addSink((v) => void (out.sum += v)),
  },
  {
    name: 'keyed: source -> map [k, 1] -> sink (no edge)',
    build: (env, records, out) =>
      env
        .fromSequence(0, records - 1)
        .map((i): [number, number] => [i % K, 1])
        .addSink((t) => void (out.sum += t[1])),
  },
  {
    name: 'keyed: ... -> rebalance -> map identity -> sink (edge, no hash)',
    build: (env, records, out) =>
      env
        .fromSequence(0, records - 1)
        .map((i): [number, number] => [i % K, 1])
        .rebalance()
        .map((t) => t)
        .addSink((t) => void (out.sum += t[1])),
  },
  {
    name: 'keyed: ... -> keyBy -> map identity -> sink (edge + hash)',
    build: (env, records, out) =>
      env
        .fromSequence(0, records - 1)
        .map((i): [number, number] => [i % K, 1])
        .keyBy((t) => t[0])
        .map((t) => t)
        .addSink((t) => void (out.sum += t[1])),
  },
  {
    name: 'keyed: ... -> keyBy -> reduce((a, b) => [a[0], a[1] + b[1]]) -> sink',
    build: (env, records, out) =>
      env
        .fromSequence(0, records - 1)
        .map((i): [number, number] => [i % K, 1])
        .keyBy((t) => t[0])
        .reduce((a, b) => [a[0], a[1] + b[1]])
        .addSink((t) => void (out.sum += t[1])),
  },
  {
    name: 'keyed: ... -> keyBy -> sum(1) -> sink (benchmark b)',
    build: (env, records, out) =>
      env
        .fromSequence(0, records - 1)
        .map((i): [number, number] => [i % K, 1])
        .keyBy((t) => t[0])
        .sum(1)
        .addSink((t) => void (out.sum += t[1])),
  },
];

async function runOnce(variant: Variant, records: number): Promise<number> {
  collectGarbage();
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 1, runtimeMode: RuntimeExecutionMode.STREAMING });
  const out = { sum: 0 };
  variant.build(env, records, out);
  const start = performance.now();
  await env.execute(variant.name);
  return performance.now() - start;
}

console.log(`N = ${n.toLocaleString('en-US')}, best of ${repeat} after one warm-up on N/10`);
for (const variant of variants) {
  await runOnce(variant, Math.max(1, Math.floor(n / 10)));
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < repeat; r++) best = Math.min(best, await runOnce(variant, n));
  const rate = n / (best / 1000);
  console.log(`${(rate / 1e6).toFixed(2).padStart(7)} M rec/s ${((best * 1e6) / n).toFixed(1).padStart(7)} ns/rec  ${variant.name}`);
}
