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
 */
import { ErrorCodes, WeirError } from '../errors.js';
import { assignToKeyGroup, type Key } from '../keys/key-group.js';
import { keyGroupRangeContains, type KeyGroupRange } from './key-group-range.js';
import { isStateType, type StateType } from './state-descriptor.js';
import { describeValue, isKey } from './state-key.js';

/** The version of the format written by `snapshot()`; `restore` accepts only this one. */
export const KEYED_STATE_SNAPSHOT_VERSION = 1;

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
