/**
 * When a `FileSink` closes its in-progress part file and opens a new one ("rolls"), as Flink's `RollingPolicy`.
 * A rolled file is pending: it becomes a committable at the next checkpoint and is finished (visible) when that
 * checkpoint completes. The writer asks the policy before each record (`shouldRollOnEvent` and
 * `shouldRollOnProcessingTime`), on each processing-time check (`shouldRollOnProcessingTime`, every bucket check
 * interval), and on each checkpoint (`shouldRollOnCheckpoint`). All methods are called by the writer's task, one at a
 * time, and must not block.
 */

/** What a rolling policy knows of an in-progress part file (Flink's `PartFileInfo`). */
export interface PartFileInfo {
  /** The id of the file's bucket. */
  getBucketId(): string;
  /** The processing time (ms) at which the file was opened. */
  getCreationTime(): number;
  /** The size of the file in bytes, including what is still buffered. */
  getSize(): number;
  /** The processing time (ms) of the last write to the file. */
  getLastUpdateTime(): number;
}

/** Decides when a part file rolls. */
export interface RollingPolicy<T> {
  /** Whether the in-progress file should roll at this checkpoint (otherwise it stays open across it). */
  shouldRollOnCheckpoint(partFileState: PartFileInfo): boolean;
  /** Whether the in-progress file should roll before `element` is written to it. */
  shouldRollOnEvent(partFileState: PartFileInfo, element: T): boolean;
  /** Whether the in-progress file should roll at processing time `currentTime` (ms). */
  shouldRollOnProcessingTime(partFileState: PartFileInfo, currentTime: number): boolean;
}
