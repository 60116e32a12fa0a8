/** The row format of a `FileSink`: how one record becomes bytes in a part file (Flink's `Encoder`). */

/** Turns a record into the bytes of one row of a row-format file. */
export interface Encoder<T> {
  /**
   * The bytes of `element`, including any delimiter (a newline for line formats). Called by the sink writer's task,
   * one call at a time; the writer keeps the returned bytes until they are written, so do not change them afterwards.
   */
  encode(element: T): Uint8Array;
}
