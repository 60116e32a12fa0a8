/**
 * `StreamFormat`: how a {@link FileSource} turns the bytes of a file into records, in the spirit of Flink's
 * `StreamFormat`. The reader reads a file in chunks and hands them to a decoder in order; the decoder reports each
 * record with the byte offset where the next record starts, so the reader can checkpoint a position at a record
 * boundary and a restored reader can start a decoder there.
 *
 * Threading model: a decoder is used by one reader, for one file, from one asynchronous read loop.
 */

/** Receives a decoded record and the byte offset in the file just after it (where the next record starts). */
export type RecordCallback<T> = (record: T, nextOffset: number) => void;

/** Decodes the records of one file from consecutive chunks of its bytes. */
export interface StreamFormatDecoder<T> {
  /**
   * Decodes the records that `chunk` completes (it holds the bytes right after those of earlier calls) and passes
   * each to `emit`; keeps the bytes of an incomplete record for the next call. The decoder may keep references to
   * `chunk`: the caller never reuses its memory.
   */
  decode(chunk: Uint8Array, emit: RecordCallback<T>): void;
  /** The end of the file: emits the last record if bytes of one remain. */
  finish(emit: RecordCallback<T>): void;
}

/** A record format of files read as a stream of bytes from start to end. */
export interface StreamFormat<T> {
  /** Creates a decoder for one file, to be fed the bytes from `startOffset` on (an offset where a record starts). */
  createDecoder(startOffset: number): StreamFormatDecoder<T>;
}
