import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { copyValue, decodeValue, encodeValue } from './value-codec.js';

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

const samples: unknown[] = [
  0, 1, 127, 128, 255, 256, 65_535, 65_536, 2 ** 32 - 1, 2 ** 32, 2 ** 53, -1, -32, -33, -128, -129, -32_768, -32_769,
  -(2 ** 31), -(2 ** 31) - 1, 1.5, Number.NaN, Infinity, -Infinity, -0,
  '', 'abc', 'x'.repeat(31), 'x'.repeat(32), 'y'.repeat(300), 'ü€😀', 'ü'.repeat(40), 'z'.repeat(70_000),
  true, false, null, undefined, 10n, 1n << 70n,
  [1, 'a', [2, [3, [4, [5]]]]], [undefined, null], { a: 1, b: 'x', c: [1, 2], d: { e: null } }, { u: undefined },
  Array.from({ length: 20 }, (_, i) => i), Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i])),
  new Map<unknown, unknown>([[1, { a: new Map([['x', -0]]) }], ['k', [1]]]), new Set([1, 'a']), new Date(12_345),
  new Uint8Array([1, 2, 3]), new Float64Array([0.5]),
];

describe('value codec', () => {
  it('decodes what it encodes, keeping Maps, -0, bigints, Sets, Dates and typed arrays', () => {
    for (const value of samples) {
      const back = decodeValue(Buffer.from(encodeValue(value)));
      expect(back, String(value)).toEqual(value);
      if (typeof value === 'number') expect(Object.is(back, value), String(value)).toBe(true);
    }
  });

  it('writes standard msgpack that any msgpackr instance reads the same', () => {
    const other = new Packr({ useRecords: false, mapsAsObjects: true });
    for (const value of [0, -5, 300, 1.25, 'héllo', [1, [2, 'x']], { a: 1, b: [true, null] }]) {
      expect(other.unpack(Buffer.from(encodeValue(value)))).toEqual(value);
    }
  });

  it('copyValue gives what a round trip gives, without sharing anything', () => {
    const nested = { list: [1, { deep: [2] }], map: new Map([['k', [3]]]), point: new Point(1, 2), when: new Date(5) };
    const copy = copyValue(nested);
    expect(copy).toEqual(decodeValue(Buffer.from(encodeValue(nested))));
    expect(copy.point).not.toBeInstanceOf(Point);
    expect(copy.list).not.toBe(nested.list);
    expect(copy.list[1]).not.toBe(nested.list[1]);
    expect(copy.map.get('k')).not.toBe(nested.map.get('k'));
    expect(copy.when).not.toBe(nested.when);
    for (const value of samples) expect(copyValue(value), String(value)).toEqual(value);
  });

  it('rejects functions, symbols and cycles with a TypeError', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const bad of [() => 1, Symbol('s'), [() => 1], { f: Symbol('s') }, cyclic]) {
      expect(() => copyValue(bad)).toThrow(TypeError);
      expect(() => encodeValue(bad)).toThrow(TypeError);
    }
  });
});
