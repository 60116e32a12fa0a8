/** The states of a job, as Flink's `JobStatus`. */
export type JobStatus = 'CREATED' | 'RUNNING' | 'RESTARTING' | 'FINISHED' | 'CANCELLING' | 'CANCELED' | 'FAILED';

/** True for states a job never leaves. */
export function isTerminal(status: JobStatus): boolean {
  return status === 'FINISHED' || status === 'CANCELED' || status === 'FAILED';
}
