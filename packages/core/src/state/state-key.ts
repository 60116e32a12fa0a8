/**
 * Checks and describes the keys that state is stored under (record keys, map-state keys): strings, numbers, bigints,
 * booleans and arrays (tuples) of those, as `keyBy` accepts them.
 */
import { keyIdentity, type Key } from '../keys/key-group.js';

/** The deepest nesting of arrays accepted in a key. */
const MAX_KEY_DEPTH = 32;

/** Whether `value` is a valid key: a string, number, bigint, boolean or an array of valid keys. */
export function isKey(value: unknown): value is Key {
  return isKeyAtDepth(value, 0);
}

function isKeyAtDepth(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'bigint':
    case 'boolean':
      return true;
    case 'object':
      if (!Array.isArray(value) || depth >= MAX_KEY_DEPTH) return false;
      for (const part of value) if (!isKeyAtDepth(part, depth + 1)) return false;
      return true;
    default:
      return false;
  }
}

/** A short, human-readable rendering of any value for error messages (never throws). */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return value.toString();
  try {
    const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
    if (text === undefined) return Object.prototype.toString.call(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** A key's identity as a JavaScript `Map` key: equal for equal keys (see `keyIdentity` in `keys/key-group.ts`). */
export type KeyIdentity = ReturnType<typeof keyIdentity>;

/**
 * The identity of a map-state key, checking its type: `TypeError` (naming the state) for anything but a string,
 * number, bigint, boolean or an array of those.
 */
export function mapKeyIdentity(key: unknown, stateName: string): KeyIdentity {
  switch (typeof key) {
    case 'string':
    case 'number':
    case 'bigint':
    case 'boolean':
      return key;
    default:
      if (Array.isArray(key) && isKey(key)) return keyIdentity(key);
      throw new TypeError(
        `MapState "${stateName}": a map key must be a string, number, bigint, boolean or an array of those; got ${describeValue(key)}`,
      );
  }
}

/** Throws a `TypeError` when `value` is undefined (state never stores undefined: it means "no value"). */
export function checkStateValue(value: unknown, stateName: string, operation: string): void {
  if (value === undefined) {
    throw new TypeError(`State "${stateName}": ${operation} does not accept undefined (undefined means "no value" and is never stored)`);
  }
}
