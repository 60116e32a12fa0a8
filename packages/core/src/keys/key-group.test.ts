import { describe, expect, it } from 'vitest';
import {
  assignKeyToParallelOperator,
  assignToKeyGroup,
  computeDefaultMaxParallelism,
  computeOperatorIndexForKeyGroup,
  keyGroupRangeForSubtask,
  keyIdentity,
  murmurHash,
  stableHash,
} from './key-group.js';

describe('key groups', () => {
  it('computes the default max parallelism as Flink does', () => {
    expect(computeDefaultMaxParallelism(1)).toBe(128);
    expect(computeDefaultMaxParallelism(4)).toBe(128);
    expect(computeDefaultMaxParallelism(100)).toBe(256);
    expect(computeDefaultMaxParallelism(200)).toBe(512);
    expect(computeDefaultMaxParallelism(30000)).toBe(32768);
  });

  it('hashes strings like Java String.hashCode', () => {
    expect(stableHash('')).toBe(0);
    expect(stableHash('a')).toBe(97);
    expect(stableHash('hello')).toBe(99162322);
    expect(stableHash('polygenelubricants')).toBe(-2147483648);
  });

  it('hashes numbers, booleans, bigints and tuples stably', () => {
    expect(stableHash(42)).toBe(42);
    expect(stableHash(-7)).toBe(-7);
    expect(stableHash(true)).toBe(1231);
    expect(stableHash(false)).toBe(1237);
    expect(stableHash(2 ** 40)).toBe(stableHash(BigInt(2 ** 40)));
    expect(stableHash(1.5)).toBe(stableHash(1.5));
    expect(stableHash(1.5)).not.toBe(stableHash(2.5));
    expect(stableHash(['a', 1])).toBe((Math.imul(Math.imul(1, 31) + 97, 31) + 1) | 0);
  });

  it('murmur-hashes to non-negative, well-spread values', () => {
    const buckets = new Array<number>(128).fill(0);
    for (let i = -64_000; i < 64_000; i++) {
      const h = murmurHash(i);
      expect(h).toBeGreaterThanOrEqual(0);
      buckets[h % 128]++;
    }
    expect(murmurHash(-2147483648)).toBeGreaterThanOrEqual(0);
    // 1000 values per bucket on average: every bucket stays within 20% of that.
    for (const b of buckets) expect(Math.abs(b - 1000)).toBeLessThan(200);
  });

  it('assigns keys to key groups and subtasks within range', () => {
    for (let i = 0; i < 1000; i++) {
      const kg = assignToKeyGroup(`key-${i}`, 128);
      expect(kg).toBeGreaterThanOrEqual(0);
      expect(kg).toBeLessThan(128);
      const subtask = assignKeyToParallelOperator(`key-${i}`, 128, 3);
      expect(subtask).toBe(computeOperatorIndexForKeyGroup(128, 3, kg));
      const range = keyGroupRangeForSubtask(128, 3, subtask);
      expect(kg).toBeGreaterThanOrEqual(range.start);
      expect(kg).toBeLessThanOrEqual(range.end);
    }
  });

  it('key group ranges of all subtasks cover every key group once', () => {
    for (const p of [1, 2, 3, 7, 128]) {
      const seen: number[] = [];
      for (let s = 0; s < p; s++) {
        const r = keyGroupRangeForSubtask(128, p, s);
        for (let kg = r.start; kg <= r.end; kg++) {
          seen.push(kg);
          expect(computeOperatorIndexForKeyGroup(128, p, kg)).toBe(s);
        }
      }
      expect(seen).toEqual(Array.from({ length: 128 }, (_, i) => i));
    }
  });

  it('gives equal tuple keys the same identity and different ones different identities', () => {
    expect(keyIdentity(['a', 1])).toBe(keyIdentity(['a', 1]));
    expect(keyIdentity(['a', 1])).not.toBe(keyIdentity(['a', '1']));
    expect(keyIdentity('x')).toBe('x');
  });

  it('rejects keys of other types', () => {
    expect(() => stableHash({} as never)).toThrow(TypeError);
  });
});
