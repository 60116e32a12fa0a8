/**
 * `TextLineInputFormat`, as Flink's: each line of a text file is a record (a `string` without its line terminator).
 * Lines end at `'\n'` or `'\r\n'`; the last line may lack a terminator. A UTF-8 byte order mark at the start of a
 * file is dropped. Lines are decoded whole, so characters whose bytes are split across read chunks decode correctly.
 */
import { TextDecoder } from 'node:util';
import type { RecordCallback, StreamFormat, StreamFormatDecoder } from './stream-format.js';

const LF = 0x0a;
const CR = 0x0d;

/** Reads text files line by line in a charset that `TextDecoder` knows (UTF-8 by default). */
export class TextLineInputFormat implements StreamFormat<string> {
  /** The canonical name of the charset, as `TextDecoder` reports it (for example `'utf-8'`, `'windows-1252'`). */
  readonly charset: string;

  /**
   * Creates the format. `charset` is any label `TextDecoder` accepts except UTF-16, whose line feeds are not single
   * bytes; an unknown or unsupported charset throws a `TypeError`.
   */
  constructor(charset = 'utf-8') {
    let decoder: TextDecoder;
    try {
      decoder = new TextDecoder(charset);
    } catch (error) {
      throw new TypeError(`Unknown charset "${charset}"`, { cause: error });
    }
    if (decoder.encoding === 'utf-16le' || decoder.encoding === 'utf-16be') {
      throw new TypeError(`TextLineInputFormat does not support the charset "${charset}": line feeds in it are not single bytes`);
    }
    this.charset = decoder.encoding;
  }

  /** A decoder splitting lines from `startOffset` on. */
  createDecoder(startOffset: number): StreamFormatDecoder<string> {
    if (!Number.isSafeInteger(startOffset) || startOffset < 0) {
      throw new TypeError(`startOffset must be a non-negative integer, got ${startOffset}`);
    }
    return new TextLineDecoder(this.charset, startOffset);
  }
}

/** Splits bytes into lines and decodes each whole line. */
class TextLineDecoder implements StreamFormatDecoder<string> {
  private readonly utf8: boolean;
  private readonly textDecoder: TextDecoder | undefined;
  /** The file offset of the first byte of the incomplete line. */
  private lineStart: number;
  /** The bytes of the incomplete line, from earlier chunks. */
  private pending: Buffer[] = [];
  private pendingLength = 0;

  constructor(charset: string, startOffset: number) {
    this.utf8 = charset === 'utf-8';
    this.textDecoder = this.utf8 ? undefined : new TextDecoder(charset, { ignoreBOM: true });
    this.lineStart = startOffset;
  }

  decode(chunk: Uint8Array, emit: RecordCallback<string>): void {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    let newline = bytes.indexOf(LF, 0);
    while (newline !== -1) {
      let line: string;
      let length: number;
      if (this.pendingLength === 0) {
        length = newline - start;
        line = this.decodeLine(bytes, start, newline > start && bytes[newline - 1] === CR ? newline - 1 : newline);
      } else {
        this.pending.push(bytes.subarray(start, newline));
        length = this.pendingLength + newline - start;
        const joined = Buffer.concat(this.pending, length);
        this.pending = [];
        this.pendingLength = 0;
        line = this.decodeLine(joined, 0, length > 0 && joined[length - 1] === CR ? length - 1 : length);
      }
      this.lineStart += length + 1;
      emit(line, this.lineStart);
      start = newline + 1;
      newline = bytes.indexOf(LF, start);
    }
    if (start < bytes.length) {
      this.pending.push(bytes.subarray(start));
      this.pendingLength += bytes.length - start;
    }
  }

  finish(emit: RecordCallback<string>): void {
    if (this.pendingLength === 0) return;
    const length = this.pendingLength;
    const joined = Buffer.concat(this.pending, length);
    this.pending = [];
    this.pendingLength = 0;
    const line = this.decodeLine(joined, 0, joined[length - 1] === CR ? length - 1 : length);
    this.lineStart += length;
    emit(line, this.lineStart);
  }

  private decodeLine(bytes: Buffer, start: number, end: number): string {
    if (this.utf8) {
      if (this.lineStart === 0 && end - start >= 3 && bytes[start] === 0xef && bytes[start + 1] === 0xbb && bytes[start + 2] === 0xbf) {
        start += 3;
      }
      return bytes.toString('utf8', start, end);
    }
    return (this.textDecoder as TextDecoder).decode(bytes.subarray(start, end));
  }
}
