/**
 * The cached entries of one state, by namespace and key identity, and the record of which `(key, namespace)` pairs
 * changed since the last snapshot (for incremental snapshots).
 *
 * A {@link CacheEntry} holds the stored form of one `(state, key, namespace)`, decoded: the value (value, reducing
 * and aggregating state), the list, or the map as `Map<map-key identity, [mapKey, value]>`; `undefined` means "no
 * value". Entries are owned by the {@link StateCache}: it links them into its least-recently-used list and writes the
 * dirty ones back to LevelDB.
 */
import type { Key, StateType } from '@weir/core';
import type { KeyIdentity } from '@weir/core/internal';

/** An entry in the cache's LRU list, counted against `cacheSize`. */
export const ENTRY_LIVE = 0;
/** An entry evicted while dirty: its value is in a write batch that LevelDB has not confirmed yet. Still readable. */
export const ENTRY_FLUSHING = 1;
/** An entry no longer in the cache. */
export const ENTRY_DETACHED = 2;

/** One map-state entry as cached: the map key as given, and its value. */
export type CachedMapEntry = [key: unknown, value: unknown];

/** The cached stored form of one `(state, key, namespace)`. */
export class CacheEntry {
  /** The stored form; undefined when there is no value. */
  value: unknown;
  /** Changed since it was last written to LevelDB. */
  dirty = false;
  /** {@link ENTRY_LIVE}, {@link ENTRY_FLUSHING} or {@link ENTRY_DETACHED}. */
  status = ENTRY_LIVE;
  /** The write batch that holds it while flushing. */
  batch = 0;
  /** The change-tracking epoch in which it was last recorded as changed. */
  changedEpoch = -1;
  /** Waiting in the cache's list of entries to pool after the current operation. */
  recycling = false;
  /** The LRU list. */
  previous: CacheEntry | null = null;
  next: CacheEntry | null = null;

  constructor(
    public table: StateTable,
    public id: KeyIdentity,
    public key: Key,
    public namespace: string,
    value: unknown,
  ) {
    this.value = value;
  }

  /** Makes a detached entry the new entry of `(table, key, namespace)` (the cache reuses entry objects). */
  reuse(table: StateTable, id: KeyIdentity, key: Key, namespace: string, value: unknown): this {
    this.table = table;
    this.id = id;
    this.key = key;
    this.namespace = namespace;
    this.value = value;
    this.dirty = false;
    this.status = ENTRY_LIVE;
    this.batch = 0;
    this.changedEpoch = -1;
    return this;
  }
}

/** A state's cached entries and tracked changes. */
export class StateTable {
  /** Entries of the default namespace, by key identity (the hot path: one lookup). */
  private readonly values = new Map<KeyIdentity, CacheEntry>();
  /** Entries of other namespaces: namespace -> key identity -> entry. */
  private readonly namespaced = new Map<string, Map<KeyIdentity, CacheEntry>>();
  /** Changed since the last snapshot: namespace -> key identity -> key. */
  private changes = new Map<string, Map<KeyIdentity, Key>>();

  /** The table of state `name` (id `id` in stored keys). */
  constructor(
    readonly id: number,
    readonly name: string,
    readonly type: StateType,
    readonly ttl: boolean,
  ) {}

  /** The cached entry of `id` in `namespace`, or undefined. */
  get(id: KeyIdentity, namespace: string): CacheEntry | undefined {
    if (namespace === '') return this.values.get(id);
    return this.namespaced.get(namespace)?.get(id);
  }

  /** Adds `entry` (not cached yet). */
  add(entry: CacheEntry): void {
    if (entry.namespace === '') {
      this.values.set(entry.id, entry);
      return;
    }
    let byKey = this.namespaced.get(entry.namespace);
    if (byKey === undefined) this.namespaced.set(entry.namespace, (byKey = new Map()));
    byKey.set(entry.id, entry);
  }

  /**
   * Removes `entry`, which must be the one cached for its key and namespace (the cache never holds two entries of one
   * key and namespace: it creates one only when none is cached, and puts one back only into its empty place).
   */
  remove(entry: CacheEntry): void {
    if (entry.namespace === '') {
      this.values.delete(entry.id);
      return;
    }
    const byKey = this.namespaced.get(entry.namespace);
    if (byKey === undefined) return;
    byKey.delete(entry.id);
    if (byKey.size === 0) this.namespaced.delete(entry.namespace);
  }

  /** The cached entries of `namespace` (live and flushing). */
  entriesIn(namespace: string): Iterable<CacheEntry> {
    return (namespace === '' ? this.values : this.namespaced.get(namespace))?.values() ?? [];
  }

  /** Records that `(key, namespace)` changed. */
  noteChanged(id: KeyIdentity, key: Key, namespace: string): void {
    let byKey = this.changes.get(namespace);
    if (byKey === undefined) this.changes.set(namespace, (byKey = new Map()));
    byKey.set(id, key);
  }

  /** The changes recorded since the last call (namespace -> key identity -> key), and forgets them. */
  takeChanges(): Map<string, Map<KeyIdentity, Key>> {
    const changes = this.changes;
    this.changes = new Map();
    return changes;
  }

  /** Forgets every cached entry and change. */
  clear(): void {
    this.values.clear();
    this.namespaced.clear();
    this.changes.clear();
  }
}
