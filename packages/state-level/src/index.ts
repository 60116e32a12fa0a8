/**
 * `@weir/state-level`: keyed state in LevelDB, for state larger than memory (Flink's RocksDB state backend, with
 * LevelDB through `level`/classic-level). Each keyed operator instance keeps its state in a LevelDB database of its
 * own, behind a write cache of recently used entries; snapshots read a LevelDB snapshot while processing goes on, and
 * incremental snapshots (`snapshotDelta()`) hold only what changed since the previous one.
 *
 * @example
 * ```ts
 * import { StreamExecutionEnvironment } from '@weir/core';
 * import { LevelStateBackend } from '@weir/state-level';
 *
 * const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
 * env.setStateBackend(new LevelStateBackend({ path: './state', cacheSize: 1000 }));
 * const counts = await env
 *   .fromSequence(0, 99_999)
 *   .map((i): [number, number] => [i % 10_000, 1])
 *   .keyBy(([key]) => key)
 *   .sum(1)
 *   .executeAndCollect();
 * console.log(counts.length); // 100000 running counts; the 10,000 keys are 10x the cache
 * ```
 */

export { LevelStateBackend, DEFAULT_CACHE_SIZE, DEFAULT_WRITE_BATCH_SIZE } from './level-state-backend.js';
export type { LevelStateBackendOptions } from './level-state-backend.js';
export { LevelKeyedStateBackend } from './level-keyed-state-backend.js';
export type { KeyedStateDelta, LevelKeyedStateBackendSettings } from './level-keyed-state-backend.js';
