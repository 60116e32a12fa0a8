/** `BasePathBucketAssigner`, as Flink's: everything in the base path. */
import type { BucketAssigner, BucketAssignerContext } from './bucket-assigner.js';

/** Writes every record into the base path itself (bucket id `''`), without sub-directories. */
export class BasePathBucketAssigner<T = unknown> implements BucketAssigner<T> {
  /** Always `''`. */
  getBucketId(_element: T, _context: BucketAssignerContext): string {
    return '';
  }
}
