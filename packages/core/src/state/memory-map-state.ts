/**
 * The memory backend's raw map state: per key and namespace a (never empty) `Map` from map-key identity to the entry
 * `{ key, value }`, so array keys compare by value and keep their form.
 */
import type { InternalMapState } from './internal-state.js';
import { AbstractMemoryState } from './abstract-memory-state.js';
import type { MapStateKey } from './state.js';
import { checkStateValue, mapKeyIdentity, type KeyIdentity } from './state-key.js';

/** One entry of a map state. */
export interface MemoryMapEntry<K, V> {
  /** The map key as given. */
  readonly key: K;
  /** Its value. */
  value: V;
}

/** A map per key and namespace, held in memory. */
export class MemoryMapState<K extends MapStateKey, V>
  extends AbstractMemoryState<Map<KeyIdentity, MemoryMapEntry<K, V>>>
  implements InternalMapState<K, V>
{
  /** Always `'map'`. */
  readonly type = 'map' as const;

  get(key: K): V | undefined {
    const id = mapKeyIdentity(key, this.name);
    return this.read()?.get(id)?.value;
  }

  put(key: K, value: V): void {
    const id = mapKeyIdentity(key, this.name);
    checkStateValue(value, this.name, 'MapState.put');
    const map = this.read();
    if (map === undefined) {
      this.write(new Map([[id, { key, value }]]));
      return;
    }
    const entry = map.get(id);
    if (entry === undefined) map.set(id, { key, value });
    else entry.value = value;
  }

  putAll(entries: Iterable<readonly [K, V]>): void {
    const checked: [KeyIdentity, K, V][] = [];
    for (const [key, value] of entries) {
      checkStateValue(value, this.name, 'MapState.putAll');
      checked.push([mapKeyIdentity(key, this.name), key, value]);
    }
    if (checked.length === 0) return;
    let map = this.read();
    if (map === undefined) this.write((map = new Map()));
    for (const [id, key, value] of checked) {
      const entry = map.get(id);
      if (entry === undefined) map.set(id, { key, value });
      else entry.value = value;
    }
  }

  remove(key: K): void {
    const id = mapKeyIdentity(key, this.name);
    const map = this.read();
    if (map !== undefined && map.delete(id) && map.size === 0) this.clear();
  }

  contains(key: K): boolean {
    const id = mapKeyIdentity(key, this.name);
    return this.read()?.has(id) ?? false;
  }

  entries(): [K, V][] {
    const map = this.read();
    return map === undefined ? [] : Array.from(map.values(), (entry): [K, V] => [entry.key, entry.value]);
  }

  keys(): K[] {
    const map = this.read();
    return map === undefined ? [] : Array.from(map.values(), (entry) => entry.key);
  }

  values(): V[] {
    const map = this.read();
    return map === undefined ? [] : Array.from(map.values(), (entry) => entry.value);
  }

  isEmpty(): boolean {
    return this.read() === undefined;
  }
}
