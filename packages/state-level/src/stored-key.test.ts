import type { Key } from '@weir/core';
import { describe, expect, it } from 'vitest';
import { decodeStoredKey, keyGroupOfStoredKey, stateIdOfStoredKey, StoredKeyWriter, storedKeyPrefix } from './stored-key.js';

describe('stored keys', () => {
  const keys: Key[] = [0, -0, 1.5, -7, 2 ** 60, '', 'abc', 'ü€😀'.repeat(50), 10n, -(1n << 80n), true, false, ['user', 1, [true, 2n]], []];

  it('start with the key group and state id, and decode to the key and namespace', () => {
    const writer = new StoredKeyWriter();
    for (const key of keys) {
      for (const namespace of ['', 'window-1', 'ü'.repeat(300)]) {
        const bytes = writer.copy(32_767, 65_535, key, namespace);
        expect(keyGroupOfStoredKey(bytes)).toBe(32_767);
        expect(stateIdOfStoredKey(bytes)).toBe(65_535);
        const decoded = decodeStoredKey(bytes);
        expect(decoded.key, JSON.stringify(String(key))).toEqual(key);
        if (typeof key === 'number') expect(Object.is(decoded.key, key)).toBe(true);
        expect(decoded.namespace).toBe(namespace);
      }
    }
  });

  it('are prefixed by their key group and state, and differ for different keys and namespaces', () => {
    const writer = new StoredKeyWriter();
    const seen = new Set<string>();
    for (const key of keys) {
      for (const namespace of ['', 'a', 'ab']) {
        const bytes = writer.copy(5, 3, key, namespace);
        expect(bytes.subarray(0, 4).equals(storedKeyPrefix(5, 3))).toBe(true);
        seen.add(bytes.toString('hex'));
      }
    }
    expect(seen.size).toBe(keys.length * 3);
    expect(writer.copy(1, 1, 'ab', 'c').equals(writer.copy(1, 1, 'a', 'bc'))).toBe(false);
    expect(writer.copy(1, 1, ['a', 'b'], '').equals(writer.copy(1, 1, ['ab'], ''))).toBe(false);
  });

  it('rejects bytes that are not a stored key', () => {
    expect(() => decodeStoredKey(Buffer.from([0, 1, 0, 1]))).toThrow(TypeError);
    expect(() => decodeStoredKey(Buffer.from([0, 1, 0, 1, 99]))).toThrow(/unknown tag/);
    expect(() => decodeStoredKey(Buffer.from([0, 1, 0, 1, 2, 0, 0, 0, 9, 65]))).toThrow(/truncated/);
  });
});
