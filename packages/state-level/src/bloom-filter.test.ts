import { describe, expect, it } from 'vitest';
import { BloomFilter, hashStoredKey } from './bloom-filter.js';

describe('BloomFilter', () => {
  it('never forgets a key and has about 1% false positives as it grows', () => {
    const filter = new BloomFilter(1024);
    const n = 200_000;
    for (let i = 0; i < n; i++) filter.add(hashStoredKey(1, i, ''));
    let falseNegatives = 0;
    for (let i = 0; i < n; i++) if (!filter.mightContain(hashStoredKey(1, i, ''))) falseNegatives++;
    expect(falseNegatives).toBe(0);
    let falsePositives = 0;
    for (let i = n; i < 2 * n; i++) if (filter.mightContain(hashStoredKey(1, i, ''))) falsePositives++;
    expect(falsePositives / n).toBeLessThan(0.03);
    expect(filter.count).toBe(n);
    filter.clear();
    expect(filter.mightContain(hashStoredKey(1, 5, ''))).toBe(false);
  });

  it('stays within its memory bound, still without false negatives', () => {
    const filter = new BloomFilter(1024, 1 << 16);
    for (let i = 0; i < 50_000; i++) filter.add(hashStoredKey(2, `k${i}`, 'w'));
    expect(filter.byteSize).toBeLessThanOrEqual((1 << 16) / 8);
    let falseNegatives = 0;
    for (let i = 0; i < 50_000; i++) if (!filter.mightContain(hashStoredKey(2, `k${i}`, 'w'))) falseNegatives++;
    expect(falseNegatives).toBe(0);
  });

  it('hashes state, key identity and namespace', () => {
    const hashes = new Set([
      hashStoredKey(1, 1, ''),
      hashStoredKey(2, 1, ''),
      hashStoredKey(1, '1', ''),
      hashStoredKey(1, 1n, ''),
      hashStoredKey(1, true, ''),
      hashStoredKey(1, 1, 'w'),
      hashStoredKey(1, 1.5, ''),
    ]);
    expect(hashes.size).toBe(7);
    expect(hashStoredKey(1, 0, '')).toBe(hashStoredKey(1, -0, ''));
  });
});
