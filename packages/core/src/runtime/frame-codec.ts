/**
 * The msgpack frame codec: turns a {@link Frame} into bytes and back, for transports that leave the process.
 *
 * Wire format (format version 1): one msgpack array `[version, seq, values, timestamps, control]`, where
 * `timestamps` is nil or an array aligned with `values`, and `control` is nil or a tuple whose first entry is the
 * kind: `[0, timestamp]` watermark, `[1, idle]` watermark status, `[2, checkpointId, timestamp, savepoint]` barrier,
 * `[3]` end of input. Values use standard msgpack plus msgpackr's extensions (undefined, Date, Set, typed arrays,
 * bigints beyond 64 bits) and two of weir's own extensions, because msgpackr writes a `Map` and a plain object the same
 * way and writes `-0` as `0`: a `Map` is sent as extension {@link MAP_EXTENSION_TYPE}, `-0` as
 * {@link NEGATIVE_ZERO_EXTENSION_TYPE}. No record structures are used, so every frame decodes on its own.
 *
 * Decoding validates the frame's shape and throws `WeirError` with code `MALFORMED_FRAME` for garbage, truncated
 * input, an unknown format version or a wrong shape; it never returns a half-valid frame.
 */
import { addExtension, Packr } from 'msgpackr';
import { ErrorCodes, WeirError } from '../errors.js';
import type { ControlElement, Frame } from './frame.js';

/** The version of the wire format written by {@link encodeFrame}; {@link decodeFrame} accepts only this one. */
export const FRAME_FORMAT_VERSION = 1;

/** The msgpack extension type weir uses for a `Map` (its entries as a flat `[key, value, key, value, ...]` array). */
export const MAP_EXTENSION_TYPE = 0x57;

/** The msgpack extension type weir uses for the number `-0`. */
export const NEGATIVE_ZERO_EXTENSION_TYPE = 0x58;

const CONTROL_WATERMARK = 0;
const CONTROL_WATERMARK_STATUS = 1;
const CONTROL_BARRIER = 2;
const CONTROL_END_OF_INPUT = 3;

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
 * The codec's msgpackr instance.
 * - `useRecords: false`: no record structures, so a frame decodes without state shared with its encoder.
 * - `mapsAsObjects: true`: msgpack maps decode as plain objects (Maps travel as their own extension).
 * - `moreTypes: true`: Set, typed arrays (with their type), Error and RegExp keep their types.
 * - `useBigIntExtension: true`, `int64AsType: 'bigint'`: a bigint of any size round-trips as a bigint, while
 *   numbers beyond 32 bits are written as float64 and stay numbers.
 * - `copyBuffers: true`: decoded binary values do not pin or alias the frame's bytes.
 */
const packr = new Packr({
  useRecords: false,
  mapsAsObjects: true,
  moreTypes: true,
  useBigIntExtension: true,
  int64AsType: 'bigint',
  copyBuffers: true,
});

/** Encodes a frame as msgpack. Throws `TypeError` if a value cannot be encoded (a symbol, for example). */
export function encodeFrame(frame: Frame): Uint8Array {
  const message = [
    FRAME_FORMAT_VERSION,
    frame.seq,
    prepareArray(frame.values),
    frame.timestamps,
    encodeControl(frame.control),
  ];
  try {
    return packr.pack(message);
  } catch (error) {
    throw new TypeError(`Cannot encode frame ${frame.seq}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

/** Decodes bytes written by {@link encodeFrame}; throws `WeirError` `MALFORMED_FRAME` for anything else. */
export function decodeFrame(bytes: Uint8Array): Frame {
  let message: unknown;
  try {
    message = packr.unpack(bytes);
  } catch (error) {
    throw malformed(`not valid msgpack (${bytes.length} bytes): ${error instanceof Error ? error.message : String(error)}`, error);
  }
  if (!Array.isArray(message)) throw malformed(`expected an array of 5 fields, got ${describeValue(message)}`);
  if (message[0] !== FRAME_FORMAT_VERSION) {
    throw malformed(`unsupported format version ${describeValue(message[0])} (expected ${FRAME_FORMAT_VERSION})`);
  }
  if (message.length !== 5) throw malformed(`expected an array of 5 fields, got ${message.length}`);
  const seq: unknown = message[1];
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) {
    throw malformed(`seq must be a positive integer, got ${describeValue(seq)}`);
  }
  const values: unknown = message[2];
  if (!Array.isArray(values)) throw malformed(`frame ${seq}: values must be an array, got ${describeValue(values)}`);
  const timestamps = decodeTimestamps(message[3], values.length, seq);
  const control = decodeControl(message[4], seq);
  return { seq, values, timestamps, control };
}

function decodeTimestamps(raw: unknown, count: number, seq: number): (number | undefined)[] | undefined {
  if (raw === undefined) return undefined;
  if (!Array.isArray(raw)) throw malformed(`frame ${seq}: timestamps must be an array or undefined, got ${describeValue(raw)}`);
  if (raw.length !== count) {
    throw malformed(`frame ${seq}: ${raw.length} timestamps for ${count} values`);
  }
  for (let i = 0; i < raw.length; i++) {
    const t: unknown = raw[i];
    if (t !== undefined && typeof t !== 'number') {
      throw malformed(`frame ${seq}: timestamp ${i} must be a number or undefined, got ${describeValue(t)}`);
    }
  }
  return raw as (number | undefined)[];
}

function encodeControl(control: ControlElement | undefined): unknown[] | undefined {
  if (control === undefined) return undefined;
  switch (control.kind) {
    case 'watermark':
      return [CONTROL_WATERMARK, control.timestamp];
    case 'watermark-status':
      return [CONTROL_WATERMARK_STATUS, control.idle];
    case 'barrier':
      return [CONTROL_BARRIER, control.checkpointId, control.timestamp, control.savepoint];
    case 'end-of-input':
      return [CONTROL_END_OF_INPUT];
    default:
      throw new TypeError(`Unknown control element kind ${JSON.stringify((control as { kind: unknown }).kind)}`);
  }
}

function decodeControl(raw: unknown, seq: number): ControlElement | undefined {
  if (raw === undefined) return undefined;
  if (!Array.isArray(raw) || raw.length === 0) {
    throw malformed(`frame ${seq}: control must be a non-empty array or undefined, got ${describeValue(raw)}`);
  }
  const fields = raw as unknown[];
  const expectFields = (name: string, n: number): void => {
    if (fields.length !== n) throw malformed(`frame ${seq}: ${name} control element must have ${n} fields, got ${fields.length}`);
  };
  const expectNumber = (name: string, value: unknown): number => {
    if (typeof value !== 'number' || Number.isNaN(value)) {
      throw malformed(`frame ${seq}: ${name} must be a number, got ${describeValue(value)}`);
    }
    return value;
  };
  const expectBoolean = (name: string, value: unknown): boolean => {
    if (typeof value !== 'boolean') throw malformed(`frame ${seq}: ${name} must be a boolean, got ${describeValue(value)}`);
    return value;
  };
  switch (fields[0]) {
    case CONTROL_WATERMARK:
      expectFields('watermark', 2);
      return { kind: 'watermark', timestamp: expectNumber('watermark timestamp', fields[1]) };
    case CONTROL_WATERMARK_STATUS:
      expectFields('watermark-status', 2);
      return { kind: 'watermark-status', idle: expectBoolean('watermark-status idle', fields[1]) };
    case CONTROL_BARRIER: {
      expectFields('barrier', 4);
      const checkpointId = expectNumber('barrier checkpointId', fields[1]);
      if (!Number.isSafeInteger(checkpointId)) {
        throw malformed(`frame ${seq}: barrier checkpointId must be an integer, got ${checkpointId}`);
      }
      return {
        kind: 'barrier',
        checkpointId,
        timestamp: expectNumber('barrier timestamp', fields[2]),
        savepoint: expectBoolean('barrier savepoint', fields[3]),
      };
    }
    case CONTROL_END_OF_INPUT:
      expectFields('end-of-input', 1);
      return { kind: 'end-of-input' };
    default:
      throw malformed(`frame ${seq}: unknown control element kind ${describeValue(fields[0])}`);
  }
}

/**
 * Returns `values` itself when nothing in it needs rewriting, else a copy in which every `Map` became an
 * {@link EncodedMap} and every `-0` the {@link NEGATIVE_ZERO} marker. Copies only the containers on the way to a
 * rewrite, so the common frame (no Map, no -0) costs one read-only walk and no allocation.
 */
function prepareArray(values: readonly unknown[]): unknown[] {
  let copy: unknown[] | undefined;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    const prepared = prepare(value);
    if (copy !== undefined) copy[i] = prepared;
    else if (prepared !== value) {
      copy = values.slice(0, i);
      copy[i] = prepared;
    }
  }
  return copy ?? (values as unknown[]);
}

function prepare(value: unknown): unknown {
  switch (typeof value) {
    case 'number':
      return value === 0 && 1 / value < 0 ? NEGATIVE_ZERO : value;
    case 'object': {
      if (value === null) return value;
      const constructor: unknown = value.constructor;
      if (constructor === Array) return prepareArray(value as unknown[]);
      if (constructor === Object || constructor === undefined) return prepareObject(value as Record<string, unknown>);
      if (constructor === Map) return prepareMap(value as Map<unknown, unknown>);
      if (constructor === Set) return prepareSet(value as Set<unknown>);
      if (ArrayBuffer.isView(value) || value instanceof Date || value instanceof ArrayBuffer) return value;
      if (value instanceof Map) return prepareMap(value as Map<unknown, unknown>);
      if (value instanceof Set) return prepareSet(value as Set<unknown>);
      if (Array.isArray(value)) return prepareArray(value);
      if (value instanceof Error || value instanceof RegExp) return value;
      // msgpackr writes another class's toJSON() result, or else its own enumerable properties as a plain object.
      const withToJSON = value as { toJSON?: () => unknown };
      if (typeof withToJSON.toJSON === 'function') {
        const json = withToJSON.toJSON();
        return json === value ? prepareObject(value as Record<string, unknown>) : prepare(json);
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
    const prepared = prepare(value);
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
    entries[i++] = prepare(key);
    entries[i++] = prepare(value);
  }
  return new EncodedMap(entries);
}

function prepareSet(set: Set<unknown>): Set<unknown> {
  let copy: unknown[] | undefined;
  let index = 0;
  for (const value of set) {
    const prepared = prepare(value);
    if (copy !== undefined) copy.push(prepared);
    else if (prepared !== value) {
      copy = Array.from(set).slice(0, index);
      copy.push(prepared);
    }
    index++;
  }
  return copy === undefined ? set : new Set(copy);
}

function malformed(message: string, cause?: unknown): WeirError {
  return new WeirError(ErrorCodes.MALFORMED_FRAME, `Malformed frame: ${message}`, cause === undefined ? undefined : { cause });
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
    case 'number':
    case 'boolean':
    case 'bigint':
      return `${typeof value} ${String(value)}`;
    case 'undefined':
      return 'undefined';
    case 'object':
      return value.constructor?.name ? `a ${value.constructor.name}` : 'an object';
    default:
      return typeof value;
  }
}
