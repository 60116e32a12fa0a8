/**
 * The LevelDB backend's raw map state: per key and namespace one stored value holding the whole map (cached as a
 * `Map` from map-key identity to the `[mapKey, value]` pair, so tuple keys compare by value and keep their form).
 */
import type { MapStateKey } from '@weir/core';
import { checkStateValue, mapKeyIdentity, type InternalMapState, type KeyIdentity, type MaybeAsync } from '@weir/core/internal';
import { LevelState } from './level-state.js';
import type { CachedMap } from './stored-form.js';
import type { CachedMapEntry } from './state-table.js';
import { copyValue } from './value-codec.js';

/** A map per key and namespace. */
export class LevelMapState<K extends MapStateKey, V> extends LevelState implements InternalMapState<K, V> {
  /** Always `'map'`. */
  readonly type = 'map' as const;

  get(key: K): MaybeAsync<V | undefined> {
    const id = mapKeyIdentity(key, this.name);
    return this.answer(copyValue(this.map()?.get(id)?.[1] as V | undefined));
  }

  put(key: K, value: V): MaybeAsync<void> {
    const id = mapKeyIdentity(key, this.name);
    checkStateValue(value, this.name, 'MapState.put');
    return this.store([[id, copyValue(key), copyValue(value)]]);
  }

  putAll(entries: Iterable<readonly [K, V]>): MaybeAsync<void> {
    const checked: [KeyIdentity, K, V][] = [];
    for (const [key, value] of entries) {
      checkStateValue(value, this.name, 'MapState.putAll');
      checked.push([mapKeyIdentity(key, this.name), copyValue(key), copyValue(value)]);
    }
    if (checked.length === 0) return this.cache.settle();
    return this.store(checked);
  }

  remove(key: K): MaybeAsync<void> {
    const id = mapKeyIdentity(key, this.name);
    const entry = this.entry(this.namespace, true);
    const map = entry.value as CachedMap | undefined;
    if (map === undefined || !map.delete(id)) return this.cache.settle();
    if (map.size === 0) entry.value = undefined;
    return this.written(entry);
  }

  contains(key: K): MaybeAsync<boolean> {
    const id = mapKeyIdentity(key, this.name);
    return this.answer(this.map()?.has(id) ?? false);
  }

  entries(): MaybeAsync<[K, V][]> {
    const map = this.map();
    return this.answer(map === undefined ? [] : Array.from(map.values(), (pair): [K, V] => [copyValue(pair[0] as K), copyValue(pair[1] as V)]));
  }

  keys(): MaybeAsync<K[]> {
    const map = this.map();
    return this.answer(map === undefined ? [] : Array.from(map.values(), (pair) => copyValue(pair[0] as K)));
  }

  values(): MaybeAsync<V[]> {
    const map = this.map();
    return this.answer(map === undefined ? [] : Array.from(map.values(), (pair) => copyValue(pair[1] as V)));
  }

  isEmpty(): MaybeAsync<boolean> {
    return this.answer(this.map() === undefined);
  }

  private map(): CachedMap | undefined {
    return this.entry(this.namespace, true).value as CachedMap | undefined;
  }

  private store(entries: readonly [KeyIdentity, K, V][]): MaybeAsync<void> {
    const entry = this.entry(this.namespace, true);
    let map = entry.value as CachedMap | undefined;
    if (map === undefined) entry.value = map = new Map();
    for (const [id, key, value] of entries) {
      const pair = map.get(id);
      if (pair === undefined) map.set(id, [key, value] satisfies CachedMapEntry);
      else pair[1] = value;
    }
    return this.written(entry);
  }
}
