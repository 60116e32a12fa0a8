import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, WeirError } from '../errors.js';
import type { ControlElement, Frame } from './frame.js';
import { MAX_WATERMARK, MIN_WATERMARK } from './frame.js';
import { decodeFrame, encodeFrame, FRAME_FORMAT_VERSION } from './frame-codec.js';

const roundTrip = (frame: Frame): Frame => decodeFrame(encodeFrame(frame));
const frameOf = (values: unknown[], timestamps?: (number | undefined)[], control?: ControlElement): Frame => ({
  seq: 1,
  values,
  timestamps,
  control,
});

/** Encodes an arbitrary message the way a foreign or broken encoder might. */
const raw = new Packr({ useRecords: false, moreTypes: true });
const encodeRaw = (message: unknown): Uint8Array => raw.pack(message);

function expectMalformed(bytes: Uint8Array, messagePart: string | RegExp): void {
  let thrown: unknown;
  try {
    decodeFrame(bytes);
  } catch (error) {
    thrown = error;
  }
  expect(thrown, 'decodeFrame should have thrown').toBeInstanceOf(WeirError);
  expect((thrown as WeirError).code).toBe(ErrorCodes.MALFORMED_FRAME);
  expect((thrown as WeirError).message).toMatch(/^Malformed frame: /);
  expect((thrown as WeirError).message).toMatch(messagePart);
}

describe('encodeFrame / decodeFrame round trip', () => {
  const cases: [string, unknown][] = [
    ['null', null],
    ['undefined', undefined],
    ['true', true],
    ['false', false],
    ['zero', 0],
    ['negative zero', -0],
    ['small integers', [1, -1, 127, 128, -32, -33, 255, 256]],
    ['32-bit boundaries', [2 ** 31 - 1, -(2 ** 31), 2 ** 32 - 1, 2 ** 32]],
    ['integers beyond 2^32', [2 ** 32 + 1, -(2 ** 32) - 1, 2 ** 40, 2 ** 52 + 3, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]],
    ['unsafe integers', [2 ** 53 + 2, -(2 ** 60), 1e21]],
    ['floats', [0.1, -2.5, Math.PI, Number.MIN_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE, 5e-324]],
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
    ['watermark bounds', [MAX_WATERMARK, MIN_WATERMARK]],
    ['bigint zero and small', [0n, 1n, -1n, 42n]],
    ['bigint 64-bit bounds', [2n ** 63n - 1n, -(2n ** 63n), 2n ** 64n - 1n]],
    ['bigint beyond 64 bits', [2n ** 64n, -(2n ** 64n) - 1n, 2n ** 200n + 7n, -(3n ** 150n)]],
    ['empty string', ''],
    ['ascii string', 'hello'],
    ['unicode strings', ['héllo wörld', '日本語のテキスト', '🌍🚀 emoji', 'a\u0000b', '\uD83D\uDE00', 'ℌ𝔢𝔩𝔩𝔬']],
    ['long string', 'x'.repeat(100_000)],
    ['Date', new Date(Date.UTC(2024, 1, 29, 12, 34, 56, 789))],
    ['Date at whole seconds', new Date(Date.UTC(2024, 0, 1))],
    ['Date before 1970 with milliseconds', new Date(-123_456_789)],
    ['Date far in the future', new Date(Date.UTC(3000, 0, 1, 0, 0, 0, 1))],
    ['epoch Date', new Date(0)],
    ['Uint8Array', new Uint8Array([0, 1, 127, 128, 255])],
    ['empty Uint8Array', new Uint8Array(0)],
    ['Float64Array with -0', new Float64Array([1.5, -0, NaN])],
    ['Set', new Set([1, 'two', 3n, null])],
    ['empty Set', new Set()],
    ['Map with string keys', new Map([['a', 1], ['b', 2]])],
    ['Map with non-string keys', new Map<unknown, unknown>([[1, 'one'], [true, 'yes'], [null, 'nothing'], [2n, 'big'], [[1, 2], 'tuple key']])],
    ['empty Map', new Map()],
    ['nested Maps', new Map([['outer', new Map([['inner', new Map([[1, -0]])]])]])],
    ['Map with object values', new Map([['k', { a: new Map([['x', 1]]) }]])],
    ['empty object', {}],
    ['plain object', { a: 1, b: 'two', c: [3], d: { e: null } }],
    ['object with undefined property', { present: 1, missing: undefined }],
    ['object with -0 property', { zero: -0, list: [0, -0] }],
    ['object with numeric-looking keys', { '1': 'one', '01': 'zero-one', '': 'empty' }],
    ['tuples', [['word', 1], ['other', 2]]],
    ['empty array', []],
    ['deep nesting', [[[[[[[[[['deep']]]]]]]]]]],
    ['array with undefined and holes', [undefined, null, 1]],
    ['Set containing a Map', new Set([new Map([['a', 1]])])],
    [
      'object containing everything',
      {
        s: 'str',
        n: 1.25,
        big: 2n ** 70n,
        when: new Date(1_700_000_000_123),
        bytes: new Uint8Array([9, 8, 7]),
        map: new Map<unknown, unknown>([[1, { deep: [new Set(['x'])] }]]),
        set: new Set([1, 2]),
        tuple: ['a', 1, null, undefined],
        nothing: null,
        missing: undefined,
        negativeZero: -0,
        nan: NaN,
      },
    ],
  ];

  for (const [name, value] of cases) {
    it(`keeps ${name}`, () => {
      const decoded = roundTrip(frameOf([value, value]));
      expect(decoded.values).toStrictEqual([value, value]);
    });
  }

  it('keeps -0 as -0 (not 0) at every depth', () => {
    const decoded = roundTrip(frameOf([-0, [-0], { z: -0 }, new Map([['z', -0]])]));
    expect(Object.is(decoded.values[0], -0)).toBe(true);
    expect(Object.is((decoded.values[1] as number[])[0], -0)).toBe(true);
    expect(Object.is((decoded.values[2] as { z: number }).z, -0)).toBe(true);
    expect(Object.is((decoded.values[3] as Map<string, number>).get('z'), -0)).toBe(true);
  });

  it('decodes Maps as Maps, plain objects as plain objects and bigints as bigints', () => {
    const [map, object, big, large] = roundTrip(frameOf([new Map([['a', 1]]), { a: 1 }, 5n, 2 ** 40])).values;
    expect(map).toBeInstanceOf(Map);
    expect(Object.getPrototypeOf(object)).toBe(Object.prototype);
    expect(typeof big).toBe('bigint');
    expect(typeof large).toBe('number');
  });

  it('decodes a null-prototype object as a plain object with the same properties', () => {
    const [object] = roundTrip(frameOf([Object.assign(Object.create(null) as object, { a: 1, m: new Map([[1, 2]]) })])).values;
    expect(object).toStrictEqual({ a: 1, m: new Map([[1, 2]]) });
  });

  it('decodes a Buffer as a Uint8Array with the same bytes', () => {
    const [bytes] = roundTrip(frameOf([Buffer.from('héllo')])).values;
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(bytes as Uint8Array).toString()).toBe('héllo');
  });

  it('decodes binary values as copies that do not alias the input bytes', () => {
    const encoded = encodeFrame(frameOf([new Uint8Array([1, 2, 3])]));
    const [bytes] = decodeFrame(encoded).values as Uint8Array[];
    encoded.fill(0);
    expect([...bytes]).toEqual([1, 2, 3]);
  });

  it('does not modify the frame it encodes', () => {
    const map = new Map([['a', -0]]);
    const values = [map, { m: map }, -0];
    encodeFrame(frameOf(values));
    expect(values[0]).toBe(map);
    expect((values[1] as { m: unknown }).m).toBe(map);
    expect(Object.is(map.get('a'), -0)).toBe(true);
  });

  it('keeps an empty frame', () => {
    expect(roundTrip({ seq: 1, values: [], timestamps: undefined, control: undefined })).toStrictEqual({
      seq: 1,
      values: [],
      timestamps: undefined,
      control: undefined,
    });
  });

  it('keeps large sequence numbers', () => {
    for (const seq of [1, 2 ** 31, 2 ** 32 + 5, Number.MAX_SAFE_INTEGER]) {
      expect(roundTrip({ seq, values: [], timestamps: undefined, control: undefined }).seq).toBe(seq);
    }
  });

  it('keeps timestamps, including missing ones', () => {
    const timestamps = [0, undefined, 1_700_000_000_000, -5, undefined, MAX_WATERMARK, 1.5];
    const frame = frameOf(['a', 'b', 'c', 'd', 'e', 'f', 'g'], timestamps);
    expect(roundTrip(frame)).toStrictEqual(frame);
  });

  it('keeps a frame whose timestamps are all missing', () => {
    const frame = frameOf(['a', 'b'], [undefined, undefined]);
    expect(roundTrip(frame).timestamps).toStrictEqual([undefined, undefined]);
  });

  const controls: ControlElement[] = [
    { kind: 'watermark', timestamp: 1_700_000_000_000 },
    { kind: 'watermark', timestamp: MAX_WATERMARK },
    { kind: 'watermark', timestamp: MIN_WATERMARK },
    { kind: 'watermark-status', idle: true },
    { kind: 'watermark-status', idle: false },
    { kind: 'barrier', checkpointId: 1, timestamp: 1_700_000_000_001, savepoint: false },
    { kind: 'barrier', checkpointId: 2 ** 40, timestamp: 0, savepoint: true },
    { kind: 'end-of-input' },
  ];
  for (const control of controls) {
    it(`keeps a ${control.kind} control element ${JSON.stringify(control)}`, () => {
      const withRecords = { seq: 7, values: [1, 'two'], timestamps: [10, undefined], control };
      expect(roundTrip(withRecords)).toStrictEqual(withRecords);
      const alone = { seq: 8, values: [], timestamps: undefined, control };
      expect(roundTrip(alone)).toStrictEqual(alone);
    });
  }

  it('keeps a full frame of 1000 records', () => {
    const frame: Frame = {
      seq: 123_456,
      values: Array.from({ length: 1000 }, (_, i) => ({ word: `w${i}`, count: i, ratio: i / 7 })),
      timestamps: Array.from({ length: 1000 }, (_, i) => (i % 10 === 0 ? undefined : 1_700_000_000_000 + i)),
      control: { kind: 'watermark', timestamp: 1_700_000_000_999 },
    };
    expect(roundTrip(frame)).toStrictEqual(frame);
  });

  it('decodes frames independently of each other and of the encoder', () => {
    const a = encodeFrame(frameOf([{ x: 1, y: 2 }]));
    const b = encodeFrame(frameOf([{ x: 3, y: 4 }]));
    expect(decodeFrame(b).values).toEqual([{ x: 3, y: 4 }]);
    expect(decodeFrame(a).values).toEqual([{ x: 1, y: 2 }]);
  });

  it('throws a TypeError naming the frame for a value msgpack cannot encode', () => {
    expect(() => encodeFrame({ seq: 3, values: [Symbol('x')], timestamps: undefined, control: undefined })).toThrow(
      /Cannot encode frame 3/,
    );
  });
});

describe('decodeFrame rejects malformed input', () => {
  const valid = encodeFrame({
    seq: 5,
    values: ['a', { b: 1 }, new Map([[1, 2]])],
    timestamps: [1, undefined, 3],
    control: { kind: 'barrier', checkpointId: 1, timestamp: 2, savepoint: false },
  });

  it('rejects empty input', () => {
    expectMalformed(new Uint8Array(0), /not valid msgpack \(0 bytes\)/);
  });

  it('rejects every truncation of a valid frame', () => {
    for (let length = 0; length < valid.length; length++) {
      expect(() => decodeFrame(valid.subarray(0, length)), `truncated to ${length} bytes`).toThrow(WeirError);
      try {
        decodeFrame(valid.subarray(0, length));
      } catch (error) {
        expect((error as WeirError).code).toBe(ErrorCodes.MALFORMED_FRAME);
      }
    }
  });

  it('rejects trailing bytes', () => {
    const longer = new Uint8Array(valid.length + 1);
    longer.set(valid);
    expectMalformed(longer, /not valid msgpack/);
  });

  it('rejects random bytes, never returning a frame that does not hold', () => {
    let seed = 12345;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let round = 0; round < 2000; round++) {
      const bytes = new Uint8Array(1 + (random() % 64));
      for (let i = 0; i < bytes.length; i++) bytes[i] = random() & 0xff;
      let frame: Frame | undefined;
      try {
        frame = decodeFrame(bytes);
      } catch (error) {
        expect(error).toBeInstanceOf(WeirError);
        expect((error as WeirError).code).toBe(ErrorCodes.MALFORMED_FRAME);
        continue;
      }
      // Random bytes that happen to form a frame must still form a valid one.
      expect(Number.isSafeInteger(frame.seq) && frame.seq >= 1).toBe(true);
      expect(Array.isArray(frame.values)).toBe(true);
    }
  });

  it('rejects corrupted bytes of a valid frame', () => {
    for (let i = 0; i < valid.length; i++) {
      const corrupted = new Uint8Array(valid);
      corrupted[i] = corrupted[i] ^ 0xff;
      try {
        const frame = decodeFrame(corrupted);
        expect(Number.isSafeInteger(frame.seq) && frame.seq >= 1).toBe(true);
      } catch (error) {
        expect((error as WeirError).code).toBe(ErrorCodes.MALFORMED_FRAME);
      }
    }
  });

  it('rejects a non-array message', () => {
    expectMalformed(encodeRaw({ seq: 1, values: [] }), /expected an array of 5 fields, got a Object/);
    expectMalformed(encodeRaw('frame'), /expected an array of 5 fields, got "frame"/);
    expectMalformed(encodeRaw(null), /expected an array of 5 fields, got null/);
  });

  it('rejects an unknown format version', () => {
    expectMalformed(encodeRaw([2, 1, [], undefined, undefined]), /unsupported format version number 2 \(expected 1\)/);
    expectMalformed(encodeRaw([0, 1, [], undefined, undefined]), /unsupported format version number 0/);
    expectMalformed(encodeRaw(['1', 1, [], undefined, undefined]), /unsupported format version "1"/);
    expectMalformed(encodeRaw([]), /unsupported format version undefined/);
  });

  it('rejects a wrong number of fields', () => {
    expectMalformed(encodeRaw([FRAME_FORMAT_VERSION, 1, []]), /expected an array of 5 fields, got 3/);
    expectMalformed(encodeRaw([FRAME_FORMAT_VERSION, 1, [], undefined, undefined, 'extra']), /got 6/);
  });

  it('rejects a bad sequence number', () => {
    for (const [seq, shown] of [
      [0, 'number 0'],
      [-1, 'number -1'],
      [1.5, 'number 1.5'],
      [NaN, 'number NaN'],
      [2 ** 53, `number ${2 ** 53}`],
      ['1', '"1"'],
      [null, 'null'],
      [undefined, 'undefined'],
      [1n, 'bigint 1'],
    ] as const) {
      expectMalformed(encodeRaw([FRAME_FORMAT_VERSION, seq, [], undefined, undefined]), `seq must be a positive integer, got ${shown}`);
    }
  });

  it('rejects values that are not an array', () => {
    expectMalformed(encodeRaw([FRAME_FORMAT_VERSION, 4, { 0: 'a' }, undefined, undefined]), /frame 4: values must be an array, got a Object/);
    expectMalformed(encodeRaw([FRAME_FORMAT_VERSION, 4, undefined, undefined, undefined]), /values must be an array, got undefined/);
    expectMalformed(encodeRaw([FRAME_FORMAT_VERSION, 4, 'abc', undefined, undefined]), /values must be an array, got "abc"/);
  });

  it('rejects timestamps of the wrong shape', () => {
    const withTimestamps = (timestamps: unknown): Uint8Array =>
      encodeRaw([FRAME_FORMAT_VERSION, 9, ['a', 'b'], timestamps, undefined]);
    expectMalformed(withTimestamps([1]), /frame 9: 1 timestamps for 2 values/);
    expectMalformed(withTimestamps([1, 2, 3]), /3 timestamps for 2 values/);
    expectMalformed(withTimestamps([1, '2']), /timestamp 1 must be a number or undefined, got "2"/);
    expectMalformed(withTimestamps([null, 2]), /timestamp 0 must be a number or undefined, got null/);
    expectMalformed(withTimestamps([1, 2n]), /timestamp 1 must be a number or undefined, got bigint 2/);
    expectMalformed(withTimestamps(null), /timestamps must be an array or undefined, got null/);
    expectMalformed(withTimestamps(5), /timestamps must be an array or undefined, got number 5/);
  });

  it('rejects control elements of the wrong shape', () => {
    const withControl = (control: unknown): Uint8Array => encodeRaw([FRAME_FORMAT_VERSION, 2, [], undefined, control]);
    expectMalformed(withControl({ kind: 'end-of-input' }), /frame 2: control must be a non-empty array or undefined, got a Object/);
    expectMalformed(withControl(null), /control must be a non-empty array or undefined, got null/);
    expectMalformed(withControl([]), /control must be a non-empty array or undefined, got an array of 0/);
    expectMalformed(withControl([9]), /unknown control element kind number 9/);
    expectMalformed(withControl(['watermark', 1]), /unknown control element kind "watermark"/);
    expectMalformed(withControl([0]), /watermark control element must have 2 fields, got 1/);
    expectMalformed(withControl([0, '5']), /watermark timestamp must be a number, got "5"/);
    expectMalformed(withControl([0, NaN]), /watermark timestamp must be a number, got number NaN/);
    expectMalformed(withControl([1, 1]), /watermark-status idle must be a boolean, got number 1/);
    expectMalformed(withControl([1, true, false]), /watermark-status control element must have 2 fields, got 3/);
    expectMalformed(withControl([2, 1, 2]), /barrier control element must have 4 fields, got 3/);
    expectMalformed(withControl([2, 1.5, 2, false]), /barrier checkpointId must be an integer, got 1.5/);
    expectMalformed(withControl([2, 1, 2, 'no']), /barrier savepoint must be a boolean, got "no"/);
    expectMalformed(withControl([2, 1, null, true]), /barrier timestamp must be a number, got null/);
    expectMalformed(withControl([3, 'extra']), /end-of-input control element must have 1 fields, got 2/);
  });

  it('rejects a malformed Map extension', () => {
    // [1, 1, [<Map extension 0x57 holding [1]>], undefined, undefined]: a Map needs an even-length key-value array.
    const undefinedValue = [0xd4, 0x00, 0x00];
    const bytes = Uint8Array.from([0x95, 0x01, 0x01, 0x91, 0xd4, 0x57, 0x00, 0x91, 0x01, ...undefinedValue, ...undefinedValue]);
    expectMalformed(bytes, /a Map extension must hold an array of key-value pairs/);
    const good = Uint8Array.from([0x95, 0x01, 0x01, 0x91, 0xd4, 0x57, 0x00, 0x92, 0x01, 0x02, ...undefinedValue, ...undefinedValue]);
    expect(decodeFrame(good).values).toStrictEqual([new Map([[1, 2]])]);
  });
});
