/** `SimpleStringEncoder`, as Flink's: each record as `String(element)` followed by a newline. */
import type { Encoder } from './encoder.js';

/** The character sets a {@link SimpleStringEncoder} can write (Node's names for them). */
export type SimpleStringEncoderCharset = 'utf-8' | 'utf8' | 'utf16le' | 'utf-16le' | 'ucs2' | 'ucs-2' | 'latin1' | 'ascii';

const CHARSETS: ReadonlySet<string> = new Set(['utf-8', 'utf8', 'utf16le', 'utf-16le', 'ucs2', 'ucs-2', 'latin1', 'ascii']);

/**
 * Writes each record as a line: `String(element) + '\n'`, encoded in `charset` (UTF-8 by default). Objects print as
 * their `toString()` (`[object Object]` unless they define one), as Flink's encoder calls Java's `toString()`; map
 * records to strings first for another rendering.
 */
export class SimpleStringEncoder<T = unknown> implements Encoder<T> {
  /** Creates the encoder; an unknown character set throws a `TypeError`. */
  constructor(readonly charset: SimpleStringEncoderCharset = 'utf-8') {
    if (!CHARSETS.has(charset)) {
      throw new TypeError(`SimpleStringEncoder supports the charsets ${[...CHARSETS].join(', ')}; got ${String(charset)}`);
    }
  }

  /** The line of `element`, with its newline. */
  encode(element: T): Uint8Array {
    return Buffer.from(`${String(element)}\n`, this.charset);
  }
}
