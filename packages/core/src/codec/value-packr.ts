/**
 * msgpack for user values (records, state, enumerator and sink state) wherever weir writes them: frames between
 * actors, task snapshots in checkpoints, checkpoint metadata. Standard msgpack plus msgpackr's extensions (undefined,
 * Date, Set, typed arrays with their type, Error, RegExp, bigints of any size) and two of weir's own, because
 * msgpackr writes a `Map` like a plain object and `-0` as `0`: a `Map` is written as extension
 * {@link MAP_EXTENSION_TYPE} (its entries as a flat `[key, value, key, value, ...]` array), `-0` as
 * {@link NEGATIVE_ZERO_EXTENSION_TYPE}. No record structures are used, so every message decodes on its own.
 *
 * Use {@link packValue} / {@link unpackValue}, or {@link prepareValue} then {@link valuePackr} to lay out a message
 * around already prepared parts. Class instances are written as their `toJSON()` result or their own enumerable
 * properties, as plain objects.
 */
import { addExtension, Packr } from 'msgpackr';

/** The msgpack extension type weir uses for a `Map` (its entries as a flat `[key, value, key, value, ...]` array). */
export const MAP_EXTENSION_TYPE = 0x57;

/** The msgpack extension type weir uses for the number `-0`. */
export const NEGATIVE_ZERO_EXTENSION_TYPE = 0x58;

/** Stands for a `Map` while encoding; never escapes this module. */
class EncodedMap {
  constructor(readonly entries: unknown[]) {}
}

/** Stands for `-0` while encoding; never escapes this module. */
class NegativeZero {}
const NEGATIVE_ZERO = new NegativeZero();

// msgpackr registers extensions process-wide; the classes are private to this module, so only this codec writes them.
addExtension({
  Class: EncodedMap,
  type: MAP_EXTENSION_TYPE,
  write: (map: EncodedMap) => map.entries,
  read: (entries: unknown) => {
    if (!Array.isArray(entries) || entries.length % 2 !== 0) {
      throw new Error('a Map extension must hold an array of key-value pairs');
    }
    const map = new Map<unknown, unknown>();
    for (let i = 0; i < entries.length; i += 2) map.set(entries[i], entries[i + 1]);
    return map;
  },
});
addExtension({
  Class: NegativeZero,
  type: NEGATIVE_ZERO_EXTENSION_TYPE,
  write: () => 0,
  read: () => -0,
});

/**
 * The msgpackr instance for values ({@link prepareValue} them first).
 * - `useRecords: false`: no record structures, so a frame decodes without state shared with its encoder.
 * - `mapsAsObjects: true`: msgpack maps decode as plain objects (Maps travel as their own extension).
 * - `moreTypes: true`: Set, typed arrays (with their type), Error and RegExp keep their types.
 * - `useBigIntExtension: true`, `int64AsType: 'bigint'`: a bigint of any size round-trips as a bigint, while
 *   numbers beyond 32 bits are written as float64 and stay numbers.
 * - `copyBuffers: true`: decoded binary values do not pin or alias the frame's bytes.
 */
export const valuePackr = new Packr({
  useRecords: false,
  mapsAsObjects: true,
  moreTypes: true,
  useBigIntExtension: true,
  int64AsType: 'bigint',
  copyBuffers: true,
});

/**
 * Returns `values` itself when nothing in it needs rewriting, else a copy in which every `Map` became an
 * {@link EncodedMap} and every `-0` the {@link NEGATIVE_ZERO} marker. Copies only the containers on the way to a
 * rewrite, so the common frame (no Map, no -0) costs one read-only walk and no allocation.
 */
export function prepareValues(values: readonly unknown[]): unknown[] {
  let copy: unknown[] | undefined;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    const prepared = prepareValue(value);
    if (copy !== undefined) copy[i] = prepared;
    else if (prepared !== value) {
      copy = values.slice(0, i);
      copy[i] = prepared;
    }
  }
  return copy ?? (values as unknown[]);
}

/** `value` ready for {@link valuePackr}: itself when nothing in it needs rewriting, else a copy (see {@link prepareValues}). */
export function prepareValue(value: unknown): unknown {
  switch (typeof value) {
    case 'number':
      return value === 0 && 1 / value < 0 ? NEGATIVE_ZERO : value;
    case 'object': {
      if (value === null) return value;
      const constructor: unknown = value.constructor;
      if (constructor === Array) return prepareValues(value as unknown[]);
      if (constructor === Object || constructor === undefined) return prepareObject(value as Record<string, unknown>);
      if (constructor === Map) return prepareMap(value as Map<unknown, unknown>);
      if (constructor === Set) return prepareSet(value as Set<unknown>);
      if (ArrayBuffer.isView(value) || value instanceof Date || value instanceof ArrayBuffer) return value;
      if (value instanceof Map) return prepareMap(value as Map<unknown, unknown>);
      if (value instanceof Set) return prepareSet(value as Set<unknown>);
      if (Array.isArray(value)) return prepareValues(value);
      if (value instanceof Error || value instanceof RegExp) return value;
      // msgpackr writes another class's toJSON() result, or else its own enumerable properties as a plain object.
      const withToJSON = value as { toJSON?: () => unknown };
      if (typeof withToJSON.toJSON === 'function') {
        const json = withToJSON.toJSON();
        return json === value ? prepareObject(value as Record<string, unknown>) : prepareValue(json);
      }
      return prepareObject(value as Record<string, unknown>);
    }
    default:
      return value;
  }
}

function prepareObject(object: Record<string, unknown>): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const key in object) {
    if (!Object.prototype.hasOwnProperty.call(object, key)) continue;
    const value = object[key];
    const prepared = prepareValue(value);
    if (prepared !== value && copy === undefined) copy = { ...object };
    if (copy !== undefined) copy[key] = prepared;
  }
  return copy ?? object;
}

function prepareMap(map: Map<unknown, unknown>): EncodedMap {
  // Map keys are never -0 (a Map stores -0 as 0), but they may be Maps or hold them.
  const entries = new Array<unknown>(map.size * 2);
  let i = 0;
  for (const [key, value] of map) {
    entries[i++] = prepareValue(key);
    entries[i++] = prepareValue(value);
  }
  return new EncodedMap(entries);
}

function prepareSet(set: Set<unknown>): Set<unknown> {
  let copy: unknown[] | undefined;
  let index = 0;
  for (const value of set) {
    const prepared = prepareValue(value);
    if (copy !== undefined) copy.push(prepared);
    else if (prepared !== value) {
      copy = Array.from(set).slice(0, index);
      copy.push(prepared);
    }
    index++;
  }
  return copy === undefined ? set : new Set(copy);
}

/** Encodes `value` (Maps and `-0` kept). Throws `TypeError` for what msgpack cannot hold (a symbol, a function). */
export function packValue(value: unknown): Uint8Array {
  return valuePackr.pack(prepareValue(value));
}

/** Decodes bytes written by {@link packValue}; throws msgpackr's error for anything else (callers name the source). */
export function unpackValue(bytes: Uint8Array): unknown {
  return valuePackr.unpack(bytes);
}
