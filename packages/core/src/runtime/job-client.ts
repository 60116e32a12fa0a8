/** A handle on a submitted job (Flink's `JobClient`), returned by `env.executeAsync()`. */
import type { JobExecutionResult } from './job-execution-result.js';
import type { JobStatus } from './job-status.js';

/** Controls and observes one job. */
export interface JobClient {
  /** The job's id. */
  getJobId(): string;
  /** The job's current status. */
  getJobStatus(): Promise<JobStatus>;
  /** Cancels the job; resolves once every task has stopped. */
  cancel(): Promise<void>;
  /** Takes a savepoint into `directory` and resolves to its path. */
  triggerSavepoint(directory: string): Promise<string>;
  /** Takes a savepoint and stops the job (draining it first when `drain` is true). */
  stopWithSavepoint(directory: string, drain?: boolean): Promise<string>;
  /** The operator metrics of the running job, by `<operator uid or name>.<metric>` (such as `numLateRecordsDropped`). */
  getMetrics(): Promise<ReadonlyMap<string, number>>;
  /** Resolves when the job finishes; rejects with a WeirError (JOB_FAILED or JOB_CANCELLED) otherwise. */
  getJobExecutionResult(): Promise<JobExecutionResult>;
}
