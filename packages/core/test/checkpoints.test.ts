/**
 * Checkpoints and recovery through the public API: an invariant job (Flink's way of testing itself) with a
 * generator of per-key sequence numbers, keyed state, a checker that alerts on any gap or duplicate per key, a
 * failure injector, and a FileSink whose finished files must hold every record exactly once.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  CheckpointingMode,
  DataGeneratorSource,
  FileSink,
  ListStateDescriptor,
  OutputTag,
  RateLimiterStrategy,
  RestartStrategies,
  SimpleStringEncoder,
  StreamExecutionEnvironment,
  ValueStateDescriptor,
  WatermarkStrategy,
  type CheckpointedFunction,
  type CheckpointListener,
  type FunctionInitializationContext,
  type OperatorListState,
  type RuntimeContext,
  type ValueState,
} from '../src/index.js';
import { readFinishedLines } from '../src/sinks/file-sink/file-sink-output.js';

const KEYS = 7;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weir-checkpoints-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Event = [key: number, seq: number];

/** Failures injected so far (function objects are copied per subtask, so the count lives here). */
let injected = 0;

/** Throws once, in the first attempt, after `afterRecords` records and `afterCheckpoints` completed checkpoints. */
class FailureInjector implements CheckpointListener {
  private seen = 0;
  private checkpoints = 0;
  private attempt = 0;
  constructor(
    private readonly afterRecords: number,
    private readonly afterCheckpoints: number,
    private readonly failAttempts = 1,
  ) {}
  open(ctx: RuntimeContext): void {
    this.attempt = ctx.getAttemptNumber();
  }
  map(e: Event): Event {
    this.seen++;
    if (this.attempt < this.failAttempts && this.seen >= this.afterRecords && this.checkpoints >= this.afterCheckpoints) {
      injected++;
      throw new Error(`injected failure in attempt ${this.attempt}`);
    }
    return e;
  }
  notifyCheckpointComplete(): void {
    this.checkpoints++;
  }
}

const alerts = new OutputTag<string>('alerts');

/** Checks that each key's sequence numbers come without gap or duplicate; counts per key in keyed state. */
const checker = {
  last: undefined as unknown as ValueState<number>,
  open(ctx: RuntimeContext) {
    this.last = ctx.getState(new ValueStateDescriptor<number>('last-seq'));
  },
  async processElement(e: Event, ctx: { output(tag: OutputTag<string>, v: string): void }, out: { collect(v: string): void }) {
    const last = (await this.last.value()) ?? -1;
    if (e[1] !== last + 1) ctx.output(alerts, `key ${e[0]}: expected ${last + 1}, got ${e[1]}`);
    await this.last.update(e[1]);
    out.collect(`${e[0]}:${e[1]}`);
  },
};

function expectedLines(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${i % KEYS}:${Math.floor(i / KEYS)}`).sort();
}

async function runInvariantJob(options: { n: number; parallelism: number; injector?: FailureInjector; mode?: CheckpointingMode; out: string }) {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: options.parallelism });
  env.enableCheckpointing(40, options.mode ?? CheckpointingMode.EXACTLY_ONCE);
  env.getCheckpointConfig().setCheckpointStorage(join(dir, 'checkpoints'));
  env.setRestartStrategy(RestartStrategies.fixedDelayRestart(3, 10));
  const source = new DataGeneratorSource<Event>((i) => [i % KEYS, Math.floor(i / KEYS)], options.n, RateLimiterStrategy.perSecond(options.n * 2));
  // One generator: each key's sequence numbers then reach the checker in order (several generators would interleave them).
  let stream = env.fromSource(source, WatermarkStrategy.noWatermarks(), 'generator').setParallelism(1);
  // Chained to the generator: a map of another parallelism would rebalance, and reorder each key's records.
  if (options.injector !== undefined) stream = stream.map(options.injector).uid('injector').setParallelism(1);
  const checked = stream.keyBy((e) => e[0]).process(checker).uid('checker');
  const alerted: string[] = [];
  checked.getSideOutput(alerts).addSink((a) => {
    alerted.push(a);
  });
  checked.sinkTo(FileSink.forRowFormat(options.out, new SimpleStringEncoder<string>()).build()).uid('file-sink');
  const client = await env.executeAsync('invariant job');
  await client.getJobExecutionResult();
  return { alerted };
}

describe('checkpoints and recovery', () => {
  it('the invariant job with an injected failure restores from a checkpoint: no alert, every record exactly once in the FileSink', async () => {
    const n = 3000;
    const out = join(dir, 'out');
    injected = 0;
    const { alerted } = await runInvariantJob({ n, parallelism: 2, injector: new FailureInjector(n / 4, 2), out });
    expect(injected).toBe(1);
    expect(alerted).toEqual([]);
    expect(await readFinishedLines(out)).toEqual(expectedLines(n));
  });

  it('recovers several times in a row (failures in three attempts), in AT_LEAST_ONCE mode at parallelism 1 too', async () => {
    const n = 2000;
    const out = join(dir, 'out');
    injected = 0;
    const { alerted } = await runInvariantJob({ n, parallelism: 3, injector: new FailureInjector(n / 6, 1, 3), out });
    expect(injected).toBe(3);
    expect(alerted).toEqual([]);
    expect(await readFinishedLines(out)).toEqual(expectedLines(n));
    const out2 = join(dir, 'out2');
    const second = await runInvariantJob({ n, parallelism: 1, injector: new FailureInjector(n / 3, 1), out: out2, mode: CheckpointingMode.AT_LEAST_ONCE });
    expect(injected).toBe(4);
    expect(second.alerted).toEqual([]);
    expect(await readFinishedLines(out2)).toEqual(expectedLines(n));
  });

  it('writes checkpoints to the storage directory while running and removes them when the job finishes', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 1 });
    env.enableCheckpointing(20);
    env.getCheckpointConfig().setCheckpointStorage(join(dir, 'checkpoints')).setNumRetainedCheckpoints(2);
    const seen: string[][] = [];
    env
      .fromSource(new DataGeneratorSource((i) => i, 400, RateLimiterStrategy.perSecond(1000)), WatermarkStrategy.noWatermarks(), 'gen')
      .keyBy((i) => i % 3)
      .sum(0)
      .addSink(() => undefined);
    const client = await env.executeAsync('storage job');
    const jobDir = join(dir, 'checkpoints', client.getJobId());
    const poll = setInterval(() => {
      readdir(jobDir).then(
        (entries) => seen.push(entries.filter((e) => e.startsWith('chk-'))),
        () => undefined,
      );
    }, 15);
    await client.getJobExecutionResult();
    clearInterval(poll);
    expect(seen.some((entries) => entries.length > 0)).toBe(true);
    // At most the retained two (plus one being written) at any time.
    expect(Math.max(...seen.map((e) => e.length))).toBeLessThanOrEqual(3);
    // The job's directory goes too, once empty.
    await expect(readdir(jobDir)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readdir(join(dir, 'checkpoints'))).toEqual([]);
  });

  it('CheckpointedFunction operator state survives a failure: every subtask counts its records exactly once', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
    env.enableCheckpointing(30);
    env.getCheckpointConfig().setCheckpointStorage('memory://');
    env.setRestartStrategy(RestartStrategies.fixedDelayRestart(2, 10));
    injected = 0;
    /** Counts the records its subtask saw, in operator state; emits [subtask, count] per record. */
    class Counting implements CheckpointedFunction, CheckpointListener {
      count = 0;
      state!: OperatorListState<number>;
      attempt = 0;
      subtask = 0;
      checkpoints = 0;
      open(ctx: RuntimeContext) {
        this.attempt = ctx.getAttemptNumber();
        this.subtask = ctx.getIndexOfThisSubtask();
      }
      initializeState(ctx: FunctionInitializationContext) {
        this.state = ctx.getOperatorStateStore().getListState(new ListStateDescriptor<number>('count'));
        this.count = this.state.get().reduce((a, b) => a + b, 0);
      }
      snapshotState() {
        this.state.update([this.count]);
      }
      notifyCheckpointComplete() {
        this.checkpoints++;
      }
      map(_v: number): [number, number] {
        this.count++;
        if (this.attempt === 0 && this.count >= 250 && this.checkpoints > 0) {
          injected++;
          throw new Error('injected');
        }
        return [this.subtask, this.count];
      }
    }
    const n = 1000;
    const counts = await env
      .fromSource(new DataGeneratorSource((i) => i, n, RateLimiterStrategy.perSecond(4000)), WatermarkStrategy.noWatermarks(), 'gen')
      .map(new Counting())
      .uid('counting')
      .executeAndCollect();
    expect(injected).toBeGreaterThan(0);
    // The collected records are those of the last attempt; each subtask's last count includes what it had counted
    // up to the checkpoint it restarted from, so the final counts add up to every record, once.
    const finalCounts = new Map<number, number>();
    for (const [subtask, count] of counts) finalCounts.set(subtask, Math.max(finalCounts.get(subtask) ?? 0, count));
    expect([...finalCounts.values()].reduce((a, b) => a + b, 0)).toBe(n);
  });

  it('resumes from the retained checkpoints of a failed job; a truncated latest checkpoint is reported and the previous one used', async () => {
    const n = 3000;
    const out = join(dir, 'out');
    const storage = join(dir, 'checkpoints');
    const build = (env: StreamExecutionEnvironment, injector?: FailureInjector) => {
      env.enableCheckpointing(30);
      env.getCheckpointConfig().setCheckpointStorage(storage).setNumRetainedCheckpoints(3);
      env.setRestartStrategy(RestartStrategies.noRestart());
      let stream = env
        .fromSource(new DataGeneratorSource<Event>((i) => [i % KEYS, Math.floor(i / KEYS)], n, RateLimiterStrategy.perSecond(n * 2)), WatermarkStrategy.noWatermarks(), 'generator')
        .setParallelism(1)
        .uid('generator');
      if (injector !== undefined) stream = stream.map(injector).uid('injector').setParallelism(1);
      const checked = stream.keyBy((e) => e[0]).process(checker).uid('checker');
      const alerted: string[] = [];
      checked.getSideOutput(alerts).addSink((a) => {
        alerted.push(a);
      });
      checked.sinkTo(FileSink.forRowFormat(out, new SimpleStringEncoder<string>()).build()).uid('file-sink');
      return alerted;
    };
    injected = 0;
    const first = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
    build(first, new FailureInjector(n / 2, 3));
    await expect(first.execute('fails')).rejects.toThrow(/injected failure/);
    expect(injected).toBe(1);
    const [jobId] = await readdir(storage);
    const checkpoints = (await readdir(join(storage, jobId))).filter((e) => e.startsWith('chk-')).sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)));
    expect(checkpoints.length).toBeGreaterThanOrEqual(2);
    const newest = join(storage, jobId, checkpoints[checkpoints.length - 1]);
    const taskFile = (await readdir(newest)).find((e) => e.startsWith('task-'))!;
    const bytes = await readFile(join(newest, taskFile));
    await writeFile(join(newest, taskFile), bytes.subarray(0, Math.floor(bytes.length / 2)));

    const warnings: string[] = [];
    const warn = vi.spyOn(console, 'warn').mockImplementation((m: unknown) => {
      warnings.push(String(m));
    });
    try {
      // Resumed as a new run of the job would be, without the injector (its state is dropped on purpose).
      const second = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 3, fromSavepoint: join(storage, jobId), allowNonRestoredState: true });
      const alerted = build(second);
      await second.execute('resumed');
      expect(alerted).toEqual([]);
    } finally {
      warn.mockRestore();
    }
    expect(warnings.join('\n')).toMatch(new RegExp(`Skipping checkpoint ${checkpoints[checkpoints.length - 1].slice(4)} `));
    expect(await readFinishedLines(out)).toEqual(expectedLines(n));
  });

  it('a savepoint with state of an operator the job lacks fails with SAVEPOINT_MISMATCH unless allowed', async () => {
    const storage = join(dir, 'checkpoints');
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 1 });
    env.enableCheckpointing(20);
    env.getCheckpointConfig().setCheckpointStorage(storage);
    env.setRestartStrategy(RestartStrategies.noRestart());
    injected = 0;
    env
      .fromSource(new DataGeneratorSource((i) => i, 2000, RateLimiterStrategy.perSecond(4000)), WatermarkStrategy.noWatermarks(), 'gen')
      .uid('gen')
      .map((i): Event => [i % 3, i])
      .map(new FailureInjector(1000, 1))
      .keyBy((e) => e[0])
      .sum(1)
      .uid('old-sum')
      .addSink(() => undefined);
    await expect(env.execute()).rejects.toThrow(/injected/);
    const [jobId] = await readdir(storage);
    const resumed = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 1, fromSavepoint: join(storage, jobId) });
    resumed
      .fromSource(new DataGeneratorSource((i) => i, 10, RateLimiterStrategy.perSecond(4000)), WatermarkStrategy.noWatermarks(), 'gen')
      .uid('gen')
      .keyBy((i) => i % 3)
      .sum(0)
      .uid('new-sum')
      .addSink(() => undefined);
    await expect(resumed.execute()).rejects.toMatchObject({ code: 'WEIR_SAVEPOINT_MISMATCH', message: expect.stringMatching(/old-sum/) });
  });
});
