/**
 * Executors run a compiled job somewhere. The embedded executor (the default) runs a JobManager and a TaskManager
 * in this process over the in-process transport, with as many slots as the job's highest parallelism (Flink's
 * MiniCluster). The CLI's cluster mode will provide another executor.
 */
import { describeValue } from '../state/state-key.js';
import { InProcessTransport } from './in-process-transport.js';
import type { JobClient } from './job-client.js';
import { JobMaster, type CollectListener, type JobSubmission } from './job-master.js';
import { TaskManager } from './task-manager.js';

/** A job handed to an executor. */
export interface SubmittedJob {
  /** The client of the job. */
  readonly client: JobClient;
  /** The records a collect sink sent in the current attempt. */
  getCollected(sinkId: string): readonly unknown[];
  /** Listens to collected records; returns a function that stops listening. */
  onCollect(listener: CollectListener): () => void;
}

/** Runs jobs. */
export interface PipelineExecutor {
  /** Submits a job and returns at once. */
  submit(submission: JobSubmission): SubmittedJob;
}

function checkDirectory(directory: unknown): string | undefined {
  if (directory === undefined || (typeof directory === 'string' && directory.length > 0)) return directory;
  throw new TypeError(`A savepoint directory must be a non-empty string (or undefined for the default); got ${describeValue(directory)}`);
}

function checkDrain(drain: unknown): boolean {
  if (typeof drain === 'boolean') return drain;
  throw new TypeError(`drain must be a boolean; got ${describeValue(drain)}`);
}

/** The embedded executor: one JobManager and one TaskManager in this process, in-process transport. */
export class EmbeddedExecutor implements PipelineExecutor {
  submit(submission: JobSubmission): SubmittedJob {
    const transport = new InProcessTransport();
    const slots = Math.max(1, ...submission.jobGraph.vertices.map((v) => v.parallelism));
    const taskManager = new TaskManager('embedded', slots);
    const master = new JobMaster(submission, transport, taskManager);
    const result = master.result.finally(() => transport.close());
    result.catch(() => undefined);
    const client: JobClient = {
      getJobId: () => submission.jobId,
      getJobStatus: () => Promise.resolve(master.getStatus()),
      cancel: () => master.cancel(),
      getMetrics: () => Promise.resolve(master.getMetrics()),
      triggerSavepoint: async (directory) => master.triggerSavepoint(checkDirectory(directory)),
      stopWithSavepoint: async (directory, drain = false) => master.stopWithSavepoint(checkDirectory(directory), checkDrain(drain)),
      getCheckpointStats: () => Promise.resolve(master.getCheckpointStats()),
      getJobExecutionResult: () => result,
    };
    return {
      client,
      getCollected: (sinkId) => master.getCollected(sinkId),
      onCollect: (listener) => master.onCollect(listener),
    };
  }
}
