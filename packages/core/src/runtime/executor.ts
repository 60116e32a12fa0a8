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
import type { Transport } from './transport.js';

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

/** Options of {@link EmbeddedExecutor}. */
export interface EmbeddedExecutorOptions {
  /**
   * The transport the job's channels use (default: a new `InProcessTransport` per job, closed when the job ends). A
   * transport given here belongs to the caller, who closes it; jobs use it one after another or side by side (their
   * channels are told apart by job id and attempt).
   */
  readonly transport?: Transport;
}

/**
 * The embedded executor: one JobManager and one TaskManager in this process, over the in-process transport or the
 * one given (a `NatsTransport` sends every frame through a NATS server, as between processes).
 */
export class EmbeddedExecutor implements PipelineExecutor {
  /** An executor; see {@link EmbeddedExecutorOptions}. */
  constructor(private readonly options: EmbeddedExecutorOptions = {}) {}

  submit(submission: JobSubmission): SubmittedJob {
    const given = this.options.transport;
    const transport = given ?? new InProcessTransport();
    const slots = Math.max(1, ...submission.jobGraph.vertices.map((v) => v.parallelism));
    const taskManager = new TaskManager('embedded', slots);
    const master = new JobMaster(submission, transport, taskManager);
    const result = given === undefined ? master.result.finally(() => transport.close()) : master.result;
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
