import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DataGeneratorSource,
  ErrorCodes,
  RestartStrategies,
  StreamExecutionEnvironment,
  UserFunctionError,
  WeirError,
  type RestartStrategyConfiguration,
  type RuntimeContext,
} from '../src/index.js';

function env(p = 1): StreamExecutionEnvironment {
  return StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: p });
}

/** A map that throws on record `failAt` in the first `failingAttempts` attempts. */
function flakyMap(failAt: number, failingAttempts: number, attempts: number[]) {
  return {
    attempt: -1,
    open(ctx: RuntimeContext) {
      this.attempt = ctx.getAttemptNumber();
      attempts.push(this.attempt);
    },
    map(x: number) {
      if (x === failAt && this.attempt < failingAttempts) throw new Error(`boom at ${x}`);
      return x;
    },
  };
}

function runFlaky(strategy: RestartStrategyConfiguration, failingAttempts: number) {
  const attempts: number[] = [];
  const e = env(1).setRestartStrategy(strategy);
  const result = e.fromSequence(1, 50).map(flakyMap(17, failingAttempts, attempts)).name('flaky').uid('flaky-uid').executeAndCollect();
  return { result, attempts };
}

describe('a failing user function', () => {
  it('fails the job with an error naming the operator, its uid, the record position and the cause', async () => {
    const { result } = runFlaky(RestartStrategies.noRestart(), 1);
    const error = await result.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WeirError);
    const jobError = error as WeirError;
    expect(jobError.code).toBe(ErrorCodes.JOB_FAILED);
    const cause = jobError.cause as UserFunctionError;
    expect(cause).toBeInstanceOf(UserFunctionError);
    expect(cause.code).toBe(ErrorCodes.USER_FUNCTION_FAILED);
    expect(cause.operatorName).toBe('flaky');
    expect(cause.operatorUid).toBe('flaky-uid');
    expect(cause.recordPosition).toBe(17);
    expect(cause.message).toContain('Operator "flaky" (uid "flaky-uid"), subtask 0, failed while processing record #17');
    expect(cause.message).toContain('Error: boom at 17');
    expect(jobError.message).toContain('boom at 17');
  });

  it('names the operator of a failing keyed function behind a network edge', async () => {
    const e = env(2);
    const out = e
      .fromSequence(1, 100)
      .keyBy((x) => x % 3)
      .reduce((a, b) => {
        if (b === 42) throw new TypeError('bad 42');
        return a + b;
      })
      .name('summer')
      .executeAndCollect();
    await expect(out).rejects.toMatchObject({ code: ErrorCodes.JOB_FAILED, cause: { operatorName: 'summer', code: ErrorCodes.USER_FUNCTION_FAILED } });
  });

  it('a failure in open() says so', async () => {
    const out = env()
      .fromElements(1)
      .map({
        open() {
          throw new Error('no connection');
        },
        map: (x: number) => x,
      })
      .name('opener')
      .executeAndCollect();
    await expect(out).rejects.toThrow(/Operator "opener", subtask 0, failed in open\(\): Error: no connection/);
  });

  it('an async sink function that rejects fails the job', async () => {
    const e = env();
    e.fromElements(1, 2, 3).addSink(async (x) => {
      await Promise.resolve();
      if (x === 2) throw new Error('sink down');
    });
    await expect(e.execute()).rejects.toMatchObject({ code: ErrorCodes.JOB_FAILED, cause: { recordPosition: 2 } });
  });

  it('fixed-delay restart re-runs the job from its sources and succeeds without duplicates', async () => {
    const { result, attempts } = runFlaky(RestartStrategies.fixedDelayRestart(3, 10), 2);
    const out = await result;
    expect(out).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(attempts).toEqual([0, 1, 2]);
  });

  it('fixed-delay restart gives up after its attempts', async () => {
    const { result, attempts } = runFlaky(RestartStrategies.fixedDelayRestart(2, 5), 10);
    await expect(result).rejects.toThrow(/failed after 2 restart\(s\)/);
    expect(attempts).toEqual([0, 1, 2]);
  });

  it('fixed-delay restart waits its delay between attempts', async () => {
    const started = Date.now();
    const { result } = runFlaky(RestartStrategies.fixedDelayRestart(2, 150), 2);
    await result;
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('exponential-delay restart recovers', async () => {
    const { result, attempts } = runFlaky(
      RestartStrategies.exponentialDelayRestart({ initialBackoffMs: 5, maxBackoffMs: 20, jitterFactor: 0 }),
      3,
    );
    expect(await result).toHaveLength(50);
    expect(attempts).toEqual([0, 1, 2, 3]);
  });

  it('exponential-delay restart respects its attempts', async () => {
    const { result, attempts } = runFlaky(RestartStrategies.exponentialDelayRestart({ initialBackoffMs: 1, attempts: 1, jitterFactor: 0 }), 5);
    await expect(result).rejects.toMatchObject({ code: ErrorCodes.JOB_FAILED });
    expect(attempts).toEqual([0, 1]);
  });

  it('failure-rate restart recovers while failures stay under the rate and gives up above it', async () => {
    const ok = runFlaky(RestartStrategies.failureRateRestart(3, 60_000, 5), 3);
    expect(await ok.result).toHaveLength(50);
    const tooMany = runFlaky(RestartStrategies.failureRateRestart(2, 60_000, 5), 5);
    await expect(tooMany.result).rejects.toMatchObject({ code: ErrorCodes.JOB_FAILED });
    expect(tooMany.attempts).toEqual([0, 1, 2]);
  });

  it('restarts every task of a job with several vertices', async () => {
    const attempts: number[] = [];
    const e = env(2).setRestartStrategy(RestartStrategies.fixedDelayRestart(1, 5));
    const out = await e
      .fromSequence(1, 1000)
      .keyBy((x) => x % 4)
      .map(flakyMap(500, 1, attempts))
      .map((x): [number, number] => [x % 2, x])
      .keyBy((t) => t[0])
      .sum(1)
      .executeAndCollect();
    expect(attempts.filter((a) => a === 0)).toHaveLength(2);
    expect(attempts.filter((a) => a === 1)).toHaveLength(2);
    expect(out).toHaveLength(1000);
    const finals = new Map<number, number>();
    for (const [k, sum] of out) finals.set(k, Math.max(finals.get(k) ?? 0, sum));
    expect(finals).toEqual(new Map([[0, 250_500], [1, 250_000]]));
  });
});

describe('JobClient', () => {
  it('executeAsync returns a client whose status moves to FINISHED', async () => {
    const e = env();
    e.fromSequence(1, 10).addSink(() => undefined);
    const client = await e.executeAsync('short');
    expect(client.getJobId()).toMatch(/^[0-9a-f]{32}$/);
    const result = await client.getJobExecutionResult();
    expect(result.getJobId()).toBe(client.getJobId());
    expect(result.getNetRuntime()).toBeGreaterThanOrEqual(0);
    expect(await client.getJobStatus()).toBe('FINISHED');
  });

  it('cancel stops an unbounded job', async () => {
    const e = env(2);
    let seen = 0;
    e.fromSource(new DataGeneratorSource((i) => i, Number.POSITIVE_INFINITY), undefined, 'endless').addSink(() => {
      seen++;
    });
    const client = await e.executeAsync('endless');
    while (seen < 10_000) await new Promise((r) => setTimeout(r, 5));
    expect(await client.getJobStatus()).toBe('RUNNING');
    await client.cancel();
    expect(await client.getJobStatus()).toBe('CANCELED');
    await expect(client.getJobExecutionResult()).rejects.toMatchObject({ code: ErrorCodes.JOB_CANCELLED });
    const after = seen;
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toBe(after);
  });

  it('executeAndCollect(limit) returns the first records of an unbounded job and cancels it', async () => {
    const e = env(1);
    const out = await e.fromSource(new DataGeneratorSource((i) => i * 2, Number.POSITIVE_INFINITY), undefined, 'endless').executeAndCollect(5);
    expect(out).toEqual([0, 2, 4, 6, 8]);
  });

  it('a savepoint of a running job needs no periodic checkpoints; once cancelled, a savepoint is refused', async () => {
    const e = env();
    e.fromSource(new DataGeneratorSource((i) => i, Number.POSITIVE_INFINITY), undefined, 'endless').addSink(() => undefined);
    const client = await e.executeAsync();
    const target = await mkdtemp(join(tmpdir(), 'weir-savepoint-'));
    try {
      const savepoint = await client.triggerSavepoint(target);
      expect(await readdir(savepoint)).toContain('_metadata');
      await client.cancel();
      await expect(client.triggerSavepoint(target)).rejects.toMatchObject({ code: ErrorCodes.CHECKPOINT_FAILED, message: expect.stringMatching(/CANCELED, not RUNNING/) });
    } finally {
      await rm(target, { recursive: true, force: true });
    }
  });
});

describe('bad keys', () => {
  it('a key selector returning an object fails the job with a message about keys (one receiver, no hashing upstream)', async () => {
    const run = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 1 })
      .fromElements(1, 2)
      .keyBy((x) => ({ x }) as never)
      .reduce((a, b) => a + b)
      .name('summer')
      .executeAndCollect();
    await expect(run).rejects.toThrow(/Operator "summer".*A key must be a string, number, bigint, boolean or an array of those; got Object/);
  });
});

describe('cancelling a task stuck in user code', () => {
  it('cancel() ends a job whose async function never settles', async () => {
    const e = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
    let started = 0;
    e.fromSequence(1, 10)
      .process<number>({
        async processElement() {
          started++;
          await new Promise(() => undefined);
        },
      })
      .addSink(() => undefined);
    const client = await e.executeAsync('stuck');
    while (started === 0) await new Promise((r) => setTimeout(r, 5));
    await client.cancel();
    expect(await client.getJobStatus()).toBe('CANCELED');
  });
});
