/**
 * Key groups: the unit in which keyed state is partitioned, stored and redistributed (semantics.md, "Keys and
 * rescaling"). `keyGroup = murmurHash(stableHash(key)) % maxParallelism`,
 * `subtask = floor(keyGroup * parallelism / maxParallelism)`. The hash is stable across processes and versions;
 * for string keys it equals Java's `String.hashCode`, so string keys land in the same key groups as in Flink.
 */

/** A key as `keyBy` accepts it. */
export type Key = string | number | bigint | boolean | readonly Key[];

/** The upper bound of max parallelism (2^15), as in Flink. */
export const UPPER_BOUND_MAX_PARALLELISM = 32768;

/** The default max parallelism for an operator of parallelism `p`: `min(max(roundUpPow2(p + p/2), 128), 32768)`. */
export function computeDefaultMaxParallelism(parallelism: number): number {
  const target = parallelism + Math.floor(parallelism / 2);
  return Math.min(Math.max(roundUpToPowerOfTwo(target), 128), UPPER_BOUND_MAX_PARALLELISM);
}

function roundUpToPowerOfTwo(x: number): number {
  let p = 1;
  while (p < x) p *= 2;
  return p;
}

/** Flink's `MathUtils.murmurHash(int)`: one murmur3 round plus finalization, made non-negative. */
export function murmurHash(code: number): number {
  let h = Math.imul(code | 0, 0xcc9e2d51);
  h = (h << 15) | (h >>> 17);
  h = Math.imul(h, 0x1b873593);
  h = (h << 13) | (h >>> 19);
  h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  h ^= 4;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  if (h >= 0) return h;
  return h === -2147483648 ? 0 : -h;
}

/** A 32-bit hash of a key that is the same in every process and version (Java's hashCode where one applies). */
export function stableHash(key: Key): number {
  switch (typeof key) {
    case 'string': {
      let h = 0;
      for (let i = 0; i < key.length; i++) h = (Math.imul(h, 31) + key.charCodeAt(i)) | 0;
      return h;
    }
    case 'number':
      if ((key | 0) === key && !Object.is(key, -0)) return key;
      if (Number.isSafeInteger(key)) return longHash(BigInt(key));
      return doubleHash(key);
    case 'bigint':
      return longHash(key);
    case 'boolean':
      return key ? 1231 : 1237;
    default: {
      if (!Array.isArray(key)) throw new TypeError(`A key must be a string, number, bigint, boolean or an array of those; got ${describeKeyType(key)}`);
      let h = 1;
      for (const part of key as readonly Key[]) h = (Math.imul(h, 31) + stableHash(part)) | 0;
      return h;
    }
  }
}

function longHash(value: bigint): number {
  const v = BigInt.asIntN(64, value);
  if (v !== value) return stableHash(value.toString());
  const unsigned = BigInt.asUintN(64, v);
  return Number(BigInt.asIntN(32, unsigned ^ (unsigned >> 32n)));
}

const doubleView = new DataView(new ArrayBuffer(8));

function doubleHash(value: number): number {
  doubleView.setFloat64(0, Number.isNaN(value) ? Number.NaN : value);
  return (doubleView.getInt32(0) ^ doubleView.getInt32(4)) | 0;
}

function describeKeyType(key: unknown): string {
  if (key === null) return 'null';
  if (key === undefined) return 'undefined';
  return typeof key === 'object' ? (key.constructor?.name ?? 'object') : typeof key;
}

/** The key group of `key` for an operator with `maxParallelism` key groups. */
export function assignToKeyGroup(key: Key, maxParallelism: number): number {
  return murmurHash(stableHash(key)) % maxParallelism;
}

/** The subtask that owns `keyGroup` when `maxParallelism` key groups are spread over `parallelism` subtasks. */
export function computeOperatorIndexForKeyGroup(maxParallelism: number, parallelism: number, keyGroup: number): number {
  return Math.floor((keyGroup * parallelism) / maxParallelism);
}

/** The subtask that owns `key`. */
export function assignKeyToParallelOperator(key: Key, maxParallelism: number, parallelism: number): number {
  return computeOperatorIndexForKeyGroup(maxParallelism, parallelism, assignToKeyGroup(key, maxParallelism));
}

/** The range of key groups `[start, end]` (inclusive) owned by a subtask. */
export function keyGroupRangeForSubtask(maxParallelism: number, parallelism: number, subtask: number): { start: number; end: number } {
  const start = Math.floor((subtask * maxParallelism + parallelism - 1) / parallelism);
  const end = Math.floor(((subtask + 1) * maxParallelism - 1) / parallelism);
  return { start, end };
}

/** Checks a key's type: keys must be string, number, bigint, boolean or arrays of those (TypeError otherwise). */
export function checkKey(key: unknown, operatorName: string): Key {
  const t = typeof key;
  if (t === 'string' || t === 'number' || t === 'bigint' || t === 'boolean') return key as Key;
  if (Array.isArray(key)) {
    for (const part of key) checkKey(part, operatorName);
    return key as Key;
  }
  throw new TypeError(
    `The key selector of "${operatorName}" returned ${describeKeyType(key)}; a key must be a string, number, bigint, boolean or an array of those`,
  );
}

/** A value usable as a JavaScript `Map` key that is equal for equal keys (arrays become a canonical string). */
export function keyIdentity(key: Key): string | number | bigint | boolean {
  if (!Array.isArray(key)) return key as string | number | bigint | boolean;
  return `\u0000${canonical(key)}`;
}

function canonical(key: Key): string {
  if (Array.isArray(key)) return `[${(key as readonly Key[]).map(canonical).join(',')}]`;
  switch (typeof key) {
    case 'string':
      return JSON.stringify(key);
    case 'bigint':
      return `${key}n`;
    default:
      return String(key);
  }
}
