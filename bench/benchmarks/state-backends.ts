/**
 * The state backend benchmarks (`@weir/state-level`):
 *
 * - **state-level-count**: a keyed running count over 1,000,000 distinct keys at parallelism 1 in STREAMING mode:
 *   record `i` (of `0..N-1`) has the key `i % 1 000 000`, and every record emits its key's updated count as a
 *   `[key, count]` tuple. The same job (`fromSequence(0, N-1).map(i => [key, 1]).keyBy(t => t[0]).sum(1)`) runs with
 *   `LevelStateBackend` and with `MemoryStateBackend`. The contender `weir` (the floor) is the Level backend with a
 *   cache that holds the working set (`cacheSize` 1,000,000); `Level, cache 100k` is the Level backend with its
 *   default cache, a tenth of the state, so that 90% of the keys are written back to LevelDB during the run (for
 *   information; only when N <= 2,000,000). The checksum is the one of the keyed count in `keyed-count.ts`, for
 *   1,000,000 keys.
 * - **state-level-snapshot**: the cost of an incremental snapshot. One Level keyed backend holds a value state of
 *   `min(N, 1 000 000)` keys (prepared once, in the first warm-up run). Each run changes 1% of the keys (every 100th,
 *   always the same ones, to the same values) and then takes either `snapshotDelta()` (the contender `weir`) or a full
 *   `snapshot()`; both runs include the same changes. Each run emits the stored value of every changed key it finds in
 *   its (delta or full) snapshot, so the checksum proves both saw the changes. Only the ratio matters here (the rate
 *   column is N divided by the run's time).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MemoryStateBackend, RuntimeExecutionMode, StreamExecutionEnvironment, ValueStateDescriptor, type StateBackend } from '@weir/core';
import { DEFAULT_CACHE_SIZE, LevelStateBackend, type LevelKeyedStateBackend } from '@weir/state-level';
import type { Benchmark, Contender } from '../harness/benchmark.js';
import type { Checksum, ChecksumSink } from '../harness/checksum-sink.js';
import { readConfig } from '../harness/config.js';

/** Distinct keys of the count. */
export const LEVEL_COUNT_KEYS = 1_000_000;

/** The cache size of the Level backend of the floor: the working set of the count fits. */
export const LEVEL_COUNT_CACHE_SIZE = 1_000_000;

/** The cache size of the second Level contender: the default of `LevelStateBackend`, a tenth of the state. */
export const LEVEL_COUNT_SMALL_CACHE_SIZE = DEFAULT_CACHE_SIZE;

/** The largest N at which the second Level contender runs. */
const SMALL_CACHE_MAX_N = 2_000_000;

/** The largest state of the snapshot benchmark. */
export const SNAPSHOT_STATE_KEYS = 1_000_000;

/** Every this many keys one is changed before a snapshot (1%). */
const CHANGE_EVERY = 100;

let directory: string | undefined;

/** A temporary directory for the benchmark's databases, removed when the process ends. */
function benchDirectory(): string {
  if (directory === undefined) {
    const created = mkdtempSync(path.join(os.tmpdir(), 'weir-bench-state-level-'));
    directory = created;
    process.once('exit', () => rmSync(created, { recursive: true, force: true }));
  }
  return directory;
}

// ---------------------------------------------------------------------------------------------------------------------
// (i) the keyed count

function countJob(name: string, backend: () => StateBackend): Contender {
  return {
    name,
    async run(n: number, sink: ChecksumSink): Promise<void> {
      const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 1, runtimeMode: RuntimeExecutionMode.STREAMING });
      env.setStateBackend(backend());
      env
        .fromSequence(0, n - 1)
        .map((i): [number, number] => [i % LEVEL_COUNT_KEYS, 1])
        .keyBy((t) => t[0])
        .sum(1)
        .addSink((t) => sink.keyed(t[0] + 1, t[1]));
      await env.execute(`bench: keyed running count over ${LEVEL_COUNT_KEYS} keys (${name})`);
    },
  };
}

/** The expected checksum of the count: key `k` occurs `floor(n / K) + (k < n % K)` times, counting `1..c_k`. */
function expectedCount(n: number): Checksum {
  const q = Math.floor(n / LEVEL_COUNT_KEYS);
  const r = n % LEVEL_COUNT_KEYS;
  let sum = 0;
  let weighted = 0;
  for (let k = 0; k < LEVEL_COUNT_KEYS; k++) {
    const c = q + (k < r ? 1 : 0);
    const runningSum = (c * (c + 1)) / 2;
    sum += runningSum;
    weighted += (k + 1) * runningSum;
  }
  return { outputs: n, sum, weighted };
}

/** (i): the keyed count with the Level backend (`weir`) against the memory backend. */
export const levelKeyedCount: Benchmark = {
  id: 'state-level-count',
  title: `(c) keyed running count over ${LEVEL_COUNT_KEYS.toLocaleString('en-US')} distinct keys: weir = LevelStateBackend (cacheSize ${LEVEL_COUNT_CACHE_SIZE.toLocaleString('en-US')}) vs MemoryStateBackend`,
  contenders: [
    countJob('weir', () => new LevelStateBackend({ path: benchDirectory(), cacheSize: LEVEL_COUNT_CACHE_SIZE })),
    countJob('memory backend', () => new MemoryStateBackend()),
    // Each key comes back every 1,000,000 records, so beyond the first million every record of this contender misses
    // the cache and reads LevelDB: minutes at the default N. It runs only while each key is seen at most twice.
    ...(readConfig().n <= SMALL_CACHE_MAX_N
      ? [countJob(`Level, cache ${LEVEL_COUNT_SMALL_CACHE_SIZE / 1000}k`, () => new LevelStateBackend({ path: benchDirectory(), cacheSize: LEVEL_COUNT_SMALL_CACHE_SIZE }))]
      : []),
  ],
  expected: expectedCount,
};

// ---------------------------------------------------------------------------------------------------------------------
// (ii) incremental vs full snapshots

/** The prepared backend of the snapshot benchmark, by state size. */
let prepared: { keys: number; backend: Promise<LevelKeyedStateBackend> } | undefined;

const descriptor = new ValueStateDescriptor<number>('count');

/** The value of key `k` before the changes, and after. */
const initialValue = (k: number): number => k * 2;
const changedValue = (k: number): number => k * 2 + 1;

function stateKeys(n: number): number {
  return Math.min(n, SNAPSHOT_STATE_KEYS);
}

async function prepare(keys: number): Promise<LevelKeyedStateBackend> {
  const backend = await new LevelStateBackend({ path: benchDirectory() }).createKeyedStateBackend({
    operatorId: 'bench-snapshot',
    maxParallelism: 128,
    parallelism: 1,
    subtaskIndex: 0,
  });
  const state = backend.getInternalState(descriptor);
  for (let k = 0; k < keys; k++) {
    backend.setCurrentKey(k);
    const written = state.update(initialValue(k));
    if (written) await written;
  }
  await backend.snapshot(); // the base of the first delta
  return backend;
}

/** The backend holding `stateKeys(n)` keys; prepared on first use, closed when the process ends. */
function backendFor(n: number): Promise<LevelKeyedStateBackend> {
  const keys = stateKeys(n);
  if (prepared === undefined || prepared.keys !== keys) {
    const previous = prepared?.backend;
    const backend = (async () => {
      if (previous !== undefined) await (await previous).close();
      return prepare(keys);
    })();
    prepared = { keys, backend };
  }
  return prepared.backend;
}

process.once('beforeExit', () => {
  const backend = prepared?.backend;
  prepared = undefined;
  if (backend !== undefined) void backend.then((b) => b.close()).catch(() => undefined);
});

/** Changes every 100th key of the state to its changed value. */
async function changeOnePercent(backend: LevelKeyedStateBackend, keys: number): Promise<void> {
  const state = backend.getInternalState(descriptor);
  for (let k = 0; k < keys; k += CHANGE_EVERY) {
    backend.setCurrentKey(k);
    const written = state.update(changedValue(k));
    if (written) await written;
  }
}

function snapshotContender(name: string, incremental: boolean): Contender {
  return {
    name,
    async run(n: number, sink: ChecksumSink): Promise<void> {
      const keys = stateKeys(n);
      const backend = await backendFor(n);
      await changeOnePercent(backend, keys);
      const changed = (key: unknown): boolean => typeof key === 'number' && key % CHANGE_EVERY === 0;
      if (incremental) {
        const delta = await backend.snapshotDelta();
        for (const group of delta.keyGroups) {
          for (const state of group.states) for (const [key, , value] of state.upserted) if (changed(key)) sink.keyed((key as number) + 1, value as number);
        }
      } else {
        const snapshot = await backend.snapshot();
        for (const group of snapshot.keyGroups) {
          for (const state of group.states) for (const [key, , value] of state.entries) if (changed(key)) sink.keyed((key as number) + 1, value as number);
        }
      }
    },
  };
}

/** The expected checksum: every changed key with its changed value. */
function expectedSnapshot(n: number): Checksum {
  let outputs = 0;
  let sum = 0;
  let weighted = 0;
  for (let k = 0; k < stateKeys(n); k += CHANGE_EVERY) {
    outputs++;
    sum += changedValue(k);
    weighted += (k + 1) * changedValue(k);
  }
  return { outputs, sum, weighted };
}

/** (ii): an incremental snapshot (`weir`) against a full snapshot, after changing 1% of the keys. */
export const levelSnapshotCost: Benchmark = {
  id: 'state-level-snapshot',
  title: `(d) LevelStateBackend snapshot after changing 1% of min(N, ${SNAPSHOT_STATE_KEYS.toLocaleString('en-US')}) keys: weir = snapshotDelta() vs full snapshot()`,
  contenders: [snapshotContender('weir', true), snapshotContender('full snapshot', false)],
  expected: expectedSnapshot,
};
