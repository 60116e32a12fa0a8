/**
 * The storage of one state in the memory backend, one `Map` per namespace kind for the whole key-group range:
 * - `values`: the default namespace `''`, key identity -> value (one lookup, no entry object: the hot path of
 *   rolling aggregations and process functions);
 * - `namespaced`: other namespaces (windows), key identity -> (namespace -> value), created on first use;
 * - `keys`: the key as given, only for keys whose identity differs from the key itself (tuples).
 * One map rather than one per key group keeps the entries of keys in the order they first arrived, which is the
 * order a stream tends to revisit them in (cache locality); key groups are computed only for snapshots and key
 * iteration. Empty values are removed, so every stored key has a value. The `offset` parameters (the key group's
 * offset in the backend's range) are accepted for the interface's sake and not needed for lookups.
 */
import type { Key } from '../keys/key-group.js';
import type { StateType } from './state-descriptor.js';
import type { KeyIdentity } from './state-key.js';

/** The stored form `S` of one state, by key and namespace. */
export class MemoryStateTable<S> {
  private readonly values = new Map<KeyIdentity, S>();
  private readonly namespaced = new Map<KeyIdentity, Map<string, S>>();
  private readonly keys = new Map<KeyIdentity, Key>();

  /** An empty table; `keyGroupOffsetOf` gives the offset of a key's key group in the backend's range. */
  constructor(
    readonly name: string,
    readonly type: StateType,
    readonly ttl: boolean,
    private readonly keyGroupOffsetOf: (key: Key) => number,
  ) {}

  /** The value of key `id` in namespace `namespace`, or undefined. */
  get(_offset: number, id: KeyIdentity, namespace: string): S | undefined {
    if (namespace === '') return this.values.get(id);
    return this.namespaced.get(id)?.get(namespace);
  }

  /** Stores `value` (never undefined) for `key` (identity `id`) in `namespace`. */
  set(_offset: number, id: KeyIdentity, key: Key, namespace: string, value: S): void {
    if (id !== key && !this.keys.has(id)) this.keys.set(id, key);
    if (namespace === '') {
      this.values.set(id, value);
      return;
    }
    let byNamespace = this.namespaced.get(id);
    if (byNamespace === undefined) this.namespaced.set(id, (byNamespace = new Map()));
    byNamespace.set(namespace, value);
  }

  /** Removes the value of key `id` in `namespace`. */
  delete(_offset: number, id: KeyIdentity, namespace: string): void {
    if (namespace === '') {
      this.values.delete(id);
    } else {
      const byNamespace = this.namespaced.get(id);
      if (byNamespace === undefined) return;
      byNamespace.delete(namespace);
      if (byNamespace.size === 0) this.namespaced.delete(id);
    }
    if (this.keys.has(id) && !this.values.has(id) && !this.namespaced.has(id)) this.keys.delete(id);
  }

  /** Removes and returns the value of key `id` in `namespace`. */
  take(offset: number, id: KeyIdentity, namespace: string): S | undefined {
    const value = this.get(offset, id, namespace);
    if (value !== undefined) this.delete(offset, id, namespace);
    return value;
  }

  /** Calls `action` for every stored (key, namespace, value), grouped by key-group offset: `groups[offset]`. */
  entriesByKeyGroup(groupCount: number): [key: Key, namespace: string, value: S][][] {
    const groups: [Key, string, S][][] = Array.from({ length: groupCount }, () => []);
    for (const [id, value] of this.values) {
      const key = this.keyOf(id);
      groups[this.keyGroupOffsetOf(key)].push([key, '', value]);
    }
    for (const [id, byNamespace] of this.namespaced) {
      const key = this.keyOf(id);
      const group = groups[this.keyGroupOffsetOf(key)];
      for (const [namespace, value] of byNamespace) group.push([key, namespace, value]);
    }
    return groups;
  }

  /** The keys that have a value in `namespace`, in key-group order (first arrival within a key group). */
  keysIn(namespace: string): Key[] {
    const keys: Key[] = [];
    if (namespace === '') for (const id of this.values.keys()) keys.push(this.keyOf(id));
    else for (const [id, byNamespace] of this.namespaced) if (byNamespace.has(namespace)) keys.push(this.keyOf(id));
    const offsets = new Map<Key, number>(keys.map((k) => [k, this.keyGroupOffsetOf(k)]));
    return keys.sort((a, b) => offsets.get(a)! - offsets.get(b)!);
  }

  private keyOf(id: KeyIdentity): Key {
    return this.keys.get(id) ?? (id);
  }
}
