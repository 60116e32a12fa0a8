/**
 * The stored form of each state type in its three places:
 * - **snapshot / disk** (the `stored` of a snapshot entry, msgpack-encoded on disk): the value (value, reducing,
 *   aggregating), the non-empty list of elements, or the non-empty list of `[mapKey, value]` pairs;
 * - **cache**: the same, except that a map is a `Map` from map-key identity to its `[mapKey, value]` pair, so that
 *   lookups are one `Map.get` and tuple keys compare by value.
 * Values inside are never changed in place once stored (states replace them), so conversions copy containers only.
 */
import type { StateType } from '@weir/core';
import { mapKeyIdentity, type KeyIdentity } from '@weir/core/internal';
import type { CachedMapEntry } from './state-table.js';
import { encodeValue } from './value-codec.js';

/** The cache form of a map state's value. */
export type CachedMap = Map<KeyIdentity, CachedMapEntry>;

/** The cache form of `stored` (snapshot or decoded disk form, which it takes over). */
export function cachedFromStored(type: StateType, stored: unknown): unknown {
  if (type !== 'map') return stored;
  const map: CachedMap = new Map();
  for (const pair of stored as CachedMapEntry[]) map.set(mapKeyIdentity(pair[0], ''), pair);
  return map;
}

/** The snapshot form of a cached value: new containers (lists, pairs), the values themselves shared. */
export function snapshotFromCached(type: StateType, cached: unknown): unknown {
  switch (type) {
    case 'list':
      return (cached as unknown[]).slice();
    case 'map':
      return Array.from((cached as CachedMap).values(), (pair) => [pair[0], pair[1]]);
    default:
      return cached;
  }
}

/** The bytes of a cached value on disk. */
export function encodeCached(type: StateType, cached: unknown): Buffer {
  return encodeValue(type === 'map' ? Array.from((cached as CachedMap).values()) : cached);
}
