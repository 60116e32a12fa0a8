/**
 * The storage of one state in the memory backend: per key group of the backend's range (by offset), a `Map` from key
 * identity to the key's entry. An entry holds the value of the default namespace `''` in a field (no namespace map
 * for the common case) and the values of other namespaces in a `Map` created on first use. Empty entries are removed,
 * so every stored key has a value.
 */
import type { Key } from '../keys/key-group.js';
import type { StateType } from './state-descriptor.js';
import type { KeyIdentity } from './state-key.js';

/** The values of one key in one state. */
export interface MemoryKeyEntry<S> {
  /** The key as given (arrays keep their form for snapshots and key iteration). */
  readonly key: Key;
  /** The value in the default namespace `''`, or undefined. */
  value: S | undefined;
  /** The values in other namespaces, or undefined when there are none. */
  namespaces: Map<string, S> | undefined;
}

/** The stored form `S` of one state, by key group offset, key and namespace. */
export class MemoryStateTable<S> {
  /** Per key-group offset: the entries by key identity (undefined until the first write). */
  readonly groups: (Map<KeyIdentity, MemoryKeyEntry<S>> | undefined)[];

  /** An empty table for `keyGroupCount` key groups. */
  constructor(
    readonly name: string,
    readonly type: StateType,
    readonly ttl: boolean,
    keyGroupCount: number,
  ) {
    this.groups = new Array<Map<KeyIdentity, MemoryKeyEntry<S>> | undefined>(keyGroupCount).fill(undefined);
  }

  /** The value of key `id` in namespace `namespace` of key group offset `offset`, or undefined. */
  get(offset: number, id: KeyIdentity, namespace: string): S | undefined {
    const entry = this.groups[offset]?.get(id);
    if (entry === undefined) return undefined;
    return namespace === '' ? entry.value : entry.namespaces?.get(namespace);
  }

  /** Stores `value` (never undefined) for `key` (identity `id`) in `namespace`. */
  set(offset: number, id: KeyIdentity, key: Key, namespace: string, value: S): void {
    let group = this.groups[offset];
    if (group === undefined) this.groups[offset] = group = new Map();
    let entry = group.get(id);
    if (entry === undefined) {
      entry = { key, value: undefined, namespaces: undefined };
      group.set(id, entry);
    }
    if (namespace === '') entry.value = value;
    else (entry.namespaces ??= new Map()).set(namespace, value);
  }

  /** Removes the value of key `id` in `namespace`; removes the key's entry when it becomes empty. */
  delete(offset: number, id: KeyIdentity, namespace: string): void {
    const group = this.groups[offset];
    const entry = group?.get(id);
    if (entry === undefined) return;
    if (namespace === '') entry.value = undefined;
    else if (entry.namespaces !== undefined && entry.namespaces.delete(namespace) && entry.namespaces.size === 0) entry.namespaces = undefined;
    if (entry.value === undefined && entry.namespaces === undefined) group!.delete(id);
  }

  /** Removes and returns the value of key `id` in `namespace`. */
  take(offset: number, id: KeyIdentity, namespace: string): S | undefined {
    const value = this.get(offset, id, namespace);
    if (value !== undefined) this.delete(offset, id, namespace);
    return value;
  }

  /** Calls `action` for every stored (key, namespace, value) of key group offset `offset`, in insertion order. */
  forEachInGroup(offset: number, action: (key: Key, namespace: string, value: S) => void): void {
    const group = this.groups[offset];
    if (group === undefined) return;
    for (const entry of group.values()) {
      if (entry.value !== undefined) action(entry.key, '', entry.value);
      if (entry.namespaces !== undefined) for (const [namespace, value] of entry.namespaces) action(entry.key, namespace, value);
    }
  }

  /** The keys that have a value in `namespace`, in key-group order. */
  keysIn(namespace: string): Key[] {
    const keys: Key[] = [];
    for (const group of this.groups) {
      if (group === undefined) continue;
      for (const entry of group.values()) {
        if (namespace === '' ? entry.value !== undefined : entry.namespaces?.has(namespace) === true) keys.push(entry.key);
      }
    }
    return keys;
  }
}
