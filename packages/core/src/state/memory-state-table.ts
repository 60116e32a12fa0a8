/**
 * The storage of one state in the memory backend, per key group of the backend's range (by offset):
 * - `values`: the default namespace `''`, a `Map` from key identity straight to the value (one lookup, no entry
 *   object: the hot path of rolling aggregations and process functions);
 * - `namespaced`: other namespaces (windows), a `Map` from key identity to a `Map` from namespace to value, created on
 *   first use;
 * - `keys`: the key as given, only for keys whose identity differs from the key itself (tuples), for snapshots and
 *   key iteration.
 * Empty values are removed, so every stored key has a value.
 */
import type { Key } from '../keys/key-group.js';
import type { StateType } from './state-descriptor.js';
import type { KeyIdentity } from './state-key.js';

/** The stored form `S` of one state, by key group offset, key and namespace. */
export class MemoryStateTable<S> {
  private readonly values: (Map<KeyIdentity, S> | undefined)[];
  private readonly namespaced: (Map<KeyIdentity, Map<string, S>> | undefined)[];
  private readonly keys: (Map<KeyIdentity, Key> | undefined)[];

  /** An empty table for `keyGroupCount` key groups. */
  constructor(
    readonly name: string,
    readonly type: StateType,
    readonly ttl: boolean,
    keyGroupCount: number,
  ) {
    this.values = new Array<Map<KeyIdentity, S> | undefined>(keyGroupCount).fill(undefined);
    this.namespaced = new Array<Map<KeyIdentity, Map<string, S>> | undefined>(keyGroupCount).fill(undefined);
    this.keys = new Array<Map<KeyIdentity, Key> | undefined>(keyGroupCount).fill(undefined);
  }

  /** The value of key `id` in namespace `namespace` of key group offset `offset`, or undefined. */
  get(offset: number, id: KeyIdentity, namespace: string): S | undefined {
    if (namespace === '') return this.values[offset]?.get(id);
    return this.namespaced[offset]?.get(id)?.get(namespace);
  }

  /** Stores `value` (never undefined) for `key` (identity `id`) in `namespace`. */
  set(offset: number, id: KeyIdentity, key: Key, namespace: string, value: S): void {
    if (id !== key) {
      let keys = this.keys[offset];
      if (keys === undefined) this.keys[offset] = keys = new Map();
      if (!keys.has(id)) keys.set(id, key);
    }
    if (namespace === '') {
      let group = this.values[offset];
      if (group === undefined) this.values[offset] = group = new Map();
      group.set(id, value);
      return;
    }
    let group = this.namespaced[offset];
    if (group === undefined) this.namespaced[offset] = group = new Map();
    let byNamespace = group.get(id);
    if (byNamespace === undefined) group.set(id, (byNamespace = new Map()));
    byNamespace.set(namespace, value);
  }

  /** Removes the value of key `id` in `namespace`. */
  delete(offset: number, id: KeyIdentity, namespace: string): void {
    if (namespace === '') {
      this.values[offset]?.delete(id);
    } else {
      const group = this.namespaced[offset];
      const byNamespace = group?.get(id);
      if (byNamespace === undefined) return;
      byNamespace.delete(namespace);
      if (byNamespace.size === 0) group!.delete(id);
    }
    const keys = this.keys[offset];
    if (keys !== undefined && keys.has(id) && !this.hasAny(offset, id)) keys.delete(id);
  }

  /** Removes and returns the value of key `id` in `namespace`. */
  take(offset: number, id: KeyIdentity, namespace: string): S | undefined {
    const value = this.get(offset, id, namespace);
    if (value !== undefined) this.delete(offset, id, namespace);
    return value;
  }

  /** Calls `action` for every stored (key, namespace, value) of key group offset `offset`, keys in insertion order. */
  forEachInGroup(offset: number, action: (key: Key, namespace: string, value: S) => void): void {
    const values = this.values[offset];
    const namespaced = this.namespaced[offset];
    if (values !== undefined) {
      for (const [id, value] of values) {
        const key = this.keyOf(offset, id);
        action(key, '', value);
        const others = namespaced?.get(id);
        if (others !== undefined) for (const [namespace, v] of others) action(key, namespace, v);
      }
    }
    if (namespaced !== undefined) {
      for (const [id, others] of namespaced) {
        if (values?.has(id) === true) continue;
        const key = this.keyOf(offset, id);
        for (const [namespace, v] of others) action(key, namespace, v);
      }
    }
  }

  /** The keys that have a value in `namespace`, in key-group order. */
  keysIn(namespace: string): Key[] {
    const keys: Key[] = [];
    for (let offset = 0; offset < this.values.length; offset++) {
      if (namespace === '') {
        const group = this.values[offset];
        if (group !== undefined) for (const id of group.keys()) keys.push(this.keyOf(offset, id));
      } else {
        const group = this.namespaced[offset];
        if (group !== undefined) for (const [id, byNamespace] of group) if (byNamespace.has(namespace)) keys.push(this.keyOf(offset, id));
      }
    }
    return keys;
  }

  private keyOf(offset: number, id: KeyIdentity): Key {
    return this.keys[offset]?.get(id) ?? (id);
  }

  private hasAny(offset: number, id: KeyIdentity): boolean {
    return this.values[offset]?.has(id) === true || this.namespaced[offset]?.has(id) === true;
  }
}
