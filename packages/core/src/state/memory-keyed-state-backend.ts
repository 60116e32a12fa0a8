/**
 * The memory backend's keyed state backend: every state is a {@link MemoryStateTable} (grouped by key group when snapshotted), all
 * access is synchronous (`supports.synchronousAccess`), so built-in operators create no promise on the hot path.
 * Snapshots copy lists and maps (shallowly) at the moment of the call; values themselves are shared, which is why
 * state values must not be mutated once stored.
 */
import type { Key } from '../keys/key-group.js';
import { assignToKeyGroup, keyIdentity } from '../keys/key-group.js';
import type { AggregateFunction } from './aggregate-function.js';
import type {
  InternalAggregatingState,
  InternalListState,
  InternalMapState,
  InternalReducingState,
  InternalValueState,
} from './internal-state.js';
import { KeyedStateBackend, type KeyedStateBackendSupports, type RawStateInfo } from './keyed-state-backend.js';
import type { KeyGroupSnapshot, SelectedKeyGroups, StateEntry, StateSnapshot } from './keyed-state-snapshot.js';
import { MemoryAggregatingState } from './memory-aggregating-state.js';
import { MemoryListState } from './memory-list-state.js';
import { MemoryMapState, type MemoryMapEntry } from './memory-map-state.js';
import { MemoryReducingState } from './memory-reducing-state.js';
import { MemoryStateTable } from './memory-state-table.js';
import { MemoryValueState } from './memory-value-state.js';
import type { MapStateKey } from './state.js';
import type { StateType } from './state-descriptor.js';
import type { KeyedStateBackendParameters } from './state-backend.js';
import type { KeyIdentity } from './state-key.js';

type MapStorage = Map<KeyIdentity, MemoryMapEntry<MapStateKey, unknown>>;

/** Keyed state in memory, partitioned by key group. Create with {@link MemoryKeyedStateBackend.create}. */
export class MemoryKeyedStateBackend extends KeyedStateBackend {
  /** Synchronous, with snapshots, TTL and merging namespaces. */
  readonly supports: KeyedStateBackendSupports = Object.freeze({
    synchronousAccess: true,
    snapshots: true,
    ttl: true,
    mergingNamespaces: true,
    valuesByReference: true,
  });

  private readonly tables = new Map<string, MemoryStateTable<unknown>>();

  /** Creates and opens a backend. */
  static async create(parameters: KeyedStateBackendParameters): Promise<MemoryKeyedStateBackend> {
    const backend = new MemoryKeyedStateBackend(parameters);
    await backend.open();
    return backend;
  }

  private table<S>(name: string, type: StateType, ttl: boolean): MemoryStateTable<S> {
    let table = this.tables.get(name);
    if (table === undefined) {
      table = new MemoryStateTable<unknown>(name, type, ttl, (key) => assignToKeyGroup(key, this.maxParallelism) - this.keyGroupRange.start);
      this.tables.set(name, table);
    }
    return table as MemoryStateTable<S>;
  }

  protected override _close(): void {
    this.tables.clear();
  }

  protected _createValueState<T>(info: RawStateInfo, defaultValue: T | undefined): InternalValueState<T> {
    return new MemoryValueState<T>(info.name, this, this.table(info.name, info.type, info.ttl), defaultValue);
  }

  protected _createListState<T>(info: RawStateInfo): InternalListState<T> {
    return new MemoryListState<T>(info.name, this, this.table(info.name, info.type, info.ttl));
  }

  protected _createMapState<K extends MapStateKey, V>(info: RawStateInfo): InternalMapState<K, V> {
    return new MemoryMapState<K, V>(info.name, this, this.table(info.name, info.type, info.ttl));
  }

  protected _createReducingState<T>(info: RawStateInfo, reduce: (a: T, b: T) => T): InternalReducingState<T> {
    return new MemoryReducingState<T>(info.name, this, this.table(info.name, info.type, info.ttl), reduce);
  }

  protected _createAggregatingState<IN, ACC, OUT>(
    info: RawStateInfo,
    aggregateFunction: AggregateFunction<IN, ACC, OUT>,
  ): InternalAggregatingState<IN, ACC, OUT> {
    return new MemoryAggregatingState<IN, ACC, OUT>(info.name, this, this.table(info.name, info.type, info.ttl), aggregateFunction);
  }

  protected _keys(stateName: string, namespace: string): Iterable<Key> {
    return this.tables.get(stateName)?.keysIn(namespace) ?? [];
  }

  protected _snapshot(): KeyGroupSnapshot[] {
    const perTable = [...this.tables.values()].map((table) => ({ table, groups: table.entriesByKeyGroup(this.numberOfKeyGroups, storedToSnapshot(table.type)) }));
    const keyGroups: KeyGroupSnapshot[] = [];
    for (let offset = 0; offset < this.numberOfKeyGroups; offset++) {
      const states: StateSnapshot[] = [];
      for (const { table, groups } of perTable) {
        const entries: StateEntry[] | undefined = groups[offset];
        if (entries !== undefined) states.push({ name: table.name, type: table.type, ttl: table.ttl, entries });
      }
      if (states.length > 0) keyGroups.push({ keyGroup: this.keyGroupRange.start + offset, states });
    }
    return keyGroups;
  }

  protected _restore(selection: SelectedKeyGroups): void {
    for (const group of selection.keyGroups) {
      const offset = group.keyGroup - this.keyGroupRange.start;
      for (const state of group.states) {
        const table = this.table<unknown>(state.name, state.type, state.ttl);
        const copy = snapshotToStored(state.type);
        for (const [key, namespace, stored] of state.entries) table.set(offset, keyIdentity(key), key, namespace, copy(stored));
      }
    }
  }
}

/** How a stored value becomes snapshot data: lists and maps are copied, single values shared. */
function storedToSnapshot(type: StateType): (stored: unknown) => unknown {
  switch (type) {
    case 'list':
      return (stored) => (stored as unknown[]).slice();
    case 'map':
      return (stored) => Array.from((stored as MapStorage).values(), (entry) => [entry.key, entry.value]);
    default:
      return (stored) => stored;
  }
}

/** How (validated) snapshot data becomes a stored value: lists and maps are copied, single values shared. */
function snapshotToStored(type: StateType): (stored: unknown) => unknown {
  switch (type) {
    case 'list':
      return (stored) => (stored as unknown[]).slice();
    case 'map':
      return (stored) => {
        const map: MapStorage = new Map();
        for (const [key, value] of stored as [MapStateKey, unknown][]) map.set(keyIdentity(key), { key, value });
        return map;
      };
    default:
      return (stored) => stored;
  }
}
