/**
 * The storage of one state in the memory backend, for the whole key-group range:
 * - `values`: the default namespace `''`, key identity -> value (one lookup, no entry object: the hot path of
 *   rolling aggregations and process functions);
 * - `namespaced`: other namespaces (windows), namespace -> (key identity -> value). Namespace first: a window's
 *   contents for all keys share one map that lives as long as the window, instead of one map per key and window;
 * - `keys`: the key as given and the number of its stored values, only for keys whose identity differs from the
 *   key itself (tuples).
 * One map rather than one per key group keeps the entries of keys in the order they first arrived, which is the
 * order a stream tends to revisit them in (cache locality); key groups are computed only for snapshots and key
 * iteration. Empty values are removed, so every stored key has a value. The `offset` parameters (the key group's
 * offset in the backend's range) are accepted for the interface's sake and not needed for lookups.
 */
import type { Key } from '../keys/key-group.js';
import type { StateType } from './state-descriptor.js';
import type { KeyIdentity } from './state-key.js';

/** A key whose identity is not the key itself, and how many values it has in the table. */
interface KeyEntry {
  readonly key: Key;
  count: number;
}

/** The stored form `S` of one state, by key and namespace. */
export class MemoryStateTable<S> {
  private readonly values = new Map<KeyIdentity, S>();
  private readonly namespaced = new Map<string, Map<KeyIdentity, S>>();
  private readonly keys = new Map<KeyIdentity, KeyEntry>();
  /** The namespace used last and its map (undefined when it has none): a window's records come in a run. */
  private lastNamespace: string | undefined;
  private lastByKey: Map<KeyIdentity, S> | undefined;

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
    return this.namespaceMap(namespace)?.get(id);
  }

  private namespaceMap(namespace: string): Map<KeyIdentity, S> | undefined {
    if (namespace === this.lastNamespace) return this.lastByKey;
    this.lastNamespace = namespace;
    return (this.lastByKey = this.namespaced.get(namespace));
  }

  /** Stores `value` (never undefined) for `key` (identity `id`) in `namespace`. */
  set(_offset: number, id: KeyIdentity, key: Key, namespace: string, value: S): void {
    let map = this.values;
    if (namespace !== '') {
      const byKey = this.namespaceMap(namespace);
      if (byKey === undefined) this.namespaced.set(namespace, (map = this.lastByKey = new Map()));
      else map = byKey;
    }
    if (id !== key && !map.has(id)) {
      const entry = this.keys.get(id);
      if (entry === undefined) this.keys.set(id, { key, count: 1 });
      else entry.count++;
    }
    map.set(id, value);
  }

  /** Removes the value of key `id` in `namespace`. */
  delete(_offset: number, id: KeyIdentity, namespace: string): void {
    let deleted: boolean;
    if (namespace === '') {
      deleted = this.values.delete(id);
    } else {
      const byKey = this.namespaceMap(namespace);
      if (byKey === undefined) return;
      deleted = byKey.delete(id);
      if (byKey.size === 0) {
        this.namespaced.delete(namespace);
        this.lastByKey = undefined;
      }
    }
    if (!deleted || this.keys.size === 0) return;
    const entry = this.keys.get(id);
    if (entry !== undefined && --entry.count === 0) this.keys.delete(id);
  }

  /** Removes and returns the value of key `id` in `namespace`. */
  take(offset: number, id: KeyIdentity, namespace: string): S | undefined {
    const value = this.get(offset, id, namespace);
    if (value !== undefined) this.delete(offset, id, namespace);
    return value;
  }

  /**
   * Every stored (key, namespace, `copy(value)`), grouped by key-group offset: `groups[offset]`, undefined for a key
   * group without entries. One pass, one entry array per value (a snapshot of a large state is on the task's path).
   */
  entriesByKeyGroup<T>(groupCount: number, copy: (value: S) => T): ([key: Key, namespace: string, value: T][] | undefined)[] {
    const groups = new Array<[Key, string, T][] | undefined>(groupCount);
    const add = (key: Key, namespace: string, value: S): void => {
      const offset = this.keyGroupOffsetOf(key);
      const entry: [Key, string, T] = [key, namespace, copy(value)];
      const group = groups[offset];
      if (group === undefined) groups[offset] = [entry];
      else group.push(entry);
    };
    for (const [id, value] of this.values) add(this.keyOf(id), '', value);
    for (const [namespace, byKey] of this.namespaced) for (const [id, value] of byKey) add(this.keyOf(id), namespace, value);
    return groups;
  }

  /** The keys that have a value in `namespace`, in key-group order (first arrival within a key group). */
  keysIn(namespace: string): Key[] {
    const keys: Key[] = [];
    const map = namespace === '' ? this.values : this.namespaced.get(namespace);
    if (map !== undefined) for (const id of map.keys()) keys.push(this.keyOf(id));
    const offsets = new Map<Key, number>(keys.map((k) => [k, this.keyGroupOffsetOf(k)]));
    return keys.sort((a, b) => offsets.get(a)! - offsets.get(b)!);
  }

  private keyOf(id: KeyIdentity): Key {
    return this.keys.get(id)?.key ?? id;
  }
}
