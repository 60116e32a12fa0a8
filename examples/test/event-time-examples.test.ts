/** The event-time examples, run through the `weir` command; their output is checked line by line. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../packages/cli/dist/bin.js', import.meta.url));

/** Runs an example and returns its printed lines without subtask prefixes, sorted. */
function run(example: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [BIN, 'run', `examples/${example}`], { cwd: ROOT, timeout: 30_000 }, (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`${example} failed: ${stderr}`, { cause: error }));
      else resolve(stdout.split('\n').filter((l) => l.length > 0).map((l) => l.replace(/^\d+> /, '')).sort());
    });
  });
}

describe('event-time examples', () => {
  it('sessionization finds the sessions of each user', async () => {
    expect(await run('sessionization.ts')).toEqual([
      'ann: 2 clicks from minute 90 to 100: /home /faq',
      'ann: 3 clicks from minute 0 to 10: /home /pay /cart',
      'bob: 3 clicks from minute 2 to 45: /home /docs /docs',
    ]);
  });

  it('sliding top-N ranks the pages of every window', async () => {
    expect(await run('sliding-top-n.ts')).toEqual([
      'window ending 10s: /home=3, /blog=2',
      'window ending 15s: /blog=3, /docs=2',
      'window ending 20s: /blog=2, /docs=2',
      'window ending 25s: /docs=1, /home=1',
      'window ending 5s: /home=2, /blog=1',
    ]);
  });

  it('out-of-order sensors: averages per window and the late reading in the side output', async () => {
    expect(await run('out-of-order-sensors.ts')).toEqual([
      'avg> s1 [0s, 10s): 22',
      'avg> s1 [10s, 20s): 26',
      'avg> s2 [0s, 10s): 30',
      'avg> s2 [10s, 20s): 33',
      'late> s1 at 5s: 99',
    ]);
  });
});
