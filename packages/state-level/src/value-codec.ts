/**
 * How state values are stored: as msgpack bytes in LevelDB (msgpackr), and as private copies in the write cache.
 *
 * Bytes: standard msgpack plus msgpackr's extensions (undefined, Date, Set, typed arrays with their type, Error,
 * RegExp, bigints of any size) and two of this package's own, because msgpackr writes a `Map` like a plain object and
 * `-0` like `0`: a `Map` is written as extension {@link STORED_MAP_EXTENSION_TYPE} (its entries as a flat
 * `[key, value, key, value, ...]` array), `-0` as extension {@link STORED_NEGATIVE_ZERO_EXTENSION_TYPE}. No record
 * structures: every value decodes on its own. Numbers beyond 32 bits are written as float64 and stay numbers.
 *
 * Copies: {@link copyValue} gives what writing and reading the value back would give, without the bytes: new arrays,
 * plain objects (own enumerable properties; instances of other classes become plain objects, or their `toJSON()`),
 * `Map`s, `Set`s, `Date`s and typed arrays; primitives as they are. The cache keeps such copies, so a value behaves the
 * same whether it was last read from memory or from disk. Functions and symbols cannot be stored (`TypeError`).
 */
import { addExtension, Packr } from 'msgpackr';

/** The msgpack extension type of a `Map` in stored values. */
export const STORED_MAP_EXTENSION_TYPE = 0x59;

/** The msgpack extension type of the number `-0` in stored values. */
export const STORED_NEGATIVE_ZERO_EXTENSION_TYPE = 0x5a;

/** How deep values may nest (deeper, or cyclic, values are a `TypeError`). */
const MAX_DEPTH = 1000;

/** Stands for a `Map` while encoding; never escapes this module. */
class StoredMap {
  constructor(readonly entries: unknown[]) {}
}

/** Stands for `-0` while encoding; never escapes this module. */
class StoredNegativeZero {}
const NEGATIVE_ZERO = new StoredNegativeZero();

// msgpackr registers extensions process-wide; the classes are private to this module, so only this codec writes them.
addExtension({
  Class: StoredMap,
  type: STORED_MAP_EXTENSION_TYPE,
  write: (map: StoredMap) => map.entries,
  read: (entries: unknown) => {
    if (!Array.isArray(entries) || entries.length % 2 !== 0) throw new Error('a stored Map must hold an array of key-value pairs');
    const map = new Map<unknown, unknown>();
    for (let i = 0; i < entries.length; i += 2) map.set(entries[i], entries[i + 1]);
    return map;
  },
});
addExtension({
  Class: StoredNegativeZero,
  type: STORED_NEGATIVE_ZERO_EXTENSION_TYPE,
  write: () => 0,
  read: () => -0,
});

const packr = new Packr({
  useRecords: false,
  mapsAsObjects: true,
  moreTypes: true,
  useBigIntExtension: true,
  int64AsType: 'bigint',
  copyBuffers: true,
});

/**
 * Encodes a stored value. The result may be a view into a buffer that the next call overwrites: hand it to LevelDB
 * (which copies it) or copy it at once. Throws `TypeError` for what msgpack cannot hold (a function, a symbol, a cycle).
 */
export function encodeValue(value: unknown): Buffer {
  const simple = simpleEncoder.encode(value);
  if (simple !== undefined) return simple;
  try {
    return packr.pack(prepare(value, 0));
  } catch (error) {
    if (error instanceof TypeError) throw error;
    throw new TypeError(`Cannot store the value: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** How deep {@link SimpleEncoder} goes before leaving a value to msgpackr. */
const SIMPLE_DEPTH = 4;

/**
 * Writes the common state values (numbers, strings, booleans, null, and arrays and plain objects of those) as
 * standard msgpack straight into one reusable buffer, much cheaper than a general encoder; anything else (`-0`,
 * undefined, bigints, Maps, Sets, Dates, typed arrays, class instances, deep nesting) is left to msgpackr. msgpackr
 * decodes both to the same values.
 */
class SimpleEncoder {
  private buffer = Buffer.allocUnsafe(8192);
  private views: (Buffer | undefined)[] = [];
  private position = 0;

  /** The msgpack bytes of `value` (a shared view), or undefined when the value is not simple. */
  encode(value: unknown): Buffer | undefined {
    this.position = 0;
    if (!this.write(value, 0)) return undefined;
    const length = this.position;
    if (length > 64) return this.buffer.subarray(0, length);
    return (this.views[length] ??= this.buffer.subarray(0, length));
  }

  private room(bytes: number): boolean {
    return this.position + bytes <= this.buffer.length;
  }

  private write(value: unknown, depth: number): boolean {
    switch (typeof value) {
      case 'number':
        return this.writeNumber(value);
      case 'string':
        return this.writeString(value);
      case 'boolean':
        if (!this.room(1)) return false;
        this.buffer[this.position++] = value ? 0xc3 : 0xc2;
        return true;
      case 'object':
        if (value === null) {
          if (!this.room(1)) return false;
          this.buffer[this.position++] = 0xc0;
          return true;
        }
        if (depth >= SIMPLE_DEPTH) return false;
        if (Array.isArray(value)) return this.writeArray(value, depth + 1);
        if (value.constructor === Object) return this.writeObject(value as Record<string, unknown>, depth + 1);
        return false;
      default:
        return false;
    }
  }

  private writeNumber(value: number): boolean {
    if (!this.room(9)) return false;
    const buffer = this.buffer;
    let p = this.position;
    if (Number.isInteger(value) && value >= -2147483648 && value <= 4294967295) {
      if (value === 0 && 1 / value < 0) return false;
      if (value >= 0) {
        if (value < 128) buffer[p++] = value;
        else if (value < 256) {
          buffer[p++] = 0xcc;
          buffer[p++] = value;
        } else if (value < 65536) {
          buffer[p++] = 0xcd;
          buffer.writeUInt16BE(value, p);
          p += 2;
        } else {
          buffer[p++] = 0xce;
          buffer.writeUInt32BE(value, p);
          p += 4;
        }
      } else if (value >= -32) {
        buffer[p++] = 0xe0 | (value + 32);
      } else if (value >= -128) {
        buffer[p++] = 0xd0;
        buffer.writeInt8(value, p++);
      } else if (value >= -32768) {
        buffer[p++] = 0xd1;
        buffer.writeInt16BE(value, p);
        p += 2;
      } else {
        buffer[p++] = 0xd2;
        buffer.writeInt32BE(value, p);
        p += 4;
      }
    } else {
      buffer[p++] = 0xcb;
      buffer.writeDoubleBE(value, p);
      p += 8;
    }
    this.position = p;
    return true;
  }

  private writeString(value: string): boolean {
    const length = value.length;
    if (length < 32) {
      // ASCII fast path: a fixstr of the characters themselves.
      if (!this.room(1 + length)) return false;
      const buffer = this.buffer;
      const start = this.position;
      let i = 0;
      for (; i < length; i++) {
        const c = value.charCodeAt(i);
        if (c >= 0x80) break;
        buffer[start + 1 + i] = c;
      }
      if (i === length) {
        buffer[start] = 0xa0 | length;
        this.position = start + 1 + length;
        return true;
      }
    }
    const bytes = Buffer.byteLength(value, 'utf8');
    if (!this.room(5 + bytes)) return false;
    const buffer = this.buffer;
    let p = this.position;
    if (bytes < 32) buffer[p++] = 0xa0 | bytes;
    else if (bytes < 256) {
      buffer[p++] = 0xd9;
      buffer[p++] = bytes;
    } else if (bytes < 65536) {
      buffer[p++] = 0xda;
      buffer.writeUInt16BE(bytes, p);
      p += 2;
    } else {
      buffer[p++] = 0xdb;
      buffer.writeUInt32BE(bytes, p);
      p += 4;
    }
    this.position = p + buffer.write(value, p, 'utf8');
    return true;
  }

  private writeHeader(count: number, fix: number, sixteen: number): boolean {
    if (!this.room(5)) return false;
    const buffer = this.buffer;
    if (count < 16) buffer[this.position++] = fix | count;
    else if (count < 65536) {
      buffer[this.position++] = sixteen;
      buffer.writeUInt16BE(count, this.position);
      this.position += 2;
    } else {
      buffer[this.position++] = sixteen + 1;
      buffer.writeUInt32BE(count, this.position);
      this.position += 4;
    }
    return true;
  }

  private writeArray(array: readonly unknown[], depth: number): boolean {
    const length = array.length;
    if (!this.writeHeader(length, 0x90, 0xdc)) return false;
    for (let i = 0; i < length; i++) if (!this.write(array[i], depth)) return false;
    return true;
  }

  private writeObject(object: Record<string, unknown>, depth: number): boolean {
    let count = 0;
    for (const key in object) if (Object.prototype.hasOwnProperty.call(object, key)) count++;
    if (!this.writeHeader(count, 0x80, 0xde)) return false;
    for (const key in object) {
      if (!Object.prototype.hasOwnProperty.call(object, key)) continue;
      if (!this.writeString(key) || !this.write(object[key], depth)) return false;
    }
    return true;
  }
}

const simpleEncoder = new SimpleEncoder();

/** Decodes bytes written by {@link encodeValue}. */
export function decodeValue(bytes: Uint8Array): unknown {
  return packr.unpack(bytes);
}

/** A private copy of `value`, equal to what {@link encodeValue} then {@link decodeValue} would give. */
export function copyValue<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return copyPrimitive(value);
  if (Array.isArray(value)) return copyArray(value, 1) as T;
  return copyObject(value, 0) as T;
}

/** A copy of an array: one native `slice`, then the elements that are objects copied in place. */
function copyArray(array: readonly unknown[], depth: number): unknown[] {
  const copy = array.slice();
  for (let i = 0; i < copy.length; i++) {
    const element = copy[i];
    if (typeof element === 'object') {
      if (element !== null) copy[i] = copyObject(element, depth);
    } else if (typeof element === 'function' || typeof element === 'symbol') {
      copyPrimitive(element);
    }
  }
  return copy;
}

function copyPrimitive<T>(value: T): T {
  if (typeof value === 'function' || typeof value === 'symbol') throw new TypeError(`Cannot store a ${typeof value} in state`);
  return value;
}

function copyAt(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null) return copyPrimitive(value);
  return copyObject(value, depth);
}

function copyObject(value: object, depth: number): unknown {
  if (depth >= MAX_DEPTH) throw new TypeError(`Cannot store a value nested more than ${MAX_DEPTH} levels deep (or a cyclic one) in state`);
  const next = depth + 1;
  const constructor: unknown = value.constructor;
  if (constructor === Array) return copyArray(value as unknown[], next);
  if (constructor === Object || constructor === undefined) return copyProperties(value as Record<string, unknown>, next);
  if (value instanceof Map) {
    const copy = new Map<unknown, unknown>();
    for (const [k, v] of value as Map<unknown, unknown>) copy.set(copyAt(k, next), copyAt(v, next));
    return copy;
  }
  if (value instanceof Set) {
    const copy = new Set<unknown>();
    for (const v of value as Set<unknown>) copy.add(copyAt(v, next));
    return copy;
  }
  if (Array.isArray(value)) return (value as unknown[]).map((v) => copyAt(v, next));
  if (value instanceof Date) return new Date(value.getTime());
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof Error || value instanceof RegExp) {
    return decodeValue(encodeValue(value));
  }
  const withToJSON = value as { toJSON?: () => unknown };
  if (typeof withToJSON.toJSON === 'function') {
    const json = withToJSON.toJSON();
    if (json !== value) return copyAt(json, next);
  }
  return copyProperties(value as Record<string, unknown>, next);
}

function copyProperties(object: Record<string, unknown>, depth: number): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const key in object) {
    if (Object.prototype.hasOwnProperty.call(object, key)) copy[key] = copyAt(object[key], depth);
  }
  return copy;
}

/**
 * `value` ready for msgpackr: itself when nothing in it needs rewriting, else a copy in which every `Map` became a
 * {@link StoredMap} and every `-0` the {@link NEGATIVE_ZERO} marker. Copies only the containers on the way to a
 * rewrite.
 */
function prepare(value: unknown, depth: number): unknown {
  switch (typeof value) {
    case 'number':
      return value === 0 && 1 / value < 0 ? NEGATIVE_ZERO : value;
    case 'function':
    case 'symbol':
      throw new TypeError(`Cannot store a ${typeof value} in state`);
    case 'object': {
      if (value === null) return value;
      if (depth >= MAX_DEPTH) throw new TypeError(`Cannot store a value nested more than ${MAX_DEPTH} levels deep (or a cyclic one) in state`);
      const constructor: unknown = value.constructor;
      if (constructor === Array || Array.isArray(value)) return prepareArray(value as unknown[], depth + 1);
      if (constructor === Object || constructor === undefined) return prepareObject(value as Record<string, unknown>, depth + 1);
      if (value instanceof Map) {
        const entries = new Array<unknown>((value as Map<unknown, unknown>).size * 2);
        let i = 0;
        for (const [k, v] of value as Map<unknown, unknown>) {
          entries[i++] = prepare(k, depth + 1);
          entries[i++] = prepare(v, depth + 1);
        }
        return new StoredMap(entries);
      }
      if (value instanceof Set) return new Set(Array.from(value as Set<unknown>, (v) => prepare(v, depth + 1)));
      if (ArrayBuffer.isView(value) || value instanceof Date || value instanceof ArrayBuffer || value instanceof Error || value instanceof RegExp) {
        return value;
      }
      const withToJSON = value as { toJSON?: () => unknown };
      if (typeof withToJSON.toJSON === 'function') {
        const json = withToJSON.toJSON();
        if (json !== value) return prepare(json, depth + 1);
      }
      return prepareObject(value as Record<string, unknown>, depth + 1);
    }
    default:
      return value;
  }
}

function prepareArray(values: unknown[], depth: number): unknown[] {
  let copy: unknown[] | undefined;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    const prepared = prepare(value, depth);
    if (copy !== undefined) copy[i] = prepared;
    else if (prepared !== value) {
      copy = values.slice(0, i);
      copy[i] = prepared;
    }
  }
  return copy ?? values;
}

function prepareObject(object: Record<string, unknown>, depth: number): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  const plain = object.constructor === Object || object.constructor === undefined;
  for (const key in object) {
    if (!Object.prototype.hasOwnProperty.call(object, key)) continue;
    const value = object[key];
    const prepared = prepare(value, depth);
    if ((prepared !== value || !plain) && copy === undefined) {
      copy = {};
      for (const earlier in object) {
        if (earlier === key) break;
        if (Object.prototype.hasOwnProperty.call(object, earlier)) copy[earlier] = object[earlier];
      }
    }
    if (copy !== undefined) copy[key] = prepared;
  }
  return copy ?? (plain ? object : {});
}
