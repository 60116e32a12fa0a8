/**
 * The cost of checkpointing (issue 4: "throughput with checkpoints every second is at least 85% of the same job
 * without checkpoints"): the keyed running count of `keyed-count.ts` (100,000 number keys, memory backend,
 * parallelism 1, STREAMING), run on `RECORDS_PER_N * N` records so that a run lasts several seconds and takes several
 * checkpoints.
 *
 * - weir: checkpoints every 1,000 ms, EXACTLY_ONCE, written to a local directory (a temporary one): each checkpoint
 *   snapshots the source position and the 100,000 counts, encodes them and writes them with checksums, `_metadata`
 *   last. The run logs how many checkpoints completed and their mean duration.
 * - no checkpoints: the same job without `enableCheckpointing`.
 *
 * Both emit every running count into the checksum sink; the checksum is the keyed count's for `RECORDS_PER_N * N`
 * records, so a lost or repeated record fails it. The rate column is N (not the records processed) over the run's
 * time; only the ratio matters.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CheckpointingMode, RuntimeExecutionMode, StreamExecutionEnvironment } from '@weir/core';
import type { Benchmark, Contender } from '../harness/benchmark.js';
import type { ChecksumSink } from '../harness/checksum-sink.js';
import { DISTINCT_KEYS, keyedCountNumberKeys } from './keyed-count.js';

/** Records processed per unit of N. */
export const RECORDS_PER_N = 3;

/** The checkpoint interval of the floor. */
export const CHECKPOINT_INTERVAL_MS = 1_000;

function job(checkpoints: boolean): Contender {
  return {
    name: checkpoints ? 'weir' : 'no checkpoints',
    async run(n: number, sink: ChecksumSink): Promise<void> {
      const records = n * RECORDS_PER_N;
      const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 1, runtimeMode: RuntimeExecutionMode.STREAMING });
      const storage = checkpoints ? mkdtempSync(path.join(os.tmpdir(), 'weir-bench-checkpoints-')) : undefined;
      if (storage !== undefined) {
        env.enableCheckpointing(CHECKPOINT_INTERVAL_MS, CheckpointingMode.EXACTLY_ONCE);
        env.getCheckpointConfig().setCheckpointStorage(storage);
      }
      env
        .fromSequence(0, records - 1)
        .uid('sequence')
        .map((i): [number, number] => [i % DISTINCT_KEYS, 1])
        .keyBy((t) => t[0])
        .sum(1)
        .uid('count')
        .addSink((t) => sink.keyed(t[0] + 1, t[1]));
      try {
        const client = await env.executeAsync('bench: keyed running count with checkpoints');
        await client.getJobExecutionResult();
        if (checkpoints) {
          const completed = (await client.getCheckpointStats()).filter((s) => s.status === 'COMPLETED' && !s.savepoint);
          const mean = completed.reduce((t, s) => t + (s.durationMs ?? 0), 0) / Math.max(1, completed.length);
          const size = completed.length > 0 ? completed[completed.length - 1].stateSize : 0;
          console.error(`    ${completed.length} checkpoint(s) completed, mean duration ${mean.toFixed(0)} ms, ${(size / 1e6).toFixed(1)} MB each`);
        }
      } finally {
        if (storage !== undefined) rmSync(storage, { recursive: true, force: true });
      }
    },
  };
}

/** Throughput of the keyed count with checkpoints every second against the same job without checkpoints. */
export const checkpointOverhead: Benchmark = {
  id: 'checkpoint-overhead',
  title: `(issue 4) keyed running count, ${DISTINCT_KEYS.toLocaleString('en-US')} keys, ${RECORDS_PER_N}N records: checkpoints every ${CHECKPOINT_INTERVAL_MS} ms vs none`,
  contenders: [job(true), job(false)],
  expected: (n) => keyedCountNumberKeys.expected(n * RECORDS_PER_N),
};
