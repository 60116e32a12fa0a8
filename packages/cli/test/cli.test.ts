/**
 * The `weir` command end to end: every test starts `node packages/cli/dist/bin.js` as a real process (build first:
 * `npx tsc -b`, which `npm test` does). Job files are written into a fresh directory under the OS temp directory,
 * with no package.json, so the CLI must bundle them and give them its own `@weir/core`.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli.js';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/bin.js ...args` and collects its exit code and output. */
function weir(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: dir, env: { ...process.env, WEIR_DEBUG: '', ...env }, timeout: 20_000 },
      (error, stdout, stderr) => {
        if (error === null) resolve({ code: 0, stdout, stderr });
        else if (typeof error.code === 'number') resolve({ code: error.code, stdout, stderr });
        else reject(new Error(`weir did not run: ${error.message}`, { cause: error }));
      },
    );
  });
}

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line.length > 0);
}

let dir: string;

/** Writes a job file into the test directory and returns its path. */
async function job(name: string, source: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, source);
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weir-cli-test-'));
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build with \`npx tsc -b\` before running the tests`);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('weir run', () => {
  it('runs a JavaScript job with top-level await from a directory without package.json', async () => {
    const path = await job(
      'upper.js',
      `import { StreamExecutionEnvironment } from '@weir/core';
const words = await new Promise((resolve) => setTimeout(() => resolve(['stream', 'all', 'things']), 10));
const env = StreamExecutionEnvironment.getExecutionEnvironment();
env.fromCollection(words).map((w) => w.toUpperCase()).print();
await env.execute('upper');
console.log('after execute');
`,
    );
    const result = await weir(['run', path, '-p', '1']);
    expect(result).toEqual({ code: 0, stdout: 'STREAM\nALL\nTHINGS\nafter execute\n', stderr: '' });
  });

  it('runs a TypeScript job with types, interfaces and top-level await', async () => {
    const path = await job(
      'readings.ts',
      `import { StreamExecutionEnvironment, type DataStream } from '@weir/core';
interface Reading { sensor: string; value: number }
const readings: Reading[] = await Promise.resolve([{ sensor: 's1', value: 2 }, { sensor: 's2', value: 5 }]);
const env = StreamExecutionEnvironment.getExecutionEnvironment();
const stream: DataStream<Reading> = env.fromCollection(readings);
stream.map((r: Reading): string => \`\${r.sensor}=\${r.value * 10}\`).print();
await env.execute('readings');
`,
    );
    const result = await weir(['run', path, '-p', '1']);
    expect(result).toEqual({ code: 0, stdout: 's1=20\ns2=50\n', stderr: '' });
  });

  it('runs a job in a "type": "commonjs" package that imports a local TypeScript module', async () => {
    await mkdir(join(dir, 'cjs-package', 'lib'), { recursive: true });
    await writeFile(join(dir, 'cjs-package', 'package.json'), JSON.stringify({ type: 'commonjs' }));
    await writeFile(join(dir, 'cjs-package', 'lib', 'scale.ts'), 'export const scale = (n: number): number => n * 100;\n');
    const path = await job(
      'cjs-package/job.ts',
      `import { StreamExecutionEnvironment } from '@weir/core';
import { scale } from './lib/scale.js';
const env = StreamExecutionEnvironment.getExecutionEnvironment();
env.fromElements(1, 2).map(scale).print();
await env.execute();
`,
    );
    expect(await weir(['run', path, '-p', '1'])).toEqual({ code: 0, stdout: '100\n200\n', stderr: '' });
  });

  it('applies -p: print prefixes name the subtasks', async () => {
    const path = await job(
      'sequence.ts',
      `import { StreamExecutionEnvironment } from '@weir/core';
const env = StreamExecutionEnvironment.getExecutionEnvironment();
env.fromSequence(1, 10).map((n) => n * 2).print();
await env.execute();
`,
    );
    const result = await weir(['run', path, '-p', '2']);
    expect(result.code).toBe(0);
    const printed = lines(result.stdout);
    for (const line of printed) expect(line).toMatch(/^[12]> \d+$/);
    expect(new Set(printed.map((line) => line.slice(0, 3)))).toEqual(new Set(['1> ', '2> ']));
    expect(printed.map((line) => Number(line.slice(3))).sort((a, b) => a - b)).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18, 20]);
  });

  it('applies --mode: BATCH prints only the final sum per key, STREAMING every update', async () => {
    const path = await job(
      'keyed-sum.ts',
      `import { StreamExecutionEnvironment } from '@weir/core';
const env = StreamExecutionEnvironment.getExecutionEnvironment();
env.fromElements('a', 'b', 'a', 'c', 'a', 'b')
  .map((w): [string, number] => [w, 1])
  .keyBy(([w]) => w)
  .sum(1)
  .print();
await env.execute('keyed sum');
`,
    );
    const batch = await weir(['run', path, '-p', '1', '--mode', 'batch']);
    expect(batch.code).toBe(0);
    expect(lines(batch.stdout).sort()).toEqual(['(a,3)', '(b,2)', '(c,1)']);
    const streaming = await weir(['run', path, '-p', '1', '--mode', 'STREAMING']);
    expect(lines(streaming.stdout)).toEqual(['(a,1)', '(b,1)', '(a,2)', '(c,1)', '(a,3)', '(b,2)']);
  });

  it('passes the arguments after -- to the job in process.argv, and import.meta.url is the job file', async () => {
    const path = await job(
      'args.mjs',
      `import { StreamExecutionEnvironment } from '@weir/core';
console.log(JSON.stringify({ argv: process.argv.slice(1), url: import.meta.url }));
const env = StreamExecutionEnvironment.getExecutionEnvironment();
env.fromElements(1).print();
await env.execute();
`,
    );
    const result = await weir(['run', path, '-p', '1', '--', '--input', 'in.txt', '-p', '7']);
    expect(result.code).toBe(0);
    const info = JSON.parse(lines(result.stdout)[0]) as { argv: string[]; url: string };
    expect(info.argv).toEqual([path, '--input', 'in.txt', '-p', '7']);
    expect(info.url).toBe(pathToFileURL(path).href);
  });

  it('reports a failing job on one line with the operator and the codes, and exits 1', async () => {
    const path = await job(
      'failing.ts',
      `import { StreamExecutionEnvironment } from '@weir/core';
const env = StreamExecutionEnvironment.getExecutionEnvironment();
env.fromElements(1, 2, 3)
  .map((n: number) => { if (n === 2) throw new Error('cannot handle 2'); return n; })
  .name('fragile-map')
  .print();
await env.execute('failing job');
console.log('not reached');
`,
    );
    const result = await weir(['run', path, '-p', '1']);
    expect(result.code).toBe(1);
    expect(result.stdout).not.toContain('not reached');
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(/^weir: Job "failing job" .* failed: .*"fragile-map".*cannot handle 2/);
    expect(result.stderr).toContain('WEIR_JOB_FAILED');
    expect(result.stderr).toContain('WEIR_USER_FUNCTION_FAILED');
    expect(result.stderr).not.toMatch(/^\s+at /m);

    const debug = await weir(['run', path, '-p', '1'], { WEIR_DEBUG: '1' });
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/^\s+at /m);
    // The inline source map points the stack trace at the job file.
    expect(debug.stderr).toContain(`${path}:4:`);
  });

  it('reports a syntax error on one line naming the file and line, and exits 1', async () => {
    const path = await job('broken.ts', `import { StreamExecutionEnvironment } from '@weir/core';\nconst n: number = = 1;\n`);
    const result = await weir(['run', path]);
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toEqual([expect.stringMatching(/^weir: .*broken\.ts:2:\d+: .*WEIR_CLI_JOB_LOAD_FAILED/)]);
  });

  it('reports an import that cannot be found, naming the job rather than its bundle', async () => {
    const path = await job('missing-dep.mjs', `import x from 'no-such-package-weir-test';\nconsole.log(x);\n`);
    const result = await weir(['run', path]);
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toContain("'no-such-package-weir-test'");
    expect(result.stderr).toContain(path);
    expect(result.stderr).not.toContain('.weir-');
  });

  it('fails with WEIR_NO_JOB_DEFINED when the program never calls execute()', async () => {
    const path = await job('no-execute.mjs', `console.log('hello');\n`);
    const result = await weir(['run', path]);
    expect(result).toEqual({ code: 1, stdout: 'hello\n', stderr: 'weir: the job never called execute() [WEIR_NO_JOB_DEFINED]\n' });
  });
});

describe('command-line mistakes exit 2 with one line', () => {
  it('a missing job file', async () => {
    const missing = join(dir, 'missing.ts');
    expect(await weir(['run', missing])).toEqual({ code: 2, stdout: '', stderr: `weir: job file not found: ${missing}\n` });
  });

  it('a bad -p or --mode', async () => {
    const path = await job('any.mjs', '');
    expect(await weir(['run', path, '-p', 'x'])).toEqual({ code: 2, stdout: '', stderr: 'weir: parallelism must be a positive integer, got "x"\n' });
    expect((await weir(['run', path, '-p', '0'])).code).toBe(2);
    expect(await weir(['info', path, '--mode', 'fast'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'weir: mode must be streaming, batch or automatic, got "fast"\n',
    });
  });

  it('an unknown option, command or file type, or no job', async () => {
    const path = await job('any.mjs', '');
    for (const args of [['run', path, '--nope'], ['frobnicate'], ['run'], ['run', join(dir, 'notes.txt')]]) {
      if (args[1]?.endsWith('.txt') === true) await writeFile(args[1], 'text');
      const result = await weir(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(lines(result.stderr), args.join(' ')).toEqual([expect.stringMatching(/^weir: /)]);
    }
  });

  it('main() resolves to the exit code in-process', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['run', join(dir, 'missing.ts'), '-p', '2'])).toBe(2);
      expect(stderr).toHaveBeenCalledWith(`weir: job file not found: ${join(dir, 'missing.ts')}\n`);
    } finally {
      stderr.mockRestore();
    }
  });
});

describe('weir info', () => {
  it('prints the vertices and edges with partitioning and chaining without running the job', async () => {
    const marker = join(dir, 'sink-ran.txt');
    const path = await job(
      'plan.ts',
      `import { writeFileSync } from 'node:fs';
import { StreamExecutionEnvironment } from '@weir/core';
const env = StreamExecutionEnvironment.getExecutionEnvironment();
env.fromElements('a', 'b', 'a')
  .map((w): [string, number] => [w, 1]).name('pair')
  .keyBy(([w]) => w)
  .sum(1)
  .addSink((v) => writeFileSync(process.argv[2]!, JSON.stringify(v))).name('marker');
await env.execute('plan job');
console.log('after execute');
`,
    );
    const result = await weir(['info', path, '-p', '3', '--', marker]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const plan = result.stdout;
    expect(plan).toMatch(/^Job "plan job"\n/);
    expect(plan).toMatch(/^Vertex v\d+: Source: Collection Source \(parallelism 1, /m);
    expect(plan).toMatch(/^Vertex v\d+: Keyed Aggregation \(sum 1\) -> marker \(parallelism 3, /m);
    expect(plan).toMatch(/^ {2}chained \d+ -> \d+$/m);
    expect(plan).toMatch(/^Edge v\d+ -> v\d+: HASH$/m);
    expect(plan).not.toContain('after execute');
    expect(existsSync(marker)).toBe(false);
  });

  it('fails when the program finishes without calling execute()', async () => {
    const path = await job('no-plan.mjs', `console.log('hello');\n`);
    expect(await weir(['info', path])).toEqual({ code: 1, stdout: 'hello\n', stderr: 'weir: the job never called execute() [WEIR_NO_JOB_DEFINED]\n' });
  });
});

describe('help and version', () => {
  it('--help lists the commands; each command has its own help', async () => {
    const help = await weir(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^ {2}run .*<job>/m);
    expect(help.stdout).toMatch(/^ {2}info .*<job>/m);
    const runHelp = await weir(['run', '--help']);
    expect(runHelp.code).toBe(0);
    expect(runHelp.stdout).toContain('-p, --parallelism <n>');
    expect(runHelp.stdout).toContain('--mode <mode>');
    expect((await weir(['info', '--help'])).stdout).toContain('Usage: weir info');
  });

  it('--version prints the package version', async () => {
    expect(await weir(['--version'])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });
});

describe('temporary bundles', () => {
  it('are removed after the successful, failing, unloadable and plan-only runs above', async () => {
    const leftovers = (await readdir(dir, { recursive: true })).filter((name) => name.split(sep).at(-1)!.startsWith('.weir-'));
    expect(leftovers).toEqual([]);
  });
});
