/**
 * The supervisor of one job (Flink's `JobMaster`, the per-job part of the JobManager): turns the job graph into
 * tasks, allocates slots, deploys, coordinates sources, watches task outcomes, and on a failure cancels the
 * attempt and restarts it according to the restart strategy. Without checkpoints a restart re-runs the job from its
 * sources, as in Flink. Its control messages are plain data, matched with ts-pattern (control plane).
 */
import { match } from 'ts-pattern';
import { describeCause, ErrorCodes, WeirError } from '../errors.js';
import { assembleRestore, loadCheckpointData, resolveCheckpointPointer, type CheckpointData, type JobRestore } from '../checkpoint/checkpoint-data.js';
import {
  CheckpointCoordinator,
  type CheckpointCoordinatorSettings,
  type CheckpointStats,
  type CoordinatedTask,
  type SavepointRequest,
} from '../checkpoint/checkpoint-coordinator.js';
import type { CheckpointStorage } from '../checkpoint/storage/checkpoint-storage.js';
import type { CheckpointStorageLocation } from '../checkpoint/storage/checkpoint-storage-location.js';
import type { JobCheckpointStorage } from '../checkpoint/storage/job-checkpoint-storage.js';
import { LocalDirectoryCheckpointStorage } from '../checkpoint/storage/local-directory-checkpoint-storage.js';
import type { Source, SourceSplit } from '../connector/source.js';
import type { BarrierHandling } from './input-gate.js';
import { operatorIdOf } from './stream-task.js';
import type { JobGraph } from '../graph/job-graph.js';
import type { StateBackend } from '../state/state-backend.js';
import { createRestartBackoff, type RestartStrategyConfiguration } from '../restart/restart-strategies.js';
import { JobExecutionResult } from './job-execution-result.js';
import { JobMetrics } from './metrics.js';
import type { JobStatus } from './job-status.js';
import { SourceCoordinator } from './source-coordinator.js';
import type { ExecutionMode } from './stream-operator.js';
import type { TaskDeployment, TaskHandle, TaskOutcome, TaskServices, TaskSettings } from './task-deployment.js';
import type { TaskManagerGateway } from './task-manager.js';
import type { Transport } from './transport.js';

/** Everything the JobManager needs to run a job. */
export interface JobSubmission {
  readonly jobId: string;
  readonly jobName: string;
  readonly jobGraph: JobGraph;
  readonly mode: ExecutionMode;
  readonly settings: TaskSettings;
  readonly restartStrategy: RestartStrategyConfiguration;
  readonly stateBackend: StateBackend;
  /** Checkpointing settings, or undefined when checkpointing is off. */
  readonly checkpointing?: JobCheckpointing;
  /** A savepoint or retained checkpoint to start from. */
  readonly restoreFrom?: { readonly pointer: string; readonly allowNonRestoredState: boolean };
  /**
   * The storage that writes savepoints when checkpointing is off (with checkpointing, the checkpoint storage does).
   * Default: a local directory storage under `.weir/checkpoints`.
   */
  readonly savepointStorage?: CheckpointStorage;
}

/** The checkpointing settings of a job. */
export interface JobCheckpointing extends CheckpointCoordinatorSettings {
  /** How multi-input tasks handle barriers. */
  readonly mode: BarrierHandling;
  /** Where checkpoints go. */
  readonly storage: CheckpointStorage;
  /** Whether completed checkpoints survive a cancellation. */
  readonly retainOnCancellation: boolean;
}

/** A message from a task (or its coordinator) to the job master. */
type JobMessage =
  | { readonly type: 'task-ended'; readonly attempt: number; readonly taskName: string; readonly outcome: TaskOutcome }
  | { readonly type: 'coordinator-failed'; readonly attempt: number; readonly error: Error };

interface Attempt {
  readonly number: number;
  readonly tasks: Map<string, TaskHandle>;
  readonly coordinators: Map<string, SourceCoordinator>;
  checkpoints: CheckpointCoordinator | undefined;
  running: number;
  failure: Error | undefined;
  cancelling: boolean;
  done: () => void;
}

/** Listens to records that collect sinks send to the client. */
export type CollectListener = (sinkId: string, values: readonly unknown[]) => void;

/** Supervises one job on a TaskManager. */
export class JobMaster {
  private status: JobStatus = 'CREATED';
  private attempt: Attempt | undefined;
  private cancelRequested = false;
  private wakeRestartDelay: (() => void) | undefined;
  private readonly collected = new Map<string, unknown[]>();
  private readonly collectListeners = new Set<CollectListener>();
  private readonly metrics = new JobMetrics();
  /** The latest completed checkpoint (or the savepoint the job started from). */
  private latestCheckpoint: CheckpointData | undefined;
  private lastCheckpointId = 0;
  private jobStorage: JobCheckpointStorage | undefined;
  private readonly retainedCheckpoints = new Map<number, CheckpointStorageLocation>();
  private readonly checkpointHistory: CheckpointStats[] = [];
  /** Set while a stop-with-savepoint is under way. */
  private stopping = false;
  /** Resolves with the result, or rejects with JOB_FAILED / JOB_CANCELLED. */
  readonly result: Promise<JobExecutionResult>;

  /** Creates the job master and starts the job. */
  constructor(
    private readonly submission: JobSubmission,
    private readonly transport: Transport,
    private readonly taskManager: TaskManagerGateway,
  ) {
    this.result = this.run();
  }

  /** The job's current status. */
  getStatus(): JobStatus {
    return this.status;
  }

  /** The records collect sinks sent in the current attempt, by sink id. */
  getCollected(sinkId: string): readonly unknown[] {
    return this.collected.get(sinkId) ?? [];
  }

  /** The operator metrics of the current attempt, by `<operator uid or name>.<metric>`. */
  getMetrics(): ReadonlyMap<string, number> {
    return this.metrics.snapshot();
  }

  /** Statistics of the job's recent checkpoints (the last 20), oldest first. */
  getCheckpointStats(): readonly CheckpointStats[] {
    return [...this.checkpointHistory];
  }

  /**
   * Takes a savepoint into `target` (in the checkpoint storage's terms; undefined: its default savepoint directory)
   * while the job runs on (Flink's `triggerSavepoint`). Resolves to the savepoint's pointer; rejects with
   * `CHECKPOINT_FAILED` when the job is not running or the savepoint failed, `UNSUPPORTED_OPERATION` in BATCH mode.
   */
  async triggerSavepoint(target: string | undefined): Promise<string> {
    const storage = await this.savepointStorage('take a savepoint of');
    const coordinator = this.runningCoordinator('take a savepoint of');
    return new Promise<string>((resolve, reject) => coordinator.triggerSavepoint({ storage, target, resolve, reject }, { suspend: false }));
  }

  /**
   * Stops the job with a savepoint (Flink's `stopWithSavepoint`) and resolves to its pointer once the job has ended.
   * Without `drain`, the sources stop reading right behind the savepoint's barrier; when the savepoint is complete,
   * the tasks are told (two-phase-commit sinks commit) and end without finishing their operators, so windows and
   * timers stay in the savepoint. With `drain`, the sources end their input: the maximum watermark fires every
   * window and timer, every operator finishes, and the final state is the savepoint. The job ends FINISHED. If the
   * savepoint fails, the job runs on (a suspended source reads again) and this rejects with `CHECKPOINT_FAILED`.
   */
  async stopWithSavepoint(target: string | undefined, drain: boolean): Promise<string> {
    const storage = await this.savepointStorage('stop with a savepoint');
    const coordinator = this.runningCoordinator('stop with a savepoint');
    const attempt = this.attempt!;
    if (this.stopping) throw this.notSavepointable('stop with a savepoint', 'it is already stopping with a savepoint');
    this.stopping = true;
    try {
      const pointer = await new Promise<string>((resolve, reject) => {
        const request: SavepointRequest = { storage, target, resolve, reject };
        if (!drain) {
          coordinator.triggerSavepoint(request, { suspend: true });
          return;
        }
        coordinator.drainToSavepoint(request, (checkpointId) => {
          const enumerators: Record<string, unknown> = {};
          for (const v of this.submission.jobGraph.vertices) {
            const source = attempt.coordinators.get(v.id);
            if (source === undefined) continue;
            enumerators[operatorIdOf(v.head)] = source.snapshotState(checkpointId);
            // No split is assigned after this: the enumerator's state holds the rest.
            source.stopAssigning();
          }
          return enumerators;
        });
        for (const task of attempt.tasks.values()) task.send({ kind: 'drain' });
      });
      // The tasks were told the savepoint completed (sinks commit first): now they end.
      if (!drain) for (const task of attempt.tasks.values()) task.send({ kind: 'terminate' });
      await this.result.catch(() => undefined);
      return pointer;
    } catch (e) {
      if (!drain && this.attempt === attempt) for (const task of attempt.tasks.values()) task.send({ kind: 'resume' });
      throw e;
    } finally {
      this.stopping = false;
    }
  }

  /** The checkpoint coordinator of the running attempt, for a savepoint. */
  private runningCoordinator(what: string): CheckpointCoordinator {
    if (this.submission.mode === 'BATCH') {
      throw new WeirError(ErrorCodes.UNSUPPORTED_OPERATION, `Cannot ${what} job "${this.submission.jobName}" (${this.submission.jobId}): a job in BATCH mode takes no savepoints`);
    }
    const coordinator = this.attempt?.checkpoints;
    if (this.status !== 'RUNNING' || coordinator === undefined || this.attempt!.cancelling) throw this.notSavepointable(what, `it is ${this.status}, not RUNNING`);
    return coordinator;
  }

  private notSavepointable(what: string, why: string): WeirError {
    return new WeirError(ErrorCodes.CHECKPOINT_FAILED, `Cannot ${what} job "${this.submission.jobName}" (${this.submission.jobId}): ${why}`);
  }

  /** The job's checkpoint storage, which writes savepoints too; opened on first use when checkpointing is off. */
  private async savepointStorage(what: string): Promise<JobCheckpointStorage> {
    this.runningCoordinator(what);
    this.jobStorage ??= await (this.submission.savepointStorage ?? new LocalDirectoryCheckpointStorage()).createJobStorage(this.submission.jobId);
    return this.jobStorage;
  }

  /** Listens to collected records; returns a function that stops listening. */
  onCollect(listener: CollectListener): () => void {
    this.collectListeners.add(listener);
    return () => this.collectListeners.delete(listener);
  }

  /** Cancels the job; resolves once it has stopped. */
  async cancel(): Promise<void> {
    if (this.status === 'FINISHED' || this.status === 'FAILED' || this.status === 'CANCELED') return;
    this.cancelRequested = true;
    this.status = 'CANCELLING';
    this.wakeRestartDelay?.();
    const a = this.attempt;
    if (a !== undefined && !a.cancelling) this.cancelAttempt(a);
    await this.result.catch(() => undefined);
  }

  private async run(): Promise<JobExecutionResult> {
    try {
      await this.prepareCheckpoints();
    } catch (e) {
      this.status = 'FAILED';
      throw e;
    }
    const result = await this.runAttempts().catch(async (e: unknown) => {
      await this.cleanUpCheckpoints();
      throw e;
    });
    await this.cleanUpCheckpoints();
    return result;
  }

  /** Opens checkpoint storage and loads the savepoint to start from; a savepoint that does not fit fails here. */
  private async prepareCheckpoints(): Promise<void> {
    const { checkpointing, restoreFrom, jobId, jobGraph } = this.submission;
    if (checkpointing !== undefined) this.jobStorage = await checkpointing.storage.createJobStorage(jobId);
    if (restoreFrom === undefined) return;
    const data =
      restoreFrom.pointer.startsWith('memory://') && checkpointing !== undefined
        ? await loadCheckpointData(checkpointing.storage, restoreFrom.pointer)
        : await resolveCheckpointPointer(restoreFrom.pointer, (message) => console.warn(`Warning: ${message}`));
    assembleRestore(data, jobGraph, operatorIdOf, restoreFrom.allowNonRestoredState);
    this.latestCheckpoint = data;
    this.lastCheckpointId = data.checkpointId;
  }

  /** Discards the retained checkpoints when the job finished, or was cancelled without retention (as Flink does). */
  private async cleanUpCheckpoints(): Promise<void> {
    const storage = this.jobStorage;
    if (storage === undefined) return;
    const keep = this.status === 'FAILED' || (this.status === 'CANCELED' && this.submission.checkpointing?.retainOnCancellation === true);
    if (!keep) {
      for (const location of this.retainedCheckpoints.values()) await storage.discard(location).catch(() => undefined);
      await storage.removeIfEmpty().catch(() => undefined);
    }
    this.retainedCheckpoints.clear();
  }

  private async runAttempts(): Promise<JobExecutionResult> {
    const started = Date.now();
    const backoff = createRestartBackoff(this.submission.restartStrategy);
    for (let number = 0; ; number++) {
      if (this.cancelRequested) return this.cancelled();
      this.collected.clear();
      this.metrics.reset();
      this.status = 'RUNNING';
      const failure = await this.runAttempt(number);
      if (this.cancelRequested) return this.cancelled();
      if (failure === undefined) {
        this.status = 'FINISHED';
        return new JobExecutionResult(this.submission.jobId, Date.now() - started, this.metrics.snapshot());
      }
      const delay = backoff.onFailure(Date.now());
      if (delay === undefined) {
        this.status = 'FAILED';
        throw new WeirError(
          ErrorCodes.JOB_FAILED,
          `Job "${this.submission.jobName}" (${this.submission.jobId}) failed${number > 0 ? ` after ${number} restart(s)` : ''}: ${describeCause(failure)}`,
          { cause: failure },
        );
      }
      this.status = 'RESTARTING';
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wakeRestartDelay = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeRestartDelay = undefined;
    }
  }

  private cancelled(): never {
    this.status = 'CANCELED';
    throw new WeirError(ErrorCodes.JOB_CANCELLED, `Job "${this.submission.jobName}" (${this.submission.jobId}) was cancelled`);
  }

  /** Runs one attempt; resolves to its failure, or undefined when every task finished. */
  private async runAttempt(number: number): Promise<Error | undefined> {
    const { jobGraph, jobId } = this.submission;
    const slots = Math.max(...jobGraph.vertices.map((v) => v.parallelism));
    let resolveDone!: () => void;
    const done = new Promise<void>((r) => (resolveDone = r));
    const attempt: Attempt = {
      number,
      tasks: new Map(),
      coordinators: new Map(),
      checkpoints: undefined,
      running: 0,
      failure: undefined,
      cancelling: false,
      done: resolveDone,
    };
    this.attempt = attempt;
    const checkpointing = this.submission.checkpointing;
    // Every attempt ends with a final checkpoint (tasks wait for each other before sinks commit their last output).
    const finalCheckpoint = true;
    try {
      const latest = this.latestCheckpoint;
      // Operators missing from the job were accepted (or refused) when the savepoint was loaded.
      const restore: JobRestore | undefined = latest === undefined ? undefined : assembleRestore(latest, jobGraph, operatorIdOf, true);
      this.taskManager.allocateSlots(jobId, slots);
      for (const vertex of jobGraph.vertices) {
        if (vertex.head.kind !== 'source') continue;
        const coordinator = new SourceCoordinator(
          vertex.head.source as Source<unknown, SourceSplit, unknown>,
          vertex.parallelism,
          {
            addSplits: (subtask, splits) => attempt.tasks.get(`${vertex.id}#${subtask}`)?.send({ kind: 'add-splits', splits }),
            noMoreSplits: (subtask) => attempt.tasks.get(`${vertex.id}#${subtask}`)?.send({ kind: 'no-more-splits' }),
            fail: (error) => this.handle({ type: 'coordinator-failed', attempt: number, error }),
          },
          restore?.enumerators.get(vertex.id),
        );
        attempt.coordinators.set(vertex.id, coordinator);
        coordinator.start();
      }
      const services = this.servicesFor(attempt);
      const started: { task: TaskHandle; start: () => Promise<TaskOutcome> }[] = [];
      for (const vertex of jobGraph.vertices) {
        for (let subtaskIndex = 0; subtaskIndex < vertex.parallelism; subtaskIndex++) {
          const deployment: TaskDeployment = {
            jobId,
            jobName: this.submission.jobName,
            attempt: number,
            jobGraph,
            vertex,
            subtaskIndex,
            mode: this.submission.mode,
            settings: this.submission.settings,
            stateBackend: this.submission.stateBackend,
            checkpointing: { enabled: checkpointing !== undefined, interval: checkpointing?.interval, mode: checkpointing?.mode ?? 'EXACTLY_ONCE', finalCheckpoint },
            restore: restore?.tasks.get(`${vertex.id}#${subtaskIndex}`),
          };
          const deployed = this.taskManager.deploy(deployment, services);
          attempt.tasks.set(`${vertex.id}#${subtaskIndex}`, deployed.task);
          started.push(deployed);
        }
      }
      if (finalCheckpoint) attempt.checkpoints = this.createCheckpointCoordinator(attempt);
      // Every task is known before any starts, so that split assignments always find their task.
      for (const { task, start } of started) {
        attempt.running++;
        void start().then((o) => this.handle({ type: 'task-ended', attempt: number, taskName: task.taskName, outcome: o }));
      }
      attempt.checkpoints?.start();
    } catch (e) {
      attempt.failure = e instanceof Error ? e : new Error(String(e));
      this.cancelAttempt(attempt);
      if (attempt.running === 0) attempt.done();
    }
    await done;
    if (attempt.checkpoints !== undefined) {
      await attempt.checkpoints.stop();
      this.lastCheckpointId = Math.max(this.lastCheckpointId, attempt.checkpoints.nextCheckpointId - 1);
    }
    for (const c of attempt.coordinators.values()) await c.close().catch(() => undefined);
    for (const task of attempt.tasks.values()) task.closeChannels();
    this.taskManager.releaseSlots(jobId);
    return attempt.failure;
  }

  private createCheckpointCoordinator(attempt: Attempt): CheckpointCoordinator {
    const { jobGraph } = this.submission;
    const settings = this.submission.checkpointing ?? { interval: 0, timeout: 600_000, minPause: 0, maxConcurrent: 1, tolerableFailures: 0, retained: 1 };
    const tasks: CoordinatedTask[] = jobGraph.vertices.flatMap((v) =>
      Array.from({ length: v.parallelism }, (_, subtask) => ({ vertexId: v.id, subtask, parallelism: v.parallelism, isSource: v.head.kind === 'source' })),
    );
    const number = attempt.number;
    return new CheckpointCoordinator(settings, tasks, this.jobStorage, this.lastCheckpointId, this.retainedCheckpoints, {
      triggerSources: (checkpointId, timestamp, savepoint) => {
        const enumerators: Record<string, unknown> = {};
        const mail = { kind: 'trigger-checkpoint', checkpointId, timestamp, savepoint: savepoint !== undefined, suspend: savepoint?.suspend } as const;
        for (const v of jobGraph.vertices) {
          if (v.head.kind !== 'source') continue;
          enumerators[operatorIdOf(v.head)] = attempt.coordinators.get(v.id)?.snapshotState(checkpointId);
          for (let i = 0; i < v.parallelism; i++) attempt.tasks.get(`${v.id}#${i}`)?.send(mail);
        }
        return enumerators;
      },
      notifyComplete: (checkpointId) => {
        for (const task of attempt.tasks.values()) task.send({ kind: 'checkpoint-complete', checkpointId });
      },
      onCompleted: (data) => {
        this.latestCheckpoint = data;
        this.lastCheckpointId = data.checkpointId;
      },
      failJob: (error) => this.handle({ type: 'coordinator-failed', attempt: number, error }),
      onStats: (stats) => {
        const i = this.checkpointHistory.findIndex((s) => s.checkpointId === stats.checkpointId);
        if (i >= 0) this.checkpointHistory[i] = stats;
        else this.checkpointHistory.push(stats);
        if (this.checkpointHistory.length > 20) this.checkpointHistory.shift();
      },
    });
  }

  private servicesFor(attempt: Attempt): TaskServices {
    return {
      transport: this.transport,
      metricGroup: (scope) => this.metrics.group(scope),
      registerReader: (vertexId, subtask) => attempt.coordinators.get(vertexId)?.addReader(subtask),
      requestSplit: (vertexId, subtask) => attempt.coordinators.get(vertexId)?.handleSplitRequest(subtask),
      sendToClient: (sinkId, attemptNumber, values) => {
        if (attemptNumber !== this.attempt?.number) return;
        let list = this.collected.get(sinkId);
        if (list === undefined) this.collected.set(sinkId, (list = []));
        for (const v of values) list.push(v);
        for (const l of this.collectListeners) l(sinkId, values);
      },
      acknowledgeCheckpoint: (vertexId, subtask, checkpointId, state) => attempt.checkpoints?.acknowledge(vertexId, subtask, checkpointId, state),
      declineCheckpoint: (vertexId, subtask, checkpointId, error) => attempt.checkpoints?.decline(vertexId, subtask, checkpointId, error),
      reportFinished: (vertexId, subtask, state) => attempt.checkpoints?.taskFinished(vertexId, subtask, state),
    };
  }

  private handle(message: JobMessage): void {
    const attempt = this.attempt;
    if (attempt === undefined || attempt.number !== message.attempt) return;
    match(message)
      .with({ type: 'task-ended' }, (m) => {
        attempt.running--;
        if (m.outcome.state === 'FAILED' && attempt.failure === undefined && !attempt.cancelling) {
          attempt.failure = m.outcome.error;
          this.cancelAttempt(attempt);
        }
        if (attempt.running === 0) attempt.done();
      })
      .with({ type: 'coordinator-failed' }, (m) => {
        if (attempt.failure === undefined && !attempt.cancelling) {
          attempt.failure = m.error;
          this.cancelAttempt(attempt);
        }
      })
      .exhaustive();
  }

  private cancelAttempt(attempt: Attempt): void {
    attempt.cancelling = true;
    for (const task of attempt.tasks.values()) task.cancel();
  }
}
