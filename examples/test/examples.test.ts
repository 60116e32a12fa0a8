/**
 * The examples, run as a user runs them: through the `weir` command (`node packages/cli/dist/bin.js`; build first
 * with `npx tsc -b`, which `npm test` does) and through the root package's npm scripts.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../packages/cli/dist/bin.js', import.meta.url));
const WORDS = fileURLToPath(new URL('../data/words.txt', import.meta.url));

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command in the repository root and collects its exit code and output. */
function exec(file: string, args: readonly string[]): Promise<Result> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd: ROOT, env: { ...process.env, WEIR_DEBUG: '' }, timeout: 30_000 }, (error, stdout, stderr) => {
      if (error === null) resolve({ code: 0, stdout, stderr });
      else if (typeof error.code === 'number') resolve({ code: error.code, stdout, stderr });
      else reject(new Error(`${file} did not run: ${error.message}`, { cause: error }));
    });
  });
}

function weir(...args: string[]): Promise<Result> {
  return exec(process.execPath, [BIN, ...args]);
}

/**
 * The `(word,count)` records printed by a job, with or without a subtask prefix (`2> `). Fails on any other
 * line, and on a word printed twice (a BATCH job prints only the final count of each word).
 */
function finalCounts(stdout: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of stdout.split('\n').filter((l) => l.length > 0)) {
    const match = /^(?:\d+> )?\((.+),(\d+)\)$/.exec(line);
    if (match === null) throw new Error(`not a (word,count) record: ${line}`);
    if (counts.has(match[1])) throw new Error(`"${match[1]}" printed more than once: not a final count`);
    counts.set(match[1], Number(match[2]));
  }
  return counts;
}

/** The word counts of the text, computed independently of weir. */
function expectedCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const word of text.toLowerCase().split(/[^a-z0-9']+/)) {
    if (word !== '') counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return counts;
}

const PYFLINK_COUNTS = new Map([
  ['a', 3],
  ['b', 1],
  ['bb', 1],
  ['aaa', 1],
]);

describe('examples/word-count.ts', () => {
  it('prints the final count of every word of examples/data/words.txt', async () => {
    const result = await weir('run', 'examples/word-count.ts', 'examples/data/words.txt');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const expected = expectedCounts(readFileSync(WORDS, 'utf8'));
    expect(expected.get('to')).toBe(15); // a sanity check of the independent count
    expect(finalCounts(result.stdout)).toEqual(expected);
  });

  it('gives the same counts at parallelism 1 and 3', async () => {
    const expected = expectedCounts(readFileSync(WORDS, 'utf8'));
    for (const p of ['1', '3']) {
      const result = await weir('run', 'examples/word-count.ts', '-p', p, '--', WORDS);
      expect(result.code).toBe(0);
      expect(finalCounts(result.stdout)).toEqual(expected);
    }
  });

  it('prints an updated count per word in STREAMING mode, the last one being the final count', async () => {
    const result = await weir('run', 'examples/word-count.ts', '-p', '1', '--mode', 'streaming', WORDS);
    expect(result.code).toBe(0);
    const last = new Map<string, number>();
    const records = result.stdout.split('\n').filter((l) => l.length > 0);
    for (const line of records) {
      const match = /^\((.+),(\d+)\)$/.exec(line);
      if (match === null) throw new Error(`not a (word,count) record: ${line}`);
      last.set(match[1], Number(match[2]));
    }
    const expected = expectedCounts(readFileSync(WORDS, 'utf8'));
    expect(last).toEqual(expected);
    expect(records).toHaveLength([...expected.values()].reduce((a, b) => a + b, 0));
  });

  it('counts its built-in text when no file is given', async () => {
    const result = await weir('run', 'examples/word-count.ts');
    expect(result.code).toBe(0);
    const counts = finalCounts(result.stdout);
    expect(counts.get('to')).toBe(4);
    expect(counts.get('be')).toBe(2);
  });
});

describe('examples/pyflink-word-count.ts', () => {
  it('prints a=3, b=1, bb=1, aaa=1', async () => {
    const result = await weir('run', 'examples/pyflink-word-count.ts');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(finalCounts(result.stdout)).toEqual(PYFLINK_COUNTS);
  });
});

describe('npm scripts', () => {
  it('npm run example:pyflink and example:word-count run through node_modules/.bin/weir', async () => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const pyflink = await exec(npm, ['run', '--silent', 'example:pyflink']);
    expect(pyflink.code).toBe(0);
    expect(finalCounts(pyflink.stdout)).toEqual(PYFLINK_COUNTS);
    const wordCount = await exec(npm, ['run', '--silent', 'example:word-count']);
    expect(wordCount.code).toBe(0);
    expect(finalCounts(wordCount.stdout)).toEqual(expectedCounts(readFileSync(WORDS, 'utf8')));
  });
});
