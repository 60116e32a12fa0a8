/**
 * The checkpoint coordinator of one attempt of a job (Flink's `CheckpointCoordinator`), run by the JobMaster.
 *
 * Every `interval` it triggers a checkpoint, unless `maxConcurrent` are in progress or the last one ended less
 * than `minPause` ago: the source enumerators' states are taken and the source tasks get a trigger in their
 * mailboxes, in one step, so no split assignment falls between the two. Barriers then flow with the records; each
 * task acknowledges with its encoded state. A checkpoint completes when every task acknowledged it or had ended
 * (a task that ended reports its final snapshot, which stands for it from then on): the task states are written to
 * checkpoint storage, then the `_metadata` file, last; only then is it complete, and the tasks are told (sinks
 * commit). Older completed checkpoints beyond `retained` are discarded. A checkpoint that is declined, times out or
 * fails to be written is aborted; more than `tolerableFailures` failures in a row fail the job.
 *
 * When every task has ended, the final checkpoint completes (it is not written: the job is done) and the tasks are
 * told with the id `END_OF_INPUT_CHECKPOINT_ID`.
 *
 * Savepoints (`triggerSavepoint`) travel as checkpoints do, but go to a target directory, are self-contained and never
 * discarded, are not used to restart the job, do not count as checkpoint failures, and (as in Flink since 1.15)
 * commit nothing unless they stop the job. A stop-with-savepoint without drain (`suspend`) is a savepoint whose
 * sources stop reading behind its barrier; on completion the tasks are told (sinks commit) and the JobMaster ends
 * them. A stop-with-savepoint with drain (`drainToSavepoint`) lets every task reach its end: the final snapshots are
 * written as the savepoint before the final checkpoint completes.
 *
 * Threading model: called from the JobMaster's event loop only; storage writes are asynchronous and completions are
 * written one after another, in id order.
 */
import { END_OF_INPUT_CHECKPOINT_ID } from '../connector/sink.js';
import { describeCause, ErrorCodes, WeirError } from '../errors.js';
import { CHECKPOINT_PAYLOAD_VERSION, taskStateFileName, type CheckpointData, type CheckpointPayload } from './checkpoint-data.js';
import { checkpointsToDiscard } from './storage/checkpoint-retention.js';
import type { CheckpointStorageLocation } from './storage/checkpoint-storage-location.js';
import type { JobCheckpointStorage } from './storage/job-checkpoint-storage.js';
import type { StateHandle } from './storage/state-handle.js';

/** The settings the coordinator works with. */
export interface CheckpointCoordinatorSettings {
  /** Periodic checkpoints every `interval` ms; 0 for none (only the final checkpoint). */
  readonly interval: number;
  readonly timeout: number;
  readonly minPause: number;
  readonly maxConcurrent: number;
  readonly tolerableFailures: number;
  readonly retained: number;
}

/** A task the coordinator waits for. */
export interface CoordinatedTask {
  readonly vertexId: string;
  readonly subtask: number;
  readonly parallelism: number;
  readonly isSource: boolean;
}

/** Statistics of one checkpoint (readable from the JobClient). */
export interface CheckpointStats {
  readonly checkpointId: number;
  /** A savepoint rather than a checkpoint. */
  readonly savepoint: boolean;
  readonly status: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  readonly triggerTimestamp: number;
  /** From trigger to completion or failure, in ms. */
  readonly durationMs: number | undefined;
  /** Bytes of task state written. */
  readonly stateSize: number;
  /** Where it is stored, once completed. */
  readonly externalPath: string | undefined;
  /** Why it failed. */
  readonly failureMessage: string | undefined;
}

/** What the coordinator asks of the JobMaster. */
export interface CheckpointCoordinatorHooks {
  /**
   * Takes the enumerators' states (by source operator id) and puts a trigger into every running source task
   * (`savepoint` set for a savepoint).
   */
  triggerSources(checkpointId: number, timestamp: number, savepoint: SavepointTrigger | undefined): Readonly<Record<string, unknown>>;
  /** Tells every task that checkpoint `checkpointId` completed. */
  notifyComplete(checkpointId: number): void;
  /** A checkpoint completed (the JobMaster keeps the latest for restarts). */
  onCompleted(data: CheckpointData): void;
  /** Too many checkpoint failures: the job fails (and may restart). */
  failJob(error: Error): void;
  /** Records the statistics of a checkpoint. */
  onStats(stats: CheckpointStats): void;
}

/** A savepoint asked for: where it goes, and who waits for its pointer. */
export interface SavepointRequest {
  /** The job's storage, which writes the savepoint. */
  readonly storage: JobCheckpointStorage;
  /** The target directory, in the storage's terms (undefined: the storage's default savepoint directory). */
  readonly target: string | undefined;
  /** Called with the savepoint's pointer once it is complete. */
  readonly resolve: (pointer: string) => void;
  /** Called when it failed (`CHECKPOINT_FAILED`). */
  readonly reject: (error: WeirError) => void;
}

/** What the sources do at a savepoint's barrier. */
export interface SavepointTrigger {
  /** Stop reading behind the barrier (stop with savepoint, no drain). */
  readonly suspend: boolean;
}

interface PendingCheckpoint {
  readonly checkpointId: number;
  readonly timestamp: number;
  readonly enumerators: Readonly<Record<string, unknown>>;
  readonly acks: Map<string, Uint8Array>;
  readonly timer: NodeJS.Timeout | undefined;
  /** Set for a savepoint. */
  readonly savepoint?: SavepointRequest & SavepointTrigger;
}

const taskKey = (vertexId: string, subtask: number): string => `${vertexId}#${subtask}`;

/** Coordinates the checkpoints of one attempt; see the module documentation. */
export class CheckpointCoordinator {
  private readonly pending = new Map<number, PendingCheckpoint>();
  private readonly finished = new Map<string, Uint8Array>();
  private readonly tasks: Map<string, CoordinatedTask>;
  private nextId: number;
  private lastEnded = 0;
  private consecutiveFailures = 0;
  private periodic: NodeJS.Timeout | undefined;
  private completing: Promise<void> = Promise.resolve();
  /** Checkpoints acknowledged by every task whose files are being written: still in progress for `maxConcurrent`. */
  private writing = 0;
  private stopped = false;
  /** A stop-with-savepoint with drain: the final snapshots become this savepoint. */
  private finalSavepoint: { readonly checkpointId: number; readonly timestamp: number; readonly request: SavepointRequest; readonly enumerators: Readonly<Record<string, unknown>> } | undefined;

  /**
   * A coordinator for `tasks`; ids start after `lastCheckpointId`. `completedLocations` are the retained completed
   * checkpoints of the job (shared by its attempts): the coordinator adds to it and discards the oldest.
   */
  constructor(
    private readonly settings: CheckpointCoordinatorSettings,
    tasks: readonly CoordinatedTask[],
    private readonly storage: JobCheckpointStorage | undefined,
    lastCheckpointId: number,
    private readonly completedLocations: Map<number, CheckpointStorageLocation>,
    private readonly hooks: CheckpointCoordinatorHooks,
  ) {
    this.tasks = new Map(tasks.map((t) => [taskKey(t.vertexId, t.subtask), t]));
    this.nextId = lastCheckpointId + 1;
  }

  /** The id the next checkpoint gets. */
  get nextCheckpointId(): number {
    return this.nextId;
  }

  /** Starts periodic checkpoints (if an interval is set). */
  start(): void {
    if (this.settings.interval <= 0 || this.stopped) return;
    this.periodic = setInterval(() => this.triggerPeriodic(), this.settings.interval);
  }

  /** Stops triggering and abandons checkpoints in progress (the attempt ended); waits for a write in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.periodic !== undefined) clearInterval(this.periodic);
    for (const p of this.pending.values()) {
      if (p.timer !== undefined) clearTimeout(p.timer);
      p.savepoint?.reject(savepointFailed(p.checkpointId, 'the job attempt ended before it completed'));
    }
    this.pending.clear();
    await this.completing.catch(() => undefined);
    this.finalSavepoint?.request.reject(savepointFailed(this.finalSavepoint.checkpointId, 'the job attempt ended before every task reached its end'));
    this.finalSavepoint = undefined;
  }

  private triggerPeriodic(): void {
    // A checkpoint counts as in progress until its files are written (slow storage must not pile checkpoints up).
    if (this.stopped || this.pending.size + this.writing >= this.settings.maxConcurrent) return;
    if (Date.now() - this.lastEnded < this.settings.minPause) return;
    if (this.finished.size === this.tasks.size) return;
    this.trigger();
  }

  /** Triggers a checkpoint now; returns its id. */
  trigger(): number {
    return this.begin(undefined);
  }

  /**
   * Triggers a savepoint now (whatever `maxConcurrent` and `minPause` say); returns its id. The request is resolved
   * with its pointer once it is written, or rejected. With `suspend`, the sources stop reading behind its barrier and
   * the tasks are told when it completes (sinks commit).
   */
  triggerSavepoint(request: SavepointRequest, trigger: SavepointTrigger): number {
    if (this.stopped) {
      const checkpointId = this.nextId++;
      request.reject(savepointFailed(checkpointId, 'the job attempt is ending'));
      return checkpointId;
    }
    return this.begin({ ...request, ...trigger });
  }

  /**
   * Stop with savepoint and drain: `takeEnumerators` gives the sources' states, taken as the sources are told to end
   * (no split may be assigned after that). When every task has reached its end, their final snapshots are written as
   * a savepoint before the final checkpoint completes; the request gets its pointer. Returns the savepoint's id.
   */
  drainToSavepoint(request: SavepointRequest, takeEnumerators: (checkpointId: number) => Readonly<Record<string, unknown>>): number {
    const checkpointId = this.nextId++;
    if (this.stopped || this.finalSavepoint !== undefined) {
      request.reject(savepointFailed(checkpointId, this.stopped ? 'the job attempt is ending' : 'the job is already stopping with a savepoint'));
      return checkpointId;
    }
    this.finalSavepoint = { checkpointId, timestamp: Date.now(), request, enumerators: takeEnumerators(checkpointId) };
    this.hooks.onStats({ ...emptyStats(checkpointId, this.finalSavepoint.timestamp), status: 'IN_PROGRESS' });
    if (this.finished.size === this.tasks.size) this.completing = this.completing.then(() => this.writeFinalSavepoint());
    return checkpointId;
  }

  private begin(savepoint: PendingCheckpoint['savepoint']): number {
    const checkpointId = this.nextId++;
    const timestamp = Date.now();
    const enumerators = this.hooks.triggerSources(checkpointId, timestamp, savepoint === undefined ? undefined : { suspend: savepoint.suspend });
    const timer = setTimeout(() => this.abort(checkpointId, `it did not complete within the timeout of ${this.settings.timeout} ms`), this.settings.timeout);
    const pending: PendingCheckpoint = { checkpointId, timestamp, enumerators, acks: new Map(this.finished), timer, savepoint };
    this.pending.set(checkpointId, pending);
    this.hooks.onStats(this.stats(pending, 'IN_PROGRESS'));
    this.completeIfAcknowledged(pending);
    return checkpointId;
  }

  /** A task acknowledged checkpoint `checkpointId` with its state. */
  acknowledge(vertexId: string, subtask: number, checkpointId: number, state: Uint8Array): void {
    const pending = this.pending.get(checkpointId);
    if (pending === undefined) return; // aborted or from before a restart
    pending.acks.set(taskKey(vertexId, subtask), state);
    this.completeIfAcknowledged(pending);
  }

  /** A task could not take its part of checkpoint `checkpointId`. */
  decline(vertexId: string, subtask: number, checkpointId: number, error: Error): void {
    this.abort(checkpointId, `task ${vertexId}#${subtask} declined it: ${describeCause(error)}`);
  }

  /** A task ended and took its final snapshot. */
  taskFinished(vertexId: string, subtask: number, state: Uint8Array): void {
    const key = taskKey(vertexId, subtask);
    this.finished.set(key, state);
    for (const pending of [...this.pending.values()]) {
      if (!pending.acks.has(key)) pending.acks.set(key, state);
      this.completeIfAcknowledged(pending);
    }
    if (this.finished.size === this.tasks.size) {
      // The final checkpoint: after every pending one (and a drained savepoint) was written, the tasks commit their
      // last output and end.
      this.completing = this.completing
        .then(() => this.writeFinalSavepoint())
        .then(() => {
          if (!this.stopped) this.hooks.notifyComplete(END_OF_INPUT_CHECKPOINT_ID);
        });
    }
  }

  /** Writes the final snapshots as the drained savepoint, if one was asked for. */
  private async writeFinalSavepoint(): Promise<void> {
    const final = this.finalSavepoint;
    if (final === undefined || this.stopped) return;
    this.finalSavepoint = undefined;
    const { checkpointId, timestamp, request, enumerators } = final;
    const tasks = this.taskStates(this.finished);
    try {
      const { pointer } = await this.write(request.storage, checkpointId, timestamp, enumerators, tasks, request);
      this.hooks.onStats({ ...emptyStats(checkpointId, timestamp), status: 'COMPLETED', durationMs: Date.now() - timestamp, stateSize: sizeOf(tasks), externalPath: pointer });
      request.resolve(pointer);
    } catch (e) {
      const reason = `its state could not be written: ${describeCause(e)}`;
      this.hooks.onStats({ ...emptyStats(checkpointId, timestamp), status: 'FAILED', durationMs: Date.now() - timestamp, failureMessage: reason });
      request.reject(savepointFailed(checkpointId, reason, e));
    }
  }

  private taskStates(acks: ReadonlyMap<string, Uint8Array>): CompletedTaskState[] {
    return [...acks.entries()].map(([key, state]) => {
      const t = this.tasks.get(key)!;
      return { vertexId: t.vertexId, subtask: t.subtask, parallelism: t.parallelism, state };
    });
  }

  /**
   * Writes a checkpoint or savepoint: task state files, then `_metadata` last; returns its pointer. A failed write is
   * discarded (and rethrown).
   */
  private async write(
    storage: JobCheckpointStorage,
    checkpointId: number,
    timestamp: number,
    enumerators: Readonly<Record<string, unknown>>,
    tasks: readonly CompletedTaskState[],
    savepoint: SavepointRequest | undefined,
  ): Promise<CheckpointStorageLocation> {
    const location = await storage.initializeLocation(checkpointId, savepoint === undefined ? 'checkpoint' : 'savepoint', savepoint?.target);
    try {
      const handles: StateHandle[] = [];
      for (const t of tasks) handles.push(await storage.writeState(location, taskStateFileName(t.vertexId, t.subtask), t.state));
      const payload: CheckpointPayload = {
        version: CHECKPOINT_PAYLOAD_VERSION,
        savepoint: savepoint !== undefined,
        enumerators,
        tasks: tasks.map((t, i) => ({ vertexId: t.vertexId, subtask: t.subtask, parallelism: t.parallelism, file: handles[i].name })),
      };
      await storage.commit(location, { timestamp, handles, payload });
      return location;
    } catch (e) {
      await storage.discard(location).catch(() => undefined);
      throw e;
    }
  }

  private completeIfAcknowledged(pending: PendingCheckpoint): void {
    if (pending.acks.size < this.tasks.size || this.pending.get(pending.checkpointId) !== pending) return;
    this.pending.delete(pending.checkpointId);
    if (pending.timer !== undefined) clearTimeout(pending.timer);
    this.writing++;
    this.completing = this.completing.then(() => this.complete(pending)).finally(() => this.writing--);
  }

  private async complete(pending: PendingCheckpoint): Promise<void> {
    if (this.stopped) return;
    const { checkpointId, timestamp, savepoint } = pending;
    const tasks = this.taskStates(pending.acks);
    const stateSize = sizeOf(tasks);
    const storage = savepoint?.storage ?? this.storage;
    let location: CheckpointStorageLocation | undefined;
    if (storage !== undefined) {
      try {
        location = await this.write(storage, checkpointId, timestamp, pending.enumerators, tasks, savepoint);
      } catch (e) {
        this.failed(pending, e);
        return;
      }
    }
    const pointer = location?.pointer;
    if (this.stopped) return;
    if (savepoint !== undefined) {
      this.hooks.onStats({ ...this.stats(pending, 'COMPLETED'), stateSize, externalPath: pointer });
      // Only a savepoint that stops the job commits (its sources read nothing more); an intermediate one does not.
      if (savepoint.suspend) this.hooks.notifyComplete(checkpointId);
      savepoint.resolve(pointer!);
      return;
    }
    this.consecutiveFailures = 0;
    this.lastEnded = Date.now();
    // A completed checkpoint subsumes older ones still in progress (savepoints are never subsumed).
    for (const [id, p] of [...this.pending.entries()]) if (id < checkpointId && p.savepoint === undefined) this.abort(id, `checkpoint ${checkpointId} completed first`, false);
    this.hooks.onCompleted({ checkpointId, timestamp, savepoint: false, pointer, enumerators: pending.enumerators, tasks });
    this.hooks.onStats({ ...this.stats(pending, 'COMPLETED'), stateSize, externalPath: pointer });
    this.hooks.notifyComplete(checkpointId);
    if (this.storage !== undefined && location !== undefined) {
      this.completedLocations.set(checkpointId, location);
      for (const id of checkpointsToDiscard(this.completedLocations.keys(), this.settings.retained)) {
        const old = this.completedLocations.get(id)!;
        this.completedLocations.delete(id);
        await this.storage.discard(old).catch(() => undefined);
      }
    }
  }

  private failed(pending: PendingCheckpoint, e: unknown): void {
    this.countFailure(pending, `its state could not be written: ${describeCause(e)}`, e);
  }

  private abort(checkpointId: number, reason: string, counts = true): void {
    const pending = this.pending.get(checkpointId);
    if (pending === undefined) return;
    this.pending.delete(checkpointId);
    if (pending.timer !== undefined) clearTimeout(pending.timer);
    if (counts || pending.savepoint !== undefined) this.countFailure(pending, reason);
    else this.hooks.onStats({ ...this.stats(pending, 'FAILED'), failureMessage: reason });
  }

  private countFailure(pending: PendingCheckpoint, reason: string, cause?: unknown): void {
    this.hooks.onStats({ ...this.stats(pending, 'FAILED'), failureMessage: reason });
    if (pending.savepoint !== undefined) {
      // A failed savepoint fails its request, not the job.
      pending.savepoint.reject(savepointFailed(pending.checkpointId, reason, cause));
      return;
    }
    this.lastEnded = Date.now();
    if (this.stopped) return;
    this.consecutiveFailures++;
    if (this.consecutiveFailures > this.settings.tolerableFailures) {
      this.hooks.failJob(
        new WeirError(
          ErrorCodes.CHECKPOINT_FAILED,
          `Checkpoint ${pending.checkpointId} failed: ${reason} (${this.consecutiveFailures} checkpoint failure(s) in a row; tolerable: ${this.settings.tolerableFailures})`,
        ),
      );
    }
  }

  private stats(pending: PendingCheckpoint, status: CheckpointStats['status']): CheckpointStats {
    return {
      ...emptyStats(pending.checkpointId, pending.timestamp),
      savepoint: pending.savepoint !== undefined,
      status,
      durationMs: status === 'IN_PROGRESS' ? undefined : Date.now() - pending.timestamp,
    };
  }
}

/** The state of one task in a completed checkpoint. */
interface CompletedTaskState {
  readonly vertexId: string;
  readonly subtask: number;
  readonly parallelism: number;
  readonly state: Uint8Array;
}

function sizeOf(tasks: readonly CompletedTaskState[]): number {
  return tasks.reduce((n, t) => n + t.state.byteLength, 0);
}

function emptyStats(checkpointId: number, triggerTimestamp: number): CheckpointStats {
  return { checkpointId, savepoint: true, status: 'IN_PROGRESS', triggerTimestamp, durationMs: undefined, stateSize: 0, externalPath: undefined, failureMessage: undefined };
}

function savepointFailed(checkpointId: number, reason: string, cause?: unknown): WeirError {
  return new WeirError(ErrorCodes.CHECKPOINT_FAILED, `Savepoint ${checkpointId} failed: ${reason}`, cause === undefined ? undefined : { cause });
}
