/**
 * The shape of a benchmark: one workload, several contenders that compute the same result on the same records (weir
 * and its references), and the checksum every contender must produce.
 */
import type { Checksum, ChecksumSink } from './checksum-sink.js';

/** One implementation of a benchmark's workload. */
export interface Contender {
  /** The name in the report, e.g. `weir`, `RxJS 7`, `for-loop`. */
  readonly name: string;
  /** Processes `n` input records, writing every output to `sink`. May be asynchronous (weir jobs are). */
  run(n: number, sink: ChecksumSink): void | Promise<void>;
}

/** A workload and its contenders. */
export interface Benchmark {
  /** A short id for `WEIR_BENCH_ONLY` and the floors, e.g. `stateless`. */
  readonly id: string;
  /** The title in the report. */
  readonly title: string;
  /** The contenders; the first one is weir, the others are references. */
  readonly contenders: readonly Contender[];
  /** The checksum every contender must produce for `n` input records. */
  expected(n: number): Checksum;
}
