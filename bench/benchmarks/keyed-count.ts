/**
 * Benchmark (b), a keyed running count at parallelism 1 in STREAMING mode: record `i` (of `0..N-1`) has the key
 * `i % 100 000` (number keys) or `` `k${i % 100 000}` `` (string keys); for every record the key's updated count is
 * emitted as a `[key, count]` tuple into the sink.
 *
 * - weir: `fromSequence(0, N-1).map(i => [key(i), 1]).keyBy(t => t[0]).sum(1)` into `addSink`. `keyBy` is a hash
 *   partitioning, so the job has two tasks (source + map | keyed aggregation + sink) connected by a channel of the
 *   in-process transport: records cross it in frames of 1024.
 * - Map loop: a hand-written `Map<key, count>`: `counts.set(k, (counts.get(k) ?? 0) + 1)` and emit `[k, count]`.
 * - RxJS 7: `range(0, N).pipe(map(key), groupBy(k => k), mergeMap(g => g.pipe(scan(c => c + 1, 0), map(c => [g.key, c]))))`.
 *
 * All three compute the key with the same function and emit into the same sink function. The checksum (outputs, sum
 * of running counts, sum of `weight(key) * running count`) is computed in closed form and must match for everyone:
 * a wrong count for any key, or a count emitted under the wrong key, changes it.
 */
import { RuntimeExecutionMode, StreamExecutionEnvironment, type Key } from '@weir/core';
import { groupBy, map, mergeMap, range, scan } from 'rxjs';
import type { Benchmark, Contender } from '../harness/benchmark.js';
import type { Checksum, ChecksumSink } from '../harness/checksum-sink.js';

/** Distinct keys. */
export const DISTINCT_KEYS = 100_000;

/** How records get their keys. */
interface KeyKind<K extends Key> {
  /** `number` or `string`, for ids and titles. */
  readonly label: string;
  /** The key of record `i`. */
  readonly key: (i: number) => K;
  /** A cheap number derived from a key, for the weighted checksum. */
  readonly weight: (key: K) => number;
  /** `weight(key(k))` for `0 <= k < DISTINCT_KEYS`, for the expected checksum (outside the timed runs). */
  readonly weightOfIndex: (k: number) => number;
}

const numberKeys: KeyKind<number> = {
  label: 'number',
  key: (i) => i % DISTINCT_KEYS,
  weight: (k) => k + 1,
  weightOfIndex: (k) => k + 1,
};

const stringKeys: KeyKind<string> = {
  label: 'string',
  key: (i) => `k${i % DISTINCT_KEYS}`,
  weight: (k) => k.length,
  weightOfIndex: (k) => `k${k}`.length,
};

function contenders<K extends Key>(kind: KeyKind<K>): Contender[] {
  const { key, weight } = kind;
  const weir: Contender = {
    name: 'weir',
    async run(n: number, sink: ChecksumSink): Promise<void> {
      const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 1, runtimeMode: RuntimeExecutionMode.STREAMING });
      env
        .fromSequence(0, n - 1)
        .map((i): [K, number] => [key(i), 1])
        .keyBy((t) => t[0])
        .sum(1)
        .addSink((t) => sink.keyed(weight(t[0]), t[1]));
      await env.execute(`bench: keyed running count (${kind.label} keys)`);
    },
  };

  const mapLoop: Contender = {
    name: 'Map loop',
    run(n: number, sink: ChecksumSink): void {
      const emit = (t: [K, number]): void => sink.keyed(weight(t[0]), t[1]);
      const counts = new Map<K, number>();
      for (let i = 0; i < n; i++) {
        const k = key(i);
        const c = (counts.get(k) ?? 0) + 1;
        counts.set(k, c);
        emit([k, c]);
      }
    },
  };

  const rxjs: Contender = {
    name: 'RxJS 7',
    run(n: number, sink: ChecksumSink): Promise<void> {
      return new Promise((resolve, reject) => {
        range(0, n)
          .pipe(
            map(key),
            groupBy((k) => k),
            mergeMap((group) =>
              group.pipe(
                scan((c: number) => c + 1, 0),
                map((c): [K, number] => [group.key, c]),
              ),
            ),
          )
          .subscribe({ next: (t) => sink.keyed(weight(t[0]), t[1]), error: reject, complete: resolve });
      });
    },
  };

  return [weir, mapLoop, rxjs];
}

/**
 * The expected checksum for `n` records: key index `k` occurs `c_k = floor(n / K) + (k < n % K ? 1 : 0)` times, so
 * its running counts are `1..c_k` and add up to `c_k (c_k + 1) / 2`.
 */
function expectedFor(kind: KeyKind<Key>): (n: number) => Checksum {
  return (n) => {
    const q = Math.floor(n / DISTINCT_KEYS);
    const r = n % DISTINCT_KEYS;
    let sum = 0;
    let weighted = 0;
    for (let k = 0; k < DISTINCT_KEYS; k++) {
      const c = q + (k < r ? 1 : 0);
      const runningSum = (c * (c + 1)) / 2;
      sum += runningSum;
      weighted += kind.weightOfIndex(k) * runningSum;
    }
    return { outputs: n, sum, weighted };
  };
}

function keyedCount<K extends Key>(kind: KeyKind<K>): Benchmark {
  return {
    id: `keyed-${kind.label}`,
    title: `(b) keyed running count, ${DISTINCT_KEYS.toLocaleString('en-US')} distinct ${kind.label} keys, parallelism 1, STREAMING`,
    contenders: contenders(kind),
    expected: expectedFor(kind as unknown as KeyKind<Key>),
  };
}

/** Benchmark (b) with number keys `i % 100 000` (the one the floors are checked on). */
export const keyedCountNumberKeys: Benchmark = keyedCount(numberKeys);

/** Benchmark (b) with string keys `` `k${i % 100 000}` `` (reported as a second line). */
export const keyedCountStringKeys: Benchmark = keyedCount(stringKeys);
