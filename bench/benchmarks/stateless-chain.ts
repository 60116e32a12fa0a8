/**
 * Benchmark (a), a stateless chain at parallelism 1: `map(x => x * 2) -> filter(x => x % 3 !== 0) -> map(x => x + 1)`
 * over the numbers `1..N`, every output summed by the sink.
 *
 * - weir: `env.fromSequence(1, N)` and the chain, into `addSink`. At parallelism 1 the whole job is one chained task:
 *   source reader -> three operators -> sink function, called directly (no channel, no frame).
 * - RxJS 7: `range(1, N).pipe(map, filter, map)` subscribed with the summing observer.
 * - for-loop: the same three functions called in a plain loop, the lower bound of what JavaScript can do.
 *
 * All three use the same three function objects and the same sink, so they do the same work per record.
 */
import { StreamExecutionEnvironment } from '@weir/core';
import { filter, map, range } from 'rxjs';
import type { Benchmark, Contender } from '../harness/benchmark.js';
import type { Checksum, ChecksumSink } from '../harness/checksum-sink.js';

const double = (x: number): number => x * 2;
const notMultipleOf3 = (x: number): boolean => x % 3 !== 0;
const plusOne = (x: number): number => x + 1;

const weir: Contender = {
  name: 'weir',
  async run(n: number, sink: ChecksumSink): Promise<void> {
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 1 });
    env
      .fromSequence(1, n)
      .map(double)
      .filter(notMultipleOf3)
      .map(plusOne)
      .addSink((v) => sink.value(v));
    await env.execute('bench: stateless chain');
  },
};

const rxjs: Contender = {
  name: 'RxJS 7',
  run(n: number, sink: ChecksumSink): Promise<void> {
    return new Promise((resolve, reject) => {
      range(1, n)
        .pipe(map(double), filter(notMultipleOf3), map(plusOne))
        .subscribe({ next: (v) => sink.value(v), error: reject, complete: resolve });
    });
  },
};

const forLoop: Contender = {
  name: 'for-loop',
  run(n: number, sink: ChecksumSink): void {
    for (let x = 1; x <= n; x++) {
      const a = double(x);
      if (notMultipleOf3(a)) sink.value(plusOne(a));
    }
  },
};

/** The expected output of `1..n`: the values `2x + 1` for every `x` not a multiple of 3, computed in closed form. */
function expected(n: number): Checksum {
  const big = BigInt(n);
  const multiples = big / 3n;
  const outputs = big - multiples;
  // sum over kept x of (2x + 1) = 2 * (sum of 1..n - 3 * sum of 1..n/3) + outputs
  const sum = 2n * ((big * (big + 1n)) / 2n - (3n * multiples * (multiples + 1n)) / 2n) + outputs;
  return { outputs: Number(outputs), sum: Number(sum), weighted: 0 };
}

/** Benchmark (a). */
export const statelessChain: Benchmark = {
  id: 'stateless',
  title: '(a) stateless chain map -> filter -> map, parallelism 1',
  contenders: [weir, rxjs, forLoop],
  expected,
};
