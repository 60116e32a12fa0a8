/**
 * The snapshot format of keyed state: plain, msgpack-able data grouped by key group, so that a subtask restoring at
 * another parallelism takes exactly the key groups it owns from the snapshots of all old subtasks.
 *
 * ```
 * KeyedStateSnapshot = { version: 1, maxParallelism, keyGroups: [{ keyGroup, states: [{ name, type, ttl, entries }] }] }
 * entry              = [key, namespace, stored]
 * stored (value, reducing, aggregating) = the value (the reduced value, the accumulator)
 * stored (list)      = [element, ...]                (never empty)
 * stored (map)       = [[mapKey, mapValue], ...]      (never empty)
 * ```
 * With `ttl: true`, each value, list element and map value is a {@link TtlValue} `[value, lastAccessTimestamp]`, so
 * time-to-live survives a restore. Only non-empty key groups and states are listed; key groups are in ascending order.
 * `restore` validates everything it takes before changing anything, and rejects corrupt data with
 * `INVALID_STATE_SNAPSHOT`, naming the snapshot, key group, state and entry at fault.
 *
 * Incremental snapshots (for incremental checkpoints) are {@link KeyedStateDelta}s: the changes since the previous
 * snapshot or delta, per key group and state, as whole stored values of the changed `(key, namespace)` pairs plus the
 * pairs deleted. {@link applyKeyedStateDelta} folds a delta into the snapshot it follows:
 * ```
 * KeyedStateDelta = { version: 1, maxParallelism, keyGroups: [{ keyGroup, states: [{ name, type, ttl, upserted, deleted }] }] }
 * upserted        = [entry, ...]                  (entries as above: [key, namespace, stored])
 * deleted         = [[key, namespace], ...]
 * ```
 */
import { ErrorCodes, WeirError } from '../errors.js';
import { assignToKeyGroup, keyIdentity, UPPER_BOUND_MAX_PARALLELISM, type Key } from '../keys/key-group.js';
import { keyGroupRangeContains, type KeyGroupRange } from './key-group-range.js';
import { isStateType, type StateType } from './state-descriptor.js';
import { describeValue, isKey } from './state-key.js';

/** The version of the format written by `snapshot()`; `restore` accepts only this one. */
export const KEYED_STATE_SNAPSHOT_VERSION = 1;

/** The version of the format written by `snapshotDelta()`; {@link applyKeyedStateDelta} accepts only this one. */
export const KEYED_STATE_DELTA_VERSION = 1;

/** A value with its last-access timestamp (milliseconds of processing time), as stored by a state with a TTL. */
export type TtlValue<T> = readonly [value: T, lastAccessTimestamp: number];

/** One key and namespace of a state: `[key, namespace, stored]` (see the module documentation for `stored`). */
export type StateEntry = readonly [key: Key, namespace: string, stored: unknown];

/** The entries of one state in one key group. */
export interface StateSnapshot {
  /** The state's name. */
  readonly name: string;
  /** The state's type. */
  readonly type: StateType;
  /** Whether values are stored with their last-access timestamps ({@link TtlValue}). */
  readonly ttl: boolean;
  /** The entries; never empty. */
  readonly entries: readonly StateEntry[];
}

/** The states of one key group. */
export interface KeyGroupSnapshot {
  /** The key group. */
  readonly keyGroup: number;
  /** Its non-empty states. */
  readonly states: readonly StateSnapshot[];
}

/** A snapshot of one keyed state backend: plain data, msgpack-able. */
export interface KeyedStateSnapshot {
  /** {@link KEYED_STATE_SNAPSHOT_VERSION}. */
  readonly version: number;
  /** The number of key groups of the operator. */
  readonly maxParallelism: number;
  /** The non-empty key groups, in ascending order. */
  readonly keyGroups: readonly KeyGroupSnapshot[];
}

/** The type and TTL flag of a state as a snapshot records it. */
export interface StateShape {
  /** The state's type. */
  readonly type: StateType;
  /** Whether values carry timestamps. */
  readonly ttl: boolean;
}

/** What a backend takes from a set of snapshots: its own key groups, validated, and the shape of every state. */
export interface SelectedKeyGroups {
  /** The key groups in the backend's range, in ascending order, each from exactly one snapshot. */
  readonly keyGroups: readonly KeyGroupSnapshot[];
  /** The type and TTL flag of every state found in those key groups. */
  readonly states: ReadonlyMap<string, StateShape>;
}

function invalid(message: string): WeirError {
  return new WeirError(ErrorCodes.INVALID_STATE_SNAPSHOT, `Invalid keyed state snapshot: ${message}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether `value` is a `[value, finite timestamp]` pair whose value is not undefined. */
export function isTtlValue(value: unknown): value is TtlValue<unknown> {
  return Array.isArray(value) && value.length === 2 && value[0] !== undefined && typeof value[1] === 'number' && Number.isFinite(value[1]);
}

/**
 * Validates `snapshots` and selects the key groups in `range`. Every snapshot's outline is checked; the key groups in
 * `range` are checked entry by entry (each key must hash to its key group). Throws `INVALID_STATE_SNAPSHOT` for
 * malformed data (also a key group found in two snapshots, or one state name with two types) and `STATE_INCOMPATIBLE`
 * for a snapshot of another max parallelism. Pure: changes nothing.
 */
export function selectKeyGroups(snapshots: readonly unknown[], maxParallelism: number, range: KeyGroupRange): SelectedKeyGroups {
  if (!Array.isArray(snapshots)) throw new TypeError('restore expects an array of keyed state snapshots');
  const selected = new Map<number, { group: KeyGroupSnapshot; snapshotIndex: number }>();
  const states = new Map<string, StateShape & { where: string }>();
  snapshots.forEach((snapshot: unknown, snapshotIndex) => {
    const at = `snapshot #${snapshotIndex}`;
    if (!isRecord(snapshot)) throw invalid(`${at} is ${describeValue(snapshot)}, not an object`);
    if (snapshot.version !== KEYED_STATE_SNAPSHOT_VERSION) {
      throw invalid(`${at} has format version ${describeValue(snapshot.version)}; this version of weir reads version ${KEYED_STATE_SNAPSHOT_VERSION}`);
    }
    if (typeof snapshot.maxParallelism !== 'number' || !Number.isInteger(snapshot.maxParallelism) || snapshot.maxParallelism < 1) {
      throw invalid(`${at} has maxParallelism ${describeValue(snapshot.maxParallelism)}`);
    }
    if (snapshot.maxParallelism !== maxParallelism) {
      throw new WeirError(
        ErrorCodes.STATE_INCOMPATIBLE,
        `Keyed state ${at} was taken with maxParallelism ${snapshot.maxParallelism}, but the operator has maxParallelism ${maxParallelism}; the max parallelism of a stateful operator cannot change`,
      );
    }
    if (!Array.isArray(snapshot.keyGroups)) throw invalid(`${at} has no keyGroups array`);
    const seen = new Set<number>();
    (snapshot.keyGroups as unknown[]).forEach((group: unknown, groupIndex) => {
      if (!isRecord(group)) throw invalid(`${at}, keyGroups[${groupIndex}] is ${describeValue(group)}, not an object`);
      const keyGroup = group.keyGroup;
      if (typeof keyGroup !== 'number' || !Number.isInteger(keyGroup) || keyGroup < 0 || keyGroup >= maxParallelism) {
        throw invalid(`${at}, keyGroups[${groupIndex}] has key group ${describeValue(keyGroup)}, not an integer from 0 to ${maxParallelism - 1}`);
      }
      if (seen.has(keyGroup)) throw invalid(`${at} lists key group ${keyGroup} twice`);
      seen.add(keyGroup);
      if (!Array.isArray(group.states)) throw invalid(`${at}, key group ${keyGroup} has no states array`);
      if (!keyGroupRangeContains(range, keyGroup)) return;
      const previous = selected.get(keyGroup);
      if (previous !== undefined) {
        throw invalid(`key group ${keyGroup} appears in snapshot #${previous.snapshotIndex} and in snapshot #${snapshotIndex}`);
      }
      checkKeyGroup(group as unknown as KeyGroupSnapshot, `${at}, key group ${keyGroup}`, maxParallelism, states);
      selected.set(keyGroup, { group: group as unknown as KeyGroupSnapshot, snapshotIndex });
    });
  });
  const keyGroups = [...selected.values()].map((s) => s.group).sort((a, b) => a.keyGroup - b.keyGroup);
  const shapes = new Map<string, StateShape>();
  for (const [name, shape] of states) shapes.set(name, { type: shape.type, ttl: shape.ttl });
  return { keyGroups, states: shapes };
}

function checkKeyGroup(
  group: KeyGroupSnapshot,
  at: string,
  maxParallelism: number,
  states: Map<string, StateShape & { where: string }>,
): void {
  const names = new Set<string>();
  (group.states as unknown[]).forEach((state: unknown, stateIndex) => {
    if (!isRecord(state)) throw invalid(`${at}, states[${stateIndex}] is ${describeValue(state)}, not an object`);
    const { name, type, ttl, entries } = state;
    if (typeof name !== 'string' || name.length === 0) throw invalid(`${at}, states[${stateIndex}] has name ${describeValue(name)}`);
    const where = `${at}, state "${name}"`;
    if (names.has(name)) throw invalid(`${at} lists state "${name}" twice`);
    names.add(name);
    if (!isStateType(type)) throw invalid(`${where} has unknown type ${describeValue(type)}`);
    if (typeof ttl !== 'boolean') throw invalid(`${where} has ttl ${describeValue(ttl)}, not a boolean`);
    const known = states.get(name);
    if (known === undefined) {
      states.set(name, { type, ttl, where });
    } else if (known.type !== type || known.ttl !== ttl) {
      throw invalid(
        `${where} is a ${describeShape(type, ttl)} state, but ${known.where} is a ${describeShape(known.type, known.ttl)} state`,
      );
    }
    if (!Array.isArray(entries)) throw invalid(`${where} has no entries array`);
    for (let i = 0; i < entries.length; i++) checkEntry(entries[i], `${where}, entry ${i}`, group.keyGroup, maxParallelism, type, ttl);
  });
}

/** `list` or `list (with TTL)`. */
export function describeShape(type: StateType, ttl: boolean): string {
  return ttl ? `${type} (with TTL)` : type;
}

function checkEntry(entry: unknown, at: string, keyGroup: number, maxParallelism: number, type: StateType, ttl: boolean): void {
  if (!Array.isArray(entry) || entry.length !== 3) throw invalid(`${at} is ${describeValue(entry)}, not a [key, namespace, value] triple`);
  const [key, namespace, stored] = entry as [unknown, unknown, unknown];
  if (!isKey(key)) throw invalid(`${at} has key ${describeValue(key)}, not a string, number, bigint, boolean or array of those`);
  const actual = assignToKeyGroup(key, maxParallelism);
  if (actual !== keyGroup) throw invalid(`${at} has key ${describeValue(key)}, which belongs to key group ${actual}, not ${keyGroup}`);
  if (typeof namespace !== 'string') throw invalid(`${at} has namespace ${describeValue(namespace)}, not a string`);
  const isElement = ttl ? isTtlValue : (v: unknown): boolean => v !== undefined;
  const element = ttl ? 'a [value, timestamp] pair' : 'a value (not undefined)';
  switch (type) {
    case 'value':
    case 'reducing':
    case 'aggregating':
      if (!isElement(stored)) throw invalid(`${at} holds ${describeValue(stored)}, not ${element}`);
      return;
    case 'list':
      if (!Array.isArray(stored) || stored.length === 0) throw invalid(`${at} holds ${describeValue(stored)}, not a non-empty list`);
      stored.forEach((item: unknown, i) => {
        if (!isElement(item)) throw invalid(`${at}, list element ${i} is ${describeValue(item)}, not ${element}`);
      });
      return;
    case 'map':
      if (!Array.isArray(stored) || stored.length === 0) throw invalid(`${at} holds ${describeValue(stored)}, not a non-empty list of map entries`);
      stored.forEach((item: unknown, i) => {
        if (!Array.isArray(item) || item.length !== 2) throw invalid(`${at}, map entry ${i} is ${describeValue(item)}, not a [key, value] pair`);
        if (!isKey(item[0])) throw invalid(`${at}, map entry ${i} has key ${describeValue(item[0])}, not a valid map key`);
        if (!isElement(item[1])) throw invalid(`${at}, map entry ${i} has value ${describeValue(item[1])}, not ${element}`);
      });
      return;
  }
}

// -------------------------------------------------------------------------------------------------------------------
// Incremental snapshots

/** A `(key, namespace)` pair whose value was removed: `[key, namespace]`. */
export type DeletedStateEntry = readonly [key: Key, namespace: string];

/** The changes of one state in one key group. */
export interface StateDelta {
  /** The state's name. */
  readonly name: string;
  /** The state's type. */
  readonly type: StateType;
  /** Whether values are stored with their last-access timestamps ({@link TtlValue}). */
  readonly ttl: boolean;
  /** The whole stored value of every `(key, namespace)` written since the base, in the {@link StateEntry} format. */
  readonly upserted: readonly StateEntry[];
  /** The `(key, namespace)` pairs removed since the base (also ones the base may not hold). */
  readonly deleted: readonly DeletedStateEntry[];
}

/** The changes of one key group. */
export interface KeyGroupDelta {
  /** The key group. */
  readonly keyGroup: number;
  /** Its changed states; each has at least one upserted or deleted entry. */
  readonly states: readonly StateDelta[];
}

/**
 * An incremental snapshot of one keyed state backend (`KeyedStateBackend.snapshotDelta()`): the changes since its
 * previous snapshot or delta. Plain data, msgpack-able. Fold it into that base with {@link applyKeyedStateDelta}.
 */
export interface KeyedStateDelta {
  /** {@link KEYED_STATE_DELTA_VERSION}. */
  readonly version: number;
  /** The number of key groups of the operator (the base's). */
  readonly maxParallelism: number;
  /** The changed key groups, in ascending order. */
  readonly keyGroups: readonly KeyGroupDelta[];
}

/**
 * Folds `delta` into `base`, the snapshot it follows (a full snapshot, or an earlier fold): the result equals a full
 * snapshot taken when the delta was taken. Per key group and state, an upserted entry replaces the entry of the same
 * key and namespace (or is added), a deleted pair removes it; states and key groups left empty are dropped.
 *
 * Pure and validating: both inputs are checked entirely first (every entry's shape, and that each key hashes to its
 * key group) and neither is modified; the result shares the unchanged key groups and entries with `base`. Throws
 * `INVALID_STATE_SNAPSHOT` for corrupt input, also a delta of another max parallelism or format version, a state
 * whose type or TTL flag differs between the two, or a `(key, namespace)` listed twice in one state's changes.
 */
export function applyKeyedStateDelta(base: KeyedStateSnapshot, delta: KeyedStateDelta): KeyedStateSnapshot {
  const baseRecord: unknown = base;
  if (!isRecord(baseRecord)) throw invalid(`the base is ${describeValue(baseRecord)}, not an object`);
  const maxParallelism = baseRecord.maxParallelism;
  if (typeof maxParallelism !== 'number' || !Number.isInteger(maxParallelism) || maxParallelism < 1 || maxParallelism > UPPER_BOUND_MAX_PARALLELISM) {
    throw invalid(`the base has maxParallelism ${describeValue(maxParallelism)}`);
  }
  // Checks the whole base (every key group is in the full range) and learns the shape of its states.
  const selection = selectKeyGroups([base], maxParallelism, { start: 0, end: maxParallelism - 1 });
  const shapes = new Map<string, StateShape & { where: string }>();
  for (const [name, shape] of selection.states) shapes.set(name, { ...shape, where: 'the base' });
  const deltaGroups = checkDelta(delta, maxParallelism, shapes);
  if (deltaGroups.length === 0) return { version: KEYED_STATE_SNAPSHOT_VERSION, maxParallelism, keyGroups: selection.keyGroups };

  const changes = new Map<number, KeyGroupDelta>(deltaGroups.map((group) => [group.keyGroup, group]));
  const keyGroups: KeyGroupSnapshot[] = [];
  for (const group of selection.keyGroups) {
    const change = changes.get(group.keyGroup);
    if (change === undefined) {
      keyGroups.push(group);
      continue;
    }
    changes.delete(group.keyGroup);
    const folded = foldKeyGroup(group, change);
    if (folded !== undefined) keyGroups.push(folded);
  }
  for (const change of changes.values()) {
    const folded = foldKeyGroup({ keyGroup: change.keyGroup, states: [] }, change);
    if (folded !== undefined) keyGroups.push(folded);
  }
  keyGroups.sort((a, b) => a.keyGroup - b.keyGroup);
  return { version: KEYED_STATE_SNAPSHOT_VERSION, maxParallelism, keyGroups };
}

/** Validates `delta` against the base's max parallelism and state shapes; returns its key groups. */
function checkDelta(delta: unknown, maxParallelism: number, shapes: Map<string, StateShape & { where: string }>): readonly KeyGroupDelta[] {
  if (!isRecord(delta)) throw invalid(`the delta is ${describeValue(delta)}, not an object`);
  if (delta.version !== KEYED_STATE_DELTA_VERSION) {
    throw invalid(`the delta has format version ${describeValue(delta.version)}; this version of weir reads deltas of version ${KEYED_STATE_DELTA_VERSION}`);
  }
  if (delta.maxParallelism !== maxParallelism) {
    throw invalid(`the delta has maxParallelism ${describeValue(delta.maxParallelism)}, but its base has ${maxParallelism}: it belongs to another operator`);
  }
  if (!Array.isArray(delta.keyGroups)) throw invalid('the delta has no keyGroups array');
  const seen = new Set<number>();
  (delta.keyGroups as unknown[]).forEach((group: unknown, groupIndex) => {
    const at = `the delta, keyGroups[${groupIndex}]`;
    if (!isRecord(group)) throw invalid(`${at} is ${describeValue(group)}, not an object`);
    const keyGroup = group.keyGroup;
    if (typeof keyGroup !== 'number' || !Number.isInteger(keyGroup) || keyGroup < 0 || keyGroup >= maxParallelism) {
      throw invalid(`${at} has key group ${describeValue(keyGroup)}, not an integer from 0 to ${maxParallelism - 1}`);
    }
    if (seen.has(keyGroup)) throw invalid(`the delta lists key group ${keyGroup} twice`);
    seen.add(keyGroup);
    if (!Array.isArray(group.states)) throw invalid(`the delta, key group ${keyGroup} has no states array`);
    const names = new Set<string>();
    (group.states as unknown[]).forEach((state: unknown, stateIndex) => {
      const stateAt = `the delta, key group ${keyGroup}`;
      if (!isRecord(state)) throw invalid(`${stateAt}, states[${stateIndex}] is ${describeValue(state)}, not an object`);
      const { name, type, ttl, upserted, deleted } = state;
      if (typeof name !== 'string' || name.length === 0) throw invalid(`${stateAt}, states[${stateIndex}] has name ${describeValue(name)}`);
      const where = `${stateAt}, state "${name}"`;
      if (names.has(name)) throw invalid(`${stateAt} lists state "${name}" twice`);
      names.add(name);
      if (!isStateType(type)) throw invalid(`${where} has unknown type ${describeValue(type)}`);
      if (typeof ttl !== 'boolean') throw invalid(`${where} has ttl ${describeValue(ttl)}, not a boolean`);
      const known = shapes.get(name);
      if (known === undefined) {
        shapes.set(name, { type, ttl, where });
      } else if (known.type !== type || known.ttl !== ttl) {
        throw invalid(`${where} is a ${describeShape(type, ttl)} state, but in ${known.where} it is a ${describeShape(known.type, known.ttl)} state`);
      }
      if (!Array.isArray(upserted)) throw invalid(`${where} has no upserted array`);
      if (!Array.isArray(deleted)) throw invalid(`${where} has no deleted array`);
      const pairs = new Set<string>();
      const once = (key: Key, namespace: string, at: string): void => {
        const id = pairIdentity(key, namespace);
        if (pairs.has(id)) throw invalid(`${at}: key ${describeValue(key)} in namespace ${describeValue(namespace)} is listed twice in the changes of one state`);
        pairs.add(id);
      };
      (upserted as unknown[]).forEach((entry, i) => {
        const at = `${where}, upserted entry ${i}`;
        checkEntry(entry, at, keyGroup, maxParallelism, type, ttl);
        const [key, namespace] = entry as StateEntry;
        once(key, namespace, at);
      });
      (deleted as unknown[]).forEach((pair, i) => {
        const at = `${where}, deleted entry ${i}`;
        if (!Array.isArray(pair) || pair.length !== 2) throw invalid(`${at} is ${describeValue(pair)}, not a [key, namespace] pair`);
        const [key, namespace] = pair as [unknown, unknown];
        if (!isKey(key)) throw invalid(`${at} has key ${describeValue(key)}, not a string, number, bigint, boolean or array of those`);
        const actual = assignToKeyGroup(key, maxParallelism);
        if (actual !== keyGroup) throw invalid(`${at} has key ${describeValue(key)}, which belongs to key group ${actual}, not ${keyGroup}`);
        if (typeof namespace !== 'string') throw invalid(`${at} has namespace ${describeValue(namespace)}, not a string`);
        once(key, namespace, at);
      });
    });
  });
  return delta.keyGroups as readonly KeyGroupDelta[];
}

/** A string equal for equal `(key, namespace)` pairs (key identities of different types never collide). */
function pairIdentity(key: Key, namespace: string): string {
  const id = keyIdentity(key);
  return `${typeof id}:${String(id)}\u0000${namespace}`;
}

/** Applies the (validated) changes of one key group; undefined when nothing is left in it. */
function foldKeyGroup(group: KeyGroupSnapshot, change: KeyGroupDelta): KeyGroupSnapshot | undefined {
  const changedStates = new Map<string, StateDelta>(change.states.map((state) => [state.name, state]));
  const states: StateSnapshot[] = [];
  for (const state of group.states) {
    const stateChange = changedStates.get(state.name);
    if (stateChange === undefined) {
      states.push(state);
      continue;
    }
    changedStates.delete(state.name);
    const entries = foldEntries(state.entries, stateChange);
    if (entries.length > 0) states.push({ name: state.name, type: state.type, ttl: state.ttl, entries });
  }
  for (const stateChange of changedStates.values()) {
    const entries = foldEntries([], stateChange);
    if (entries.length > 0) states.push({ name: stateChange.name, type: stateChange.type, ttl: stateChange.ttl, entries });
  }
  return states.length === 0 ? undefined : { keyGroup: group.keyGroup, states };
}

/** The entries of one state after the changes: the base's order, replaced in place, new ones appended. */
function foldEntries(entries: readonly StateEntry[], change: StateDelta): StateEntry[] {
  const result: (StateEntry | undefined)[] = entries.slice();
  const index = new Map<string, number>();
  result.forEach((entry, i) => index.set(pairIdentity(entry![0], entry![1]), i));
  for (const [key, namespace] of change.deleted) {
    const i = index.get(pairIdentity(key, namespace));
    if (i !== undefined) result[i] = undefined;
  }
  for (const entry of change.upserted) {
    const i = index.get(pairIdentity(entry[0], entry[1]));
    if (i === undefined) result.push(entry);
    else result[i] = entry;
  }
  return result.filter((entry): entry is StateEntry => entry !== undefined);
}
