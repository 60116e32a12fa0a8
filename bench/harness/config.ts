/**
 * The settings of a benchmark run, read from environment variables so that a quick run needs no code change:
 *
 * - `WEIR_BENCH_N`: records per measured run (default 10 000 000; `_` separators allowed, e.g. `1_000_000`).
 * - `WEIR_BENCH_WARMUP_N`: records of the one warm-up run per contender (default `min(N, 1 000 000)`).
 * - `WEIR_BENCH_REPEAT`: measured runs per contender; the median is reported (default 3).
 * - `WEIR_BENCH_ONLY`: comma-separated benchmark ids to run (default all: `stateless,keyed-number,keyed-string`).
 */

/** The settings of one run of the harness. */
export interface BenchConfig {
  /** Records per measured run. */
  readonly n: number;
  /** Records of the warm-up run. */
  readonly warmupN: number;
  /** Measured runs per contender. */
  readonly repeat: number;
  /** Benchmark ids to run; undefined means all. */
  readonly only: ReadonlySet<string> | undefined;
}

/** Reads the settings from `env` (default: `process.env`); throws a readable error on a bad value. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): BenchConfig {
  const n = positiveInteger(env, 'WEIR_BENCH_N', 10_000_000);
  const warmupN = positiveInteger(env, 'WEIR_BENCH_WARMUP_N', Math.min(n, 1_000_000));
  const repeat = positiveInteger(env, 'WEIR_BENCH_REPEAT', 3);
  const onlyText = env.WEIR_BENCH_ONLY?.trim();
  const only = onlyText ? new Set(onlyText.split(',').map((s) => s.trim()).filter((s) => s.length > 0)) : undefined;
  return { n, warmupN, repeat, only };
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name]?.trim();
  if (text === undefined || text === '') return fallback;
  const value = Number(text.replaceAll('_', ''));
  if (!Number.isSafeInteger(value) || value < 1) throw new TypeError(`${name} must be a positive integer, got "${text}"`);
  return value;
}
