/**
 * The binary LevelDB key of one `(state, key, namespace)`:
 * ```
 * [key group: uint16 BE][state id: uint16 BE][encoded key][namespace: UTF-8, the rest of the bytes]
 * ```
 * so that a key group, or one state in a key group, is a prefix: a range scan. The encoded key is self-delimiting:
 * a tag byte, then `1` number (float64 BE), `2` string (uint32 BE byte length, UTF-8), `3` bigint (uint32 BE length,
 * decimal ASCII), `4` false, `5` true, `6` tuple (uint32 BE element count, then the elements). Equal keys (as keyed
 * state compares them) have equal bytes, except that `-0` and `0` differ (`keyBy` puts them in different key groups
 * anyway).
 */
import type { Key } from '@weir/core';

/** The bytes before the encoded key: key group and state id. */
export const STORED_KEY_PREFIX_LENGTH = 4;

/** The largest state id (state ids are two bytes). */
export const MAX_STATE_ID = 0xffff;

/** The longest key for which {@link StoredKeyWriter} keeps a view. */
const MAX_SHARED_VIEW = 64;

const TAG_NUMBER = 1;
const TAG_STRING = 2;
const TAG_BIGINT = 3;
const TAG_FALSE = 4;
const TAG_TRUE = 5;
const TAG_TUPLE = 6;

/** A decoded stored key. */
export interface DecodedStoredKey {
  readonly keyGroup: number;
  readonly stateId: number;
  readonly key: Key;
  readonly namespace: string;
}

/**
 * Writes stored keys into one reusable buffer: {@link write} returns a view that is valid until the next call (LevelDB
 * copies keys when they are handed to it), {@link copy} a buffer of its own.
 */
export class StoredKeyWriter {
  private buffer = Buffer.allocUnsafe(256);
  private length = 0;
  /** Views of the buffer's first bytes by length (keys of one state tend to have one length: no view per key). */
  private views: (Buffer | undefined)[] = [];

  /** The stored key of `key` in `namespace` of state `stateId` in `keyGroup`, as a view into the shared buffer. */
  write(keyGroup: number, stateId: number, key: Key, namespace: string): Buffer {
    this.length = 0;
    this.ensure(STORED_KEY_PREFIX_LENGTH + 9 + namespace.length * 3);
    const buffer = this.buffer;
    buffer[0] = keyGroup >>> 8;
    buffer[1] = keyGroup & 0xff;
    buffer[2] = stateId >>> 8;
    buffer[3] = stateId & 0xff;
    this.length = STORED_KEY_PREFIX_LENGTH;
    this.writeKey(key, 0);
    if (namespace.length > 0) {
      this.ensure(namespace.length * 3);
      this.length += this.buffer.write(namespace, this.length, 'utf8');
    }
    const length = this.length;
    if (length > MAX_SHARED_VIEW) return this.buffer.subarray(0, length);
    return (this.views[length] ??= this.buffer.subarray(0, length));
  }

  /** Same as {@link write}, in a buffer of its own. */
  copy(keyGroup: number, stateId: number, key: Key, namespace: string): Buffer {
    return Buffer.from(this.write(keyGroup, stateId, key, namespace));
  }

  private ensure(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(needed, this.buffer.length * 2));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
    this.views = [];
  }

  private writeKey(key: Key, depth: number): void {
    switch (typeof key) {
      case 'number':
        this.ensure(9);
        this.buffer[this.length] = TAG_NUMBER;
        this.buffer.writeDoubleBE(key, this.length + 1);
        this.length += 9;
        return;
      case 'string':
        this.ensure(5 + key.length * 3);
        this.buffer[this.length] = TAG_STRING;
        {
          const written = this.buffer.write(key, this.length + 5, 'utf8');
          this.buffer.writeUInt32BE(written, this.length + 1);
          this.length += 5 + written;
        }
        return;
      case 'bigint': {
        const digits = key.toString();
        this.ensure(5 + digits.length);
        this.buffer[this.length] = TAG_BIGINT;
        this.buffer.writeUInt32BE(digits.length, this.length + 1);
        this.buffer.write(digits, this.length + 5, 'latin1');
        this.length += 5 + digits.length;
        return;
      }
      case 'boolean':
        this.ensure(1);
        this.buffer[this.length++] = key ? TAG_TRUE : TAG_FALSE;
        return;
      default: {
        if (!Array.isArray(key) || depth > 32) throw new TypeError('A state key must be a string, number, bigint, boolean or an array of those');
        const parts = key as readonly Key[];
        this.ensure(5);
        this.buffer[this.length] = TAG_TUPLE;
        this.buffer.writeUInt32BE(parts.length, this.length + 1);
        this.length += 5;
        for (const part of parts) this.writeKey(part, depth + 1);
      }
    }
  }
}

/** The first stored key of state `stateId` in `keyGroup` (and, with `stateId` 0, of the key group). */
export function storedKeyPrefix(keyGroup: number, stateId = 0): Buffer {
  const prefix = Buffer.allocUnsafe(STORED_KEY_PREFIX_LENGTH);
  prefix.writeUInt16BE(keyGroup, 0);
  prefix.writeUInt16BE(stateId, 2);
  return prefix;
}

/** The key group of a stored key. */
export function keyGroupOfStoredKey(bytes: Uint8Array): number {
  return (bytes[0] << 8) | bytes[1];
}

/** The state id of a stored key. */
export function stateIdOfStoredKey(bytes: Uint8Array): number {
  return (bytes[2] << 8) | bytes[3];
}

/** Decodes a stored key; throws `TypeError` for bytes that are not one. */
export function decodeStoredKey(bytes: Uint8Array): DecodedStoredKey {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < STORED_KEY_PREFIX_LENGTH + 1) throw new TypeError(`Not a stored state key: ${buffer.length} bytes`);
  const reader = { buffer, offset: STORED_KEY_PREFIX_LENGTH };
  const key = readKey(reader, 0);
  return {
    keyGroup: keyGroupOfStoredKey(buffer),
    stateId: stateIdOfStoredKey(buffer),
    key,
    namespace: reader.offset === buffer.length ? '' : buffer.toString('utf8', reader.offset),
  };
}

function readKey(reader: { buffer: Buffer; offset: number }, depth: number): Key {
  const { buffer } = reader;
  const need = (bytes: number): void => {
    if (reader.offset + bytes > buffer.length) throw new TypeError('Not a stored state key: truncated');
  };
  need(1);
  const tag = buffer[reader.offset++];
  switch (tag) {
    case TAG_NUMBER: {
      need(8);
      const value = buffer.readDoubleBE(reader.offset);
      reader.offset += 8;
      return value;
    }
    case TAG_STRING:
    case TAG_BIGINT: {
      need(4);
      const length = buffer.readUInt32BE(reader.offset);
      reader.offset += 4;
      need(length);
      const text = buffer.toString(tag === TAG_STRING ? 'utf8' : 'latin1', reader.offset, reader.offset + length);
      reader.offset += length;
      return tag === TAG_STRING ? text : BigInt(text);
    }
    case TAG_FALSE:
      return false;
    case TAG_TRUE:
      return true;
    case TAG_TUPLE: {
      need(4);
      if (depth > 32) throw new TypeError('Not a stored state key: nested too deeply');
      const count = buffer.readUInt32BE(reader.offset);
      reader.offset += 4;
      const parts: Key[] = [];
      for (let i = 0; i < count; i++) parts.push(readKey(reader, depth + 1));
      return parts;
    }
    default:
      throw new TypeError(`Not a stored state key: unknown tag ${tag}`);
  }
}
