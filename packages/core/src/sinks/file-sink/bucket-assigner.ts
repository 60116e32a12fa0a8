/**
 * Which bucket (sub-directory of the base path) a `FileSink` writes a record to, as Flink's `BucketAssigner`.
 * A bucket id is a relative path: `''` is the base path itself, `a/b` nests directories; absolute paths and `..`
 * segments are refused. Called by the writer's task for every record; must be fast and must not block.
 */

/** What a bucket assigner may ask about the record being written. */
export interface BucketAssignerContext {
  /** The current processing time (ms) of the writer's task. */
  currentProcessingTime(): number;
  /** The record's event timestamp (ms), or undefined when it has none. */
  timestamp(): number | undefined;
}

/** Assigns records to buckets. */
export interface BucketAssigner<T> {
  /** The bucket id of `element`: a relative directory path under the sink's base path (`''` for the base path). */
  getBucketId(element: T, context: BucketAssignerContext): string;
}
