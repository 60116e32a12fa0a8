/** `DefaultRollingPolicy`, as Flink's: roll by size, age and inactivity. */
import type { PartFileInfo, RollingPolicy } from './rolling-policy.js';

/** The default maximum part size: 128 MiB. */
export const DEFAULT_MAX_PART_SIZE = 128 * 1024 * 1024;
/** The default rollover interval: 60 s. */
export const DEFAULT_ROLLOVER_INTERVAL = 60_000;
/** The default inactivity interval: 60 s. */
export const DEFAULT_INACTIVITY_INTERVAL = 60_000;

function checkPositive(what: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`DefaultRollingPolicy: ${what} must be a positive number, got ${String(value)}`);
  }
  return value;
}

/**
 * Rolls the in-progress part file when it is larger than the maximum part size (checked before each record, so a
 * file exceeds the size by at most one record), when it is older than the rollover interval, or when it was not
 * written to for the inactivity interval. The two intervals are measured in processing time and checked before each
 * record and on every processing-time check of the writer (the sink's bucket check interval, 60 s by default), so
 * an idle file rolls within one check interval after its time is up. A file that does not roll stays open across
 * checkpoints (the checkpoint records how much of it is valid). Build it with {@link DefaultRollingPolicy.builder}.
 */
export class DefaultRollingPolicy<T = unknown> implements RollingPolicy<T> {
  /** Use {@link DefaultRollingPolicy.builder}; invalid values throw a `TypeError`. */
  constructor(
    /** The size in bytes above which a part file rolls. */
    readonly maxPartSize: number = DEFAULT_MAX_PART_SIZE,
    /** The longest time (ms) a part file stays open. */
    readonly rolloverInterval: number = DEFAULT_ROLLOVER_INTERVAL,
    /** The longest time (ms) a part file stays open without being written to. */
    readonly inactivityInterval: number = DEFAULT_INACTIVITY_INTERVAL,
  ) {
    checkPositive('the maximum part size', maxPartSize);
    checkPositive('the rollover interval', rolloverInterval);
    checkPositive('the inactivity interval', inactivityInterval);
  }

  /** A builder with the defaults: 128 MiB, 60 s rollover, 60 s inactivity. */
  static builder(): DefaultRollingPolicyBuilder {
    return new DefaultRollingPolicyBuilder();
  }

  /** The size in bytes above which a part file rolls. */
  getMaxPartSize(): number {
    return this.maxPartSize;
  }

  /** The longest time (ms) a part file stays open. */
  getRolloverInterval(): number {
    return this.rolloverInterval;
  }

  /** The longest time (ms) a part file stays open without being written to. */
  getInactivityInterval(): number {
    return this.inactivityInterval;
  }

  /** True when the file is larger than the maximum part size. */
  shouldRollOnCheckpoint(partFileState: PartFileInfo): boolean {
    return partFileState.getSize() > this.maxPartSize;
  }

  /** True when the file is larger than the maximum part size. */
  shouldRollOnEvent(partFileState: PartFileInfo, _element: T): boolean {
    return partFileState.getSize() > this.maxPartSize;
  }

  /** True when the file is older than the rollover interval or was idle for the inactivity interval. */
  shouldRollOnProcessingTime(partFileState: PartFileInfo, currentTime: number): boolean {
    return (
      currentTime - partFileState.getCreationTime() >= this.rolloverInterval ||
      currentTime - partFileState.getLastUpdateTime() >= this.inactivityInterval
    );
  }
}

/** Builds a {@link DefaultRollingPolicy}; get one from {@link DefaultRollingPolicy.builder}. */
export class DefaultRollingPolicyBuilder {
  private maxPartSize = DEFAULT_MAX_PART_SIZE;
  private rolloverInterval = DEFAULT_ROLLOVER_INTERVAL;
  private inactivityInterval = DEFAULT_INACTIVITY_INTERVAL;

  /** Sets the size in bytes above which a part file rolls (positive). */
  withMaxPartSize(bytes: number): this {
    this.maxPartSize = checkPositive('the maximum part size', bytes);
    return this;
  }

  /** Sets the longest time (ms, positive) a part file stays open. */
  withRolloverInterval(ms: number): this {
    this.rolloverInterval = checkPositive('the rollover interval', ms);
    return this;
  }

  /** Sets the longest time (ms, positive) a part file stays open without being written to. */
  withInactivityInterval(ms: number): this {
    this.inactivityInterval = checkPositive('the inactivity interval', ms);
    return this;
  }

  /** Creates the policy. */
  build<T = unknown>(): DefaultRollingPolicy<T> {
    return new DefaultRollingPolicy<T>(this.maxPartSize, this.rolloverInterval, this.inactivityInterval);
  }
}
