/** A handle on a submitted job (Flink's `JobClient`), returned by `env.executeAsync()`. */
import type { JobExecutionResult } from './job-execution-result.js';
import type { JobStatus } from './job-status.js';
import type { CheckpointStats } from '../checkpoint/checkpoint-coordinator.js';

/** Controls and observes one job. */
export interface JobClient {
  /** The job's id. */
  getJobId(): string;
  /** The job's current status. */
  getJobStatus(): Promise<JobStatus>;
  /** Cancels the job; resolves once every task has stopped. */
  cancel(): Promise<void>;
  /**
   * Takes a savepoint into `directory` (default: the checkpoint storage's savepoint directory) while the job runs on,
   * and resolves to its path, for `weir run --from-savepoint`. Rejects with `CHECKPOINT_FAILED` when the job is not
   * running or the savepoint failed (the job runs on), `UNSUPPORTED_OPERATION` in BATCH mode.
   */
  triggerSavepoint(directory?: string): Promise<string>;
  /**
   * Stops the job with a savepoint and resolves to its path once the job has ended (FINISHED). Without `drain` the
   * sources stop right behind the savepoint and windows and timers stay in it, to resume later; with `drain` the
   * sources end their input first, so every window and timer fires (the maximum watermark), as for a job stopped for
   * good. Two-phase-commit sinks commit what the savepoint covers. If the savepoint fails, the job runs on and this
   * rejects with `CHECKPOINT_FAILED`.
   */
  stopWithSavepoint(directory?: string, drain?: boolean): Promise<string>;
  /** Statistics of the job's recent checkpoints and savepoints (the last 20), oldest first. */
  getCheckpointStats(): Promise<readonly CheckpointStats[]>;
  /** The operator metrics of the running job, by `<operator uid or name>.<metric>` (such as `numLateRecordsDropped`). */
  getMetrics(): Promise<ReadonlyMap<string, number>>;
  /** Resolves when the job finishes; rejects with a WeirError (JOB_FAILED or JOB_CANCELLED) otherwise. */
  getJobExecutionResult(): Promise<JobExecutionResult>;
}
