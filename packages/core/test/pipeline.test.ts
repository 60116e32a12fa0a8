import { describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment } from '../src/index.js';

function env(p = 1): StreamExecutionEnvironment {
  return StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: p });
}

describe('a first pipeline', () => {
  it('runs map/filter on a collection', async () => {
    const e = env();
    const out = await e
      .fromCollection([1, 2, 3, 4, 5])
      .map((x) => x * 10)
      .filter((x) => x !== 30)
      .executeAndCollect();
    expect(out).toEqual([10, 20, 40, 50]);
  });

  it('counts words with keyBy + sum', async () => {
    const e = env(2);
    const out = await e
      .fromCollection<[number, string]>([
        [1, 'a|b'],
        [2, 'bb|a'],
        [3, 'aaa|a'],
      ])
      .flatMap(([, s]) => s.split('|'))
      .map((w): [string, number] => [w, 1])
      .keyBy(([w]) => w)
      .sum(1)
      .executeAndCollect();
    const finals = new Map<string, number>();
    for (const [w, c] of out) finals.set(w, Math.max(finals.get(w) ?? 0, c));
    expect(Object.fromEntries(finals)).toEqual({ a: 3, b: 1, bb: 1, aaa: 1 });
    expect(out).toHaveLength(6);
  });

  it('runs a parallel sequence', async () => {
    const e = env(3);
    const out = await e.fromSequence(1, 10_000).map((x) => x * 2).executeAndCollect();
    expect(out).toHaveLength(10_000);
    expect(out.reduce((a, b) => a + b, 0)).toBe(10_000 * 10_001);
  });
});
