/** `OnCheckpointRollingPolicy`, as Flink's: one part file per bucket and checkpoint. */
import type { PartFileInfo, RollingPolicy } from './rolling-policy.js';

/**
 * Rolls the in-progress part file of every bucket at every checkpoint, and never otherwise: each checkpoint
 * publishes one file per bucket that received records since the previous one. Without checkpoints, files roll only at
 * the end of bounded input. Get it with {@link OnCheckpointRollingPolicy.build}.
 */
export class OnCheckpointRollingPolicy<T = unknown> implements RollingPolicy<T> {
  /** Creates the policy. */
  static build<T = unknown>(): OnCheckpointRollingPolicy<T> {
    return new OnCheckpointRollingPolicy<T>();
  }

  /** Always true. */
  shouldRollOnCheckpoint(_partFileState: PartFileInfo): boolean {
    return true;
  }

  /** Always false. */
  shouldRollOnEvent(_partFileState: PartFileInfo, _element: T): boolean {
    return false;
  }

  /** Always false. */
  shouldRollOnProcessingTime(_partFileState: PartFileInfo, _currentTime: number): boolean {
    return false;
  }
}
