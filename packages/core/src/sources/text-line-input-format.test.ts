import { describe, expect, it } from 'vitest';
import { TextLineInputFormat } from './text-line-input-format.js';

/** Decodes `bytes` fed in chunks of `chunkSize` bytes; returns the lines and the offset after each. */
function decode(format: TextLineInputFormat, bytes: Uint8Array, chunkSize: number, startOffset = 0): [string, number][] {
  const decoder = format.createDecoder(startOffset);
  const out: [string, number][] = [];
  const emit = (line: string, next: number): void => {
    out.push([line, next]);
  };
  for (let i = 0; i < bytes.length; i += chunkSize) decoder.decode(Buffer.from(bytes.subarray(i, i + chunkSize)), emit);
  decoder.finish(emit);
  return out;
}

describe('TextLineInputFormat', () => {
  const format = new TextLineInputFormat();

  it('splits lines at \\n and \\r\\n and reports the offset after each', () => {
    const bytes = Buffer.from('ab\r\ncd\n\nlast');
    expect(decode(format, bytes, 1024)).toEqual([
      ['ab', 4],
      ['cd', 7],
      ['', 8],
      ['last', 12],
    ]);
  });

  it('gives the same lines however the bytes are chunked, including multi-byte characters', () => {
    const text = 'héllo wörld\r\n€uro 😀 emoji\n日本語のテキスト\r\n\r\nend €';
    const bytes = Buffer.from(text);
    const expected = decode(format, bytes, bytes.length);
    expect(expected.map(([line]) => line)).toEqual(['héllo wörld', '€uro 😀 emoji', '日本語のテキスト', '', 'end €']);
    expect(expected.at(-1)?.[1]).toBe(bytes.length);
    for (let chunkSize = 1; chunkSize <= 8; chunkSize++) expect(decode(format, bytes, chunkSize)).toEqual(expected);
  });

  it('keeps a lone \\r inside a line and drops a \\r before the end of the file', () => {
    expect(decode(format, Buffer.from('a\rb\nc\r'), 2)).toEqual([
      ['a\rb', 4],
      ['c', 6],
    ]);
  });

  it('emits nothing for an empty file and no empty last line after a final newline', () => {
    expect(decode(format, Buffer.alloc(0), 4)).toEqual([]);
    expect(decode(format, Buffer.from('x\n'), 4)).toEqual([['x', 2]]);
  });

  it('drops a UTF-8 byte order mark at the start of the file only', () => {
    const bytes = Buffer.from('\uFEFFfirst\n\uFEFFsecond\n');
    expect(decode(format, bytes, 2).map(([line]) => line)).toEqual(['first', '\uFEFFsecond']);
    expect(decode(format, bytes, 2)[0]?.[1]).toBe(9);
  });

  it('counts offsets from the start offset of a resumed decoder', () => {
    expect(decode(format, Buffer.from('c\nd'), 1, 100)).toEqual([
      ['c', 102],
      ['d', 103],
    ]);
  });

  it('decodes other ASCII-compatible charsets', () => {
    const latin = new TextLineInputFormat('latin1');
    expect(latin.charset).toBe('windows-1252');
    expect(decode(latin, Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a, 0xfc]), 3)).toEqual([
      ['café', 5],
      ['ü', 6],
    ]);
    // Shift_JIS: two-byte characters split across chunks.
    const sjis = new TextLineInputFormat('shift_jis');
    expect(decode(sjis, Buffer.from([0x82, 0xa0, 0x82, 0xa2, 0x0d, 0x0a, 0x41]), 1)).toEqual([
      ['あい', 6],
      ['A', 7],
    ]);
  });

  it('rejects unknown charsets and UTF-16', () => {
    expect(() => new TextLineInputFormat('no-such-charset')).toThrow(TypeError);
    expect(() => new TextLineInputFormat('utf-16le')).toThrow(TypeError);
    expect(() => format.createDecoder(-1)).toThrow(TypeError);
  });
});
