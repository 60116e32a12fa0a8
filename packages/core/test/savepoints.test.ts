/**
 * Savepoints through the public API: JobClient.triggerSavepoint and stopWithSavepoint (with and without drain),
 * resuming a savepoint at another parallelism with identical results, checkpoint statistics, and the errors of
 * savepoints that cannot be taken.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DataGeneratorSource,
  RateLimiterStrategy,
  StreamExecutionEnvironment,
  TumblingEventTimeWindows,
  ValueStateDescriptor,
  WatermarkStrategy,
  type JobClient,
  type RuntimeContext,
  type ValueState,
} from '../src/index.js';

const KEYS = 5;
/** Event time: 10 ms per record, windows of 100 ms (10 records a window, 2 of each key). */
const WINDOW_MS = 100;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weir-savepoints-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Event = [key: number, value: number];

/** Numbers each key's records: `key:count` (keyed state that must survive the savepoint exactly). */
const counter = {
  count: undefined as unknown as ValueState<number>,
  open(ctx: RuntimeContext) {
    this.count = ctx.getState(new ValueStateDescriptor<number>('count', 0));
  },
  async processElement(e: Event, _ctx: unknown, out: { collect(v: string): void }) {
    const next = (await this.count.value())! + 1;
    await this.count.update(next);
    out.collect(`count ${e[0]}:${next}`);
  },
};

interface Run {
  readonly env: StreamExecutionEnvironment;
  readonly out: string[];
}

/**
 * The job: one generator (so each key's records stay in order), then at the environment's parallelism a keyed
 * counter and an event-time tumbling window sum per key; both outputs go to `out`.
 */
function build(options: { n: number; parallelism: number; rate: number; fromSavepoint?: string; checkpointing?: boolean }): Run {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: options.parallelism, fromSavepoint: options.fromSavepoint });
  if (options.checkpointing !== false) {
    env.enableCheckpointing(50);
    env.getCheckpointConfig().setCheckpointStorage(join(dir, 'checkpoints'));
  }
  const out: string[] = [];
  const events = env
    .fromSource(
      new DataGeneratorSource<Event>((i) => [i % KEYS, i], options.n, RateLimiterStrategy.perSecond(options.rate)),
      WatermarkStrategy.forMonotonousTimestamps<Event>().withTimestampAssigner((e) => e[1] * 10),
      'generator',
    )
    .setParallelism(1)
    .uid('generator');
  const keyed = events.keyBy((e) => e[0]);
  keyed
    .process(counter)
    .uid('counter')
    .addSink((line) => {
      out.push(line);
    })
    .uid('counts-out');
  keyed
    .window(TumblingEventTimeWindows.of(WINDOW_MS))
    .sum(1)
    .uid('window-sum')
    .map((e) => `sum ${e[0]}:${e[1]}`)
    .uid('format')
    .addSink((line) => {
      out.push(line);
    })
    .uid('sums-out');
  return { env, out };
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const sorted = (lines: readonly string[]): string[] => [...lines].sort();
const counts = (lines: readonly string[]): string[] => lines.filter((l) => l.startsWith('count '));

/** Starts a job and stops it with a savepoint once `after` lines came out. */
async function stopMidway(run: Run, after: number, drain: boolean): Promise<{ client: JobClient; savepoint: string }> {
  const client = await run.env.executeAsync('savepoint job');
  await waitFor(() => run.out.length >= after, `${after} output lines`);
  const savepoint = await client.stopWithSavepoint(join(dir, 'savepoints'), drain);
  return { client, savepoint };
}

describe('savepoints', () => {
  it('a savepoint taken at parallelism 2 by stopWithSavepoint resumes at parallelism 3 and at 1 with identical final results', async () => {
    const n = 1500;
    const reference = build({ n, parallelism: 2, rate: 1_000_000 });
    await reference.env.execute('reference');
    expect(counts(reference.out)).toHaveLength(n);

    const first = build({ n, parallelism: 2, rate: 3000 });
    const { client, savepoint } = await stopMidway(first, 200, false);
    expect(await client.getJobStatus()).toBe('FINISHED');
    await expect(client.getJobExecutionResult()).resolves.toBeDefined();
    expect(savepoint).toMatch(/savepoints[/\\]savepoint-[0-9a-f]{6}-[0-9a-f]{12}$/);
    expect(await readdir(savepoint)).toContain('_metadata');
    // Stopped midway: the generator did not run to its end, and no window was flushed by an end of input.
    expect(counts(first.out).length).toBeLessThan(n);
    const stats = await client.getCheckpointStats();
    expect(stats.find((s) => s.savepoint && s.status === 'COMPLETED')?.externalPath).toBe(savepoint);

    for (const parallelism of [3, 1]) {
      const resumed = build({ n, parallelism, rate: 1_000_000, fromSavepoint: savepoint });
      await resumed.env.execute(`resumed at parallelism ${parallelism}`);
      expect(sorted([...first.out, ...resumed.out])).toEqual(sorted(reference.out));
    }
  });

  it('stopWithSavepoint with drain fires every window before the savepoint; a resumed job counts each record once', async () => {
    const n = 1500;
    const first = build({ n, parallelism: 2, rate: 3000, checkpointing: false });
    const { client, savepoint } = await stopMidway(first, 200, true);
    expect(await client.getJobStatus()).toBe('FINISHED');
    const seen = counts(first.out).length;
    expect(seen).toBeLessThan(n);
    // Drained: the maximum watermark fired every window, the last one too, so the sums cover every record read.
    const sumOf = (lines: readonly string[]): number =>
      lines.filter((l) => l.startsWith('sum ')).reduce((total, l) => total + Number(l.split(':')[1]), 0);
    expect(sumOf(first.out)).toBe((seen * (seen - 1)) / 2);

    const resumed = build({ n, parallelism: 3, rate: 1_000_000, fromSavepoint: savepoint, checkpointing: false });
    await resumed.env.execute('resumed after drain');
    // Each key's count goes on from the savepoint: every record is counted exactly once over both runs.
    expect(sorted(counts([...first.out, ...resumed.out]))).toEqual(sorted(Array.from({ length: n }, (_, i) => `count ${i % KEYS}:${Math.floor(i / KEYS) + 1}`)));
    expect(sumOf([...first.out, ...resumed.out])).toBe((n * (n - 1)) / 2);
  });

  it('triggerSavepoint leaves the job running; a job resumed from it ends with the same state', async () => {
    const n = 1500;
    const run = build({ n, parallelism: 2, rate: 4000 });
    const client = await run.env.executeAsync('running job');
    await waitFor(() => run.out.length >= 200, '200 output lines');
    const savepoint = await client.triggerSavepoint(join(dir, 'savepoints'));
    expect(await client.getJobStatus()).toBe('RUNNING');
    await client.getJobExecutionResult();
    expect(counts(run.out)).toHaveLength(n);
    // The savepoint stays when the job finishes (its checkpoints do not).
    expect(await readdir(savepoint)).toContain('_metadata');

    const resumed = build({ n, parallelism: 1, rate: 1_000_000, fromSavepoint: savepoint });
    await resumed.env.execute('resumed');
    // Per key, the resumed counts go on without gap up to the same final count.
    const resumedCounts = counts(resumed.out);
    expect(resumedCounts.length).toBeGreaterThan(0);
    expect(resumedCounts.length).toBeLessThan(n);
    for (let key = 0; key < KEYS; key++) {
      const mine = resumedCounts.filter((l) => l.startsWith(`count ${key}:`)).map((l) => Number(l.split(':')[1]));
      const last = n / KEYS;
      expect(mine).toEqual(Array.from({ length: mine.length }, (_, i) => last - mine.length + 1 + i));
    }
  });

  it('a savepoint of a job that is not running, or in BATCH mode, fails with a clear error', async () => {
    const { env } = build({ n: 50, parallelism: 1, rate: 1_000_000, checkpointing: false });
    const client = await env.executeAsync('short');
    await client.getJobExecutionResult();
    await expect(client.triggerSavepoint(join(dir, 'sp'))).rejects.toMatchObject({ code: 'WEIR_CHECKPOINT_FAILED', message: expect.stringMatching(/FINISHED, not RUNNING/) });
    await expect(client.stopWithSavepoint(join(dir, 'sp'))).rejects.toMatchObject({ code: 'WEIR_CHECKPOINT_FAILED' });
    await expect(client.triggerSavepoint('')).rejects.toThrow(TypeError);

    const batch = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 1 });
    batch.setRuntimeMode('BATCH');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    batch.fromCollection([1, 2, 3]).map(async (x) => {
      await gate;
      return x;
    }).addSink(() => undefined);
    const batchClient = await batch.executeAsync('batch');
    await expect(batchClient.triggerSavepoint(join(dir, 'sp'))).rejects.toMatchObject({ code: 'WEIR_UNSUPPORTED_OPERATION' });
    release();
    await batchClient.getJobExecutionResult();
  });

  it('checkpoint statistics are readable from the JobClient', async () => {
    const run = build({ n: 1500, parallelism: 2, rate: 5000 });
    const client = await run.env.executeAsync('stats');
    await waitFor(() => run.out.length >= 1000, '1000 output lines');
    const stats = await client.getCheckpointStats();
    await client.cancel();
    const completed = stats.filter((s) => s.status === 'COMPLETED');
    expect(completed.length).toBeGreaterThan(0);
    for (const s of completed) {
      expect(s.savepoint).toBe(false);
      expect(s.stateSize).toBeGreaterThan(0);
      expect(s.durationMs).toBeGreaterThanOrEqual(0);
      expect(s.externalPath).toMatch(/chk-\d+$/);
    }
  });
});
