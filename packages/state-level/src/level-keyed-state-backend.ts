/**
 * The keyed state backend of one operator instance in a LevelDB database of its own, behind a write cache
 * ({@link StateCache}). It extends core's `KeyedStateBackend` template, which validates, keeps the current key and
 * implements time-to-live over these raw states.
 *
 * Layout: one LevelDB entry per `(state, key, namespace)`, under the binary key `[key group][state id][key][namespace]`
 * (`stored-key.ts`), holding the msgpack bytes of the snapshot form of its value (the value, the list, or the map's
 * `[mapKey, value]` pairs). State ids are given out in the order states are first registered or restored; they live
 * only as long as the database, which is created empty at open and deleted at close.
 *
 * Snapshots: `snapshot()` writes every dirty cached entry, takes a LevelDB snapshot behind those writes and reads it
 * with an iterator, so processing goes on while it is read; key-group order comes from the key layout. Once a first
 * snapshot was taken, every `(state, key, namespace)` written is recorded, and `snapshotDelta()` reads exactly those
 * (from the cache, or from a LevelDB snapshot of the moment) into a {@link KeyedStateDelta}, tombstones for those
 * without a value. `restore()` writes the entries it takes in batches.
 *
 * Threading model: used from the owning task's mailbox only (the template's contract); LevelDB works on libuv's
 * thread pool behind promises. Lifecycle: as the template's; `close()` drops the cache and deletes the directory.
 */
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import {
  assignToKeyGroup,
  ErrorCodes,
  KeyedStateBackend,
  WeirError,
  type AggregateFunction,
  type Key,
  type KeyedStateBackendParameters,
  type KeyedStateBackendSupports,
  type KeyGroupSnapshot,
  type MapStateKey,
  type RawStateInfo,
  type StateSnapshot,
  type StateType,
} from '@weir/core';
import {
  mapKeyIdentity,
  type InternalAggregatingState,
  type InternalListState,
  type InternalMapState,
  type InternalReducingState,
  type InternalValueState,
  type KeyIdentity,
  type SelectedKeyGroups,
  type StateEntry,
} from '@weir/core/internal';
import { hashStoredKey } from './bloom-filter.js';
import { LevelAggregatingState } from './level-aggregating-state.js';
import { openLevelDatabase, type LevelDatabase } from './level-database.js';
import { LevelListState } from './level-list-state.js';
import { LevelMapState } from './level-map-state.js';
import { LevelReducingState } from './level-reducing-state.js';
import { LevelValueState } from './level-value-state.js';
import { StateCache } from './state-cache.js';
import { StateTable } from './state-table.js';
import { cachedFromStored, snapshotFromCached } from './stored-form.js';
import { decodeStoredKey, MAX_STATE_ID, stateIdOfStoredKey, storedKeyPrefix } from './stored-key.js';
import { copyValue, decodeValue, encodeValue } from './value-codec.js';

/** An incremental snapshot (core's `KeyedStateDelta`, as `snapshotDelta()` returns it). */
export type KeyedStateDelta = Awaited<ReturnType<KeyedStateBackend['snapshotDelta']>>;

/** The changes of one key group in a {@link KeyedStateDelta}. */
type KeyGroupDelta = KeyedStateDelta['keyGroups'][number];

/** A LevelDB snapshot (abstract-level's explicit snapshot). */
type DatabaseSnapshot = ReturnType<LevelDatabase['snapshot']>;

/** Where and how big: what {@link LevelKeyedStateBackend} needs besides the template's parameters. */
export interface LevelKeyedStateBackendSettings {
  /** The directory of the database; created at open (anything there is removed first) and deleted at close. */
  readonly location: string;
  /** `(state, key, namespace)` entries kept decoded in memory. */
  readonly cacheSize: number;
  /** Operations per LevelDB write batch. */
  readonly writeBatchSize: number;
  /** LevelDB's block cache, bytes. */
  readonly blockCacheSize: number;
  /** LevelDB's write buffer, bytes. */
  readonly writeBufferSize: number;
}

/** Entries read per LevelDB iterator step. */
const ITERATOR_STEP = 1000;

/** Keyed state in LevelDB behind a write cache; see the module documentation. Create with {@link create}. */
export class LevelKeyedStateBackend extends KeyedStateBackend {
  /** Asynchronous (promises under write backpressure), with snapshots, incremental snapshots, TTL, merging; copies. */
  readonly supports: KeyedStateBackendSupports = Object.freeze({
    synchronousAccess: false,
    snapshots: true,
    ttl: true,
    mergingNamespaces: true,
    valuesByReference: false,
    incrementalSnapshots: true,
  });

  /** The directory of this instance's LevelDB database. */
  readonly location: string;

  private db: LevelDatabase | undefined;
  private stateCache: StateCache | undefined;
  private readonly tables = new Map<string, StateTable>();
  private readonly tablesById: StateTable[] = [];

  /** A backend in `settings.location`; `'opening'` until {@link open}. */
  constructor(
    parameters: KeyedStateBackendParameters,
    private readonly settings: LevelKeyedStateBackendSettings,
  ) {
    super(parameters);
    this.location = settings.location;
  }

  /** Creates and opens a backend (a new, empty database in `settings.location`). */
  static async create(parameters: KeyedStateBackendParameters, settings: LevelKeyedStateBackendSettings): Promise<LevelKeyedStateBackend> {
    const backend = new LevelKeyedStateBackend(parameters, settings);
    await backend.open();
    return backend;
  }

  /** Entries in the write cache now. */
  get cachedEntries(): number {
    return this.stateCache?.size ?? 0;
  }

  private get database(): LevelDatabase {
    return this.db!;
  }

  private get cache(): StateCache {
    return this.stateCache!;
  }

  private describe(): string {
    return `operator "${this.operatorId}" (subtask ${this.subtaskIndex})`;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Lifecycle

  protected override async _open(): Promise<void> {
    const { location } = this.settings;
    try {
      await rm(location, { recursive: true, force: true });
      await mkdir(path.dirname(location), { recursive: true });
      this.db = await openLevelDatabase(location, this.settings);
    } catch (error) {
      await rm(location, { recursive: true, force: true }).catch(() => undefined);
      throw new WeirError(
        ErrorCodes.INVALID_CONFIGURATION,
        `Cannot open the LevelDB state of ${this.describe()} in ${location}: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    this.stateCache = new StateCache(this.db, {
      capacity: this.settings.cacheSize,
      writeBatchSize: this.settings.writeBatchSize,
      maxInFlight: 8 * this.settings.writeBatchSize,
      maxParallelism: this.maxParallelism,
      description: this.describe(),
    });
  }

  protected override async _close(): Promise<void> {
    for (const table of this.tables.values()) table.clear();
    try {
      await this.stateCache?.close();
      await this.db?.close();
    } finally {
      this.stateCache = undefined;
      this.db = undefined;
      await rm(this.settings.location, { recursive: true, force: true });
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // States

  /** The table of state `name`, created (with the next state id) on first use. */
  private table(name: string, type: StateType, ttl: boolean): StateTable {
    let table = this.tables.get(name);
    if (table === undefined) {
      const id = this.tablesById.length + 1;
      if (id > MAX_STATE_ID) {
        throw new WeirError(ErrorCodes.UNSUPPORTED_OPERATION, `The LevelDB state of ${this.describe()} holds at most ${MAX_STATE_ID} states`);
      }
      table = new StateTable(id, name, type, ttl);
      this.tables.set(name, table);
      this.tablesById[id] = table;
    }
    return table;
  }

  protected _createValueState<T>(info: RawStateInfo, defaultValue: T | undefined): InternalValueState<T> {
    return new LevelValueState<T>(info.name, this, this.cache, this.table(info.name, info.type, info.ttl), defaultValue);
  }

  protected _createListState<T>(info: RawStateInfo): InternalListState<T> {
    return new LevelListState<T>(info.name, this, this.cache, this.table(info.name, info.type, info.ttl));
  }

  protected _createMapState<K extends MapStateKey, V>(info: RawStateInfo): InternalMapState<K, V> {
    return new LevelMapState<K, V>(info.name, this, this.cache, this.table(info.name, info.type, info.ttl));
  }

  protected _createReducingState<T>(info: RawStateInfo, reduce: (a: T, b: T) => T): InternalReducingState<T> {
    return new LevelReducingState<T>(info.name, this, this.cache, this.table(info.name, info.type, info.ttl), reduce);
  }

  protected _createAggregatingState<IN, ACC, OUT>(
    info: RawStateInfo,
    aggregateFunction: AggregateFunction<IN, ACC, OUT>,
  ): InternalAggregatingState<IN, ACC, OUT> {
    const table = this.table(info.name, info.type, info.ttl);
    return new LevelAggregatingState<IN, ACC, OUT>(info.name, this, this.cache, table, aggregateFunction);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Keys

  /**
   * The keys with a value of `stateName` in `namespace`, as of the call: the cached entries (which override what is on
   * disk) and a LevelDB snapshot taken now, merged in key-group order.
   */
  protected _keys(stateName: string, namespace: string): Iterable<Key> | AsyncIterable<Key> {
    const table = this.tables.get(stateName);
    if (table === undefined) return [];
    const cachedIds = new Set<KeyIdentity>();
    const cached: { keyGroup: number; key: Key }[] = [];
    for (const entry of table.entriesIn(namespace)) {
      cachedIds.add(entry.id);
      if (entry.value !== undefined) cached.push({ keyGroup: assignToKeyGroup(entry.key, this.maxParallelism), key: entry.key });
    }
    cached.sort((a, b) => a.keyGroup - b.keyGroup);
    return this.keysOnDisk(table, namespace, cachedIds, cached, this.database.snapshot());
  }

  private async *keysOnDisk(
    table: StateTable,
    namespace: string,
    cachedIds: ReadonlySet<KeyIdentity>,
    cached: readonly { keyGroup: number; key: Key }[],
    snapshot: DatabaseSnapshot,
  ): AsyncGenerator<Key> {
    try {
      const iterator = this.database.keys({
        gte: storedKeyPrefix(this.keyGroupRange.start),
        lt: storedKeyPrefix(this.keyGroupRange.end + 1),
        snapshot,
      });
      let next = 0;
      try {
        for (;;) {
          const storedKeys = await iterator.nextv(ITERATOR_STEP);
          if (storedKeys.length === 0) break;
          for (const storedKey of storedKeys) {
            if (stateIdOfStoredKey(storedKey) !== table.id) continue;
            const decoded = decodeStoredKey(storedKey);
            if (decoded.namespace !== namespace) continue;
            while (next < cached.length && cached[next].keyGroup <= decoded.keyGroup) yield cached[next++].key;
            if (!cachedIds.has(mapKeyIdentity(decoded.key, table.name))) yield decoded.key;
          }
        }
      } finally {
        await iterator.close();
      }
      while (next < cached.length) yield cached[next++].key;
    } finally {
      await snapshot.close();
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Snapshots

  /** Writes the dirty entries, then reads a LevelDB snapshot taken behind those writes; starts tracking changes. */
  protected _snapshot(): Promise<KeyGroupSnapshot[]> {
    const cache = this.cache;
    for (const table of this.tables.values()) table.takeChanges();
    cache.startTracking();
    cache.flushDirty();
    return this.readAll(cache.afterWrites(() => this.database.snapshot()));
  }

  private async readAll(pending: Promise<DatabaseSnapshot>): Promise<KeyGroupSnapshot[]> {
    const snapshot = await pending;
    const groups: { keyGroup: number; states: StateSnapshot[] }[] = [];
    try {
      const iterator = this.database.iterator({ snapshot, highWaterMarkBytes: 1 << 20 });
      try {
        let group: { keyGroup: number; states: StateSnapshot[] } | undefined;
        let stateId = -1;
        let entries: StateEntry[] = [];
        for (;;) {
          const batch = await iterator.nextv(ITERATOR_STEP);
          if (batch.length === 0) break;
          for (const [storedKey, bytes] of batch) {
            const decoded = decodeStoredKey(storedKey);
            if (group === undefined || group.keyGroup !== decoded.keyGroup) {
              group = { keyGroup: decoded.keyGroup, states: [] };
              groups.push(group);
              stateId = -1;
            }
            if (decoded.stateId !== stateId) {
              stateId = decoded.stateId;
              const table = this.tablesById[stateId];
              entries = [];
              group.states.push({ name: table.name, type: table.type, ttl: table.ttl, entries });
            }
            entries.push([decoded.key, decoded.namespace, decodeValue(bytes)]);
          }
        }
      } finally {
        await iterator.close();
      }
    } finally {
      await snapshot.close();
    }
    return groups;
  }

  /**
   * The recorded changes since the last snapshot or delta: values of cached entries now, the others read from a
   * LevelDB snapshot taken now (their last writes are confirmed, or they would still be cached).
   */
  protected override _snapshotDelta(): KeyGroupDelta[] | Promise<KeyGroupDelta[]> {
    const cache = this.cache;
    cache.nextEpoch();
    const changes: Change[] = [];
    const unread: Change[] = [];
    const storedKeys: Buffer[] = [];
    for (const table of this.tables.values()) {
      for (const [namespace, byKey] of table.takeChanges()) {
        for (const [id, key] of byKey) {
          const change: Change = { table, keyGroup: assignToKeyGroup(key, this.maxParallelism), key, namespace, stored: undefined };
          changes.push(change);
          const entry = cache.peek(table, id, namespace);
          if (entry !== undefined) {
            if (entry.value !== undefined) change.stored = snapshotFromCached(table.type, entry.value);
          } else {
            unread.push(change);
            storedKeys.push(Buffer.from(cache.storedKey(table, key, namespace)));
          }
        }
      }
    }
    if (unread.length === 0) return assembleDelta(changes);
    const snapshot = this.database.snapshot();
    return (async () => {
      try {
        const values = await this.database.getMany(storedKeys, { snapshot });
        values.forEach((bytes, i) => {
          if (bytes !== undefined) unread[i].stored = decodeValue(bytes);
        });
      } finally {
        await snapshot.close();
      }
      return assembleDelta(changes);
    })();
  }

  /** Writes the (validated) entries in batches; cached entries of the same keys and namespaces are replaced. */
  protected async _restore(selection: SelectedKeyGroups): Promise<void> {
    const cache = this.cache;
    for (const group of selection.keyGroups) {
      for (const state of group.states) {
        const table = this.table(state.name, state.type, state.ttl);
        for (const [key, namespace, stored] of state.entries) {
          const id = mapKeyIdentity(key, state.name);
          const entry = cache.peek(table, id, namespace);
          if (entry !== undefined) {
            entry.value = cachedFromStored(state.type, copyValue(stored));
            cache.markDirty(entry);
            continue;
          }
          cache.put(cache.storedKey(table, key, namespace), encodeValue(stored), hashStoredKey(table.id, id, namespace));
          cache.noteChanged(table, id, key, namespace);
          const pending = cache.settle();
          if (pending !== undefined) await pending;
        }
      }
    }
    cache.submit();
    await cache.afterWrites(() => undefined);
  }
}

/** One recorded change, with its stored value (snapshot form) or undefined when deleted. */
interface Change {
  readonly table: StateTable;
  readonly keyGroup: number;
  readonly key: Key;
  readonly namespace: string;
  stored: unknown;
}

/** Groups changes by key group (ascending) and state (in state-id order) as upserts and deletions. */
function assembleDelta(changes: readonly Change[]): KeyGroupDelta[] {
  const byGroup = new Map<number, Map<StateTable, { upserted: StateEntry[]; deleted: (readonly [Key, string])[] }>>();
  for (const change of changes) {
    let byTable = byGroup.get(change.keyGroup);
    if (byTable === undefined) byGroup.set(change.keyGroup, (byTable = new Map()));
    let lists = byTable.get(change.table);
    if (lists === undefined) byTable.set(change.table, (lists = { upserted: [], deleted: [] }));
    if (change.stored === undefined) lists.deleted.push([change.key, change.namespace]);
    else lists.upserted.push([change.key, change.namespace, change.stored]);
  }
  return [...byGroup.keys()]
    .sort((a, b) => a - b)
    .map((keyGroup) => ({
      keyGroup,
      states: [...byGroup.get(keyGroup)!]
        .sort(([a], [b]) => a.id - b.id)
        .map(([table, lists]) => ({ name: table.name, type: table.type, ttl: table.ttl, upserted: lists.upserted, deleted: lists.deleted })),
    }));
}
