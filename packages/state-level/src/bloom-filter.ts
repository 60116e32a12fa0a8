/**
 * An in-memory Bloom filter of the `(state, key, namespace)` triples written to LevelDB, so that a cache miss on a
 * key that was never written (every new key of a stream) is answered without a LevelDB read. A backend's database
 * starts empty and only this backend writes it, so the filter sees every key on disk: "not in the filter" means "not
 * on disk". Deleted keys stay in the filter (a later read finds nothing on disk, which is correct, only slower).
 *
 * It grows as a scalable Bloom filter: segments of four times the capacity of the one before, at 10 bits per key
 * (about 1% false positives each), looked up together; the probes of a key fall into one 64-byte block (one cache
 * line). Memory is bounded by `maxBits` (default 512 Mi bits, 64 MiB): at the bound the last segment takes every
 * further key, so its false-positive rate rises, which costs reads but never correctness.
 */

/** Bits per key of each segment (with 7 probes in one 512-bit block, about 1% false positives at capacity). */
const BITS_PER_KEY = 10;
const PROBES = 7;
/** Each key's probes fall into one block of 16 words (64 bytes, one cache line): one memory access per lookup. */
const BLOCK_WORDS = 16;
/** Each new segment holds this many times the keys of the one before (fewer segments to look through). */
const GROWTH = 4;

interface Segment {
  readonly words: Int32Array;
  /** The number of blocks minus one (a power of two minus one). */
  readonly blockMask: number;
  readonly capacity: number;
  count: number;
}

/** A scalable, cache-line-blocked Bloom filter over 32-bit hashes (see {@link hashStoredKey}). */
export class BloomFilter {
  private readonly segments: Segment[] = [];
  private totalBits = 0;

  /** A filter whose first segment holds `initialCapacity` keys, growing up to about `maxBits` bits in all. */
  constructor(
    private readonly initialCapacity = 1 << 16,
    private readonly maxBits = 1 << 29,
  ) {
    this.addSegment(initialCapacity);
  }

  /** The number of keys added (with repetitions). */
  get count(): number {
    let count = 0;
    for (const segment of this.segments) count += segment.count;
    return count;
  }

  /** Bytes of memory the filter holds. */
  get byteSize(): number {
    return this.totalBits / 8;
  }

  /** Adds a key by its hash. */
  add(hash: number): void {
    let segment = this.segments[this.segments.length - 1];
    if (segment.count >= segment.capacity && this.totalBits + bitsFor(segment.capacity * GROWTH) <= this.maxBits) {
      segment = this.addSegment(segment.capacity * GROWTH);
    }
    segment.count++;
    const words = segment.words;
    const base = (hash & segment.blockMask) * BLOCK_WORDS;
    let bits = secondHash(hash);
    for (let i = 0; i < PROBES; i++) {
      // 9 bits of the second hash per probe: a word of the block and a bit in it.
      words[base + ((bits >>> 5) & 15)] |= 1 << (bits & 31);
      bits = (bits >>> 9) | (bits << 23);
    }
  }

  /** False when the key of `hash` was certainly never added. */
  mightContain(hash: number): boolean {
    const second = secondHash(hash);
    const segments = this.segments;
    for (let s = segments.length - 1; s >= 0; s--) {
      const { words, blockMask } = segments[s];
      const base = (hash & blockMask) * BLOCK_WORDS;
      let bits = second;
      let found = true;
      for (let i = 0; i < PROBES; i++) {
        if ((words[base + ((bits >>> 5) & 15)] & (1 << (bits & 31))) === 0) {
          found = false;
          break;
        }
        bits = (bits >>> 9) | (bits << 23);
      }
      if (found) return true;
    }
    return false;
  }

  /** Forgets every key. */
  clear(): void {
    this.segments.length = 0;
    this.totalBits = 0;
    this.addSegment(this.initialCapacity);
  }

  private addSegment(capacity: number): Segment {
    const bits = bitsFor(capacity);
    const blocks = bits / (BLOCK_WORDS * 32);
    const segment: Segment = { words: new Int32Array(bits / 32), blockMask: blocks - 1, capacity, count: 0 };
    this.segments.push(segment);
    this.totalBits += bits;
    return segment;
  }
}

/** The bits of a segment for `capacity` keys: a power of two of at least one block. */
function bitsFor(capacity: number): number {
  let bits = BLOCK_WORDS * 32;
  while (bits < capacity * BITS_PER_KEY) bits *= 2;
  return bits;
}

/** Independent bits for the probes inside a block. */
function secondHash(hash: number): number {
  return finalMix(hash ^ 0x5bd1e995);
}

/** murmur3's finalizer: spreads every input bit over the output. */
function finalMix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

const doubles = new Float64Array(1);
const doubleWords = new Int32Array(doubles.buffer);

/**
 * A 32-bit hash of `(state id, key identity, namespace)`: the same for equal keys as the cache compares them (a key's
 * identity: strings, numbers, bigints and booleans as they are, tuples as their canonical string).
 */
export function hashStoredKey(stateId: number, identity: string | number | bigint | boolean, namespace: string): number {
  let h = Math.imul(stateId + 0x9e3779b9, 0x01000193);
  switch (typeof identity) {
    case 'number':
      if ((identity | 0) === identity) {
        h = mix(h, identity | 0);
      } else {
        doubles[0] = identity;
        h = mix(mix(h, doubleWords[0]), doubleWords[1]);
      }
      break;
    case 'string':
      h = mixString(mix(h, 2), identity);
      break;
    case 'bigint':
      h = mixString(mix(h, 3), identity.toString());
      break;
    default:
      h = mix(h, identity ? 5 : 4);
  }
  if (namespace.length > 0) h = mixString(mix(h, 7), namespace);
  return finalMix(h);
}

function mix(h: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  h ^= Math.imul(k, 0x1b873593);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function mixString(h: number, text: string): number {
  const length = text.length;
  let i = 0;
  for (; i + 1 < length; i += 2) h = mix(h, text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16));
  if (i < length) h = mix(h, text.charCodeAt(i));
  return mix(h, length);
}
