/** `weir run job | head`: when the reader of standard output goes away, the run ends quietly with exit code 0. */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

it('a closed standard output ends the run quietly', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'weir-epipe-'));
  try {
    const job = join(dir, 'many.mjs');
    await writeFile(
      job,
      `import { DataGeneratorSource, StreamExecutionEnvironment } from '@weir/core';
const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 1 });
env.fromSource(new DataGeneratorSource((i) => 'line ' + i, Number.POSITIVE_INFINITY), undefined, 'lines').print();
await env.execute('many lines');
`,
    );
    const child = spawn(process.execPath, [BIN, 'run', job], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(0);
    expect(stderr).toBe('');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
