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
  /** Takes the enumerators' states (by source operator id) and puts a trigger into every running source task. */
  triggerSources(checkpointId: number, timestamp: number): Readonly<Record<string, unknown>>;
  /** Tells every task that checkpoint `checkpointId` completed. */
  notifyComplete(checkpointId: number): void;
  /** A checkpoint completed (the JobMaster keeps the latest for restarts). */
  onCompleted(data: CheckpointData): void;
  /** Too many checkpoint failures: the job fails (and may restart). */
  failJob(error: Error): void;
  /** Records the statistics of a checkpoint. */
  onStats(stats: CheckpointStats): void;
}

interface PendingCheckpoint {
  readonly checkpointId: number;
  readonly timestamp: number;
  readonly enumerators: Readonly<Record<string, unknown>>;
  readonly acks: Map<string, Uint8Array>;
  readonly timer: NodeJS.Timeout | undefined;
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
  private stopped = false;

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
    for (const p of this.pending.values()) if (p.timer !== undefined) clearTimeout(p.timer);
    this.pending.clear();
    await this.completing.catch(() => undefined);
  }

  private triggerPeriodic(): void {
    if (this.stopped || this.pending.size >= this.settings.maxConcurrent) return;
    if (Date.now() - this.lastEnded < this.settings.minPause) return;
    if (this.finished.size === this.tasks.size) return;
    this.trigger();
  }

  /** Triggers a checkpoint now; returns its id. */
  trigger(): number {
    const checkpointId = this.nextId++;
    const timestamp = Date.now();
    const enumerators = this.hooks.triggerSources(checkpointId, timestamp);
    const timer = setTimeout(() => this.abort(checkpointId, `it did not complete within the timeout of ${this.settings.timeout} ms`), this.settings.timeout);
    const pending: PendingCheckpoint = { checkpointId, timestamp, enumerators, acks: new Map(this.finished), timer };
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
      // The final checkpoint: after every pending one was written, the tasks commit their last output and end.
      this.completing = this.completing.then(() => {
        if (!this.stopped) this.hooks.notifyComplete(END_OF_INPUT_CHECKPOINT_ID);
      });
    }
  }

  private completeIfAcknowledged(pending: PendingCheckpoint): void {
    if (pending.acks.size < this.tasks.size || this.pending.get(pending.checkpointId) !== pending) return;
    this.pending.delete(pending.checkpointId);
    if (pending.timer !== undefined) clearTimeout(pending.timer);
    this.completing = this.completing.then(() => this.complete(pending));
  }

  private async complete(pending: PendingCheckpoint): Promise<void> {
    if (this.stopped) return;
    const { checkpointId, timestamp } = pending;
    const tasks = [...pending.acks.entries()].map(([key, state]) => {
      const t = this.tasks.get(key)!;
      return { vertexId: t.vertexId, subtask: t.subtask, parallelism: t.parallelism, state };
    });
    let location: CheckpointStorageLocation | undefined;
    const stateSize = tasks.reduce((n, t) => n + t.state.byteLength, 0);
    if (this.storage !== undefined) {
      location = await this.storage.initializeLocation(checkpointId, 'checkpoint').catch((e: unknown) => this.failed(pending, e));
      if (location === undefined) return;
      try {
        const handles: StateHandle[] = [];
        for (const t of tasks) handles.push(await this.storage.writeState(location, taskStateFileName(t.vertexId, t.subtask), t.state));
        const payload: CheckpointPayload = {
          version: CHECKPOINT_PAYLOAD_VERSION,
          savepoint: false,
          enumerators: pending.enumerators,
          tasks: tasks.map((t, i) => ({ vertexId: t.vertexId, subtask: t.subtask, parallelism: t.parallelism, file: handles[i].name })),
        };
        await this.storage.commit(location, { timestamp, handles, payload });
      } catch (e) {
        await this.storage.discard(location).catch(() => undefined);
        this.failed(pending, e);
        return;
      }
    }
    const pointer = location?.pointer;
    if (this.stopped) return;
    this.consecutiveFailures = 0;
    this.lastEnded = Date.now();
    // A completed checkpoint subsumes older ones still in progress.
    for (const id of [...this.pending.keys()]) if (id < checkpointId) this.abort(id, `checkpoint ${checkpointId} completed first`, false);
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

  private failed(pending: PendingCheckpoint, e: unknown): undefined {
    this.countFailure(pending, `its state could not be written: ${describeCause(e)}`);
    return undefined;
  }

  private abort(checkpointId: number, reason: string, counts = true): void {
    const pending = this.pending.get(checkpointId);
    if (pending === undefined) return;
    this.pending.delete(checkpointId);
    if (pending.timer !== undefined) clearTimeout(pending.timer);
    if (counts) this.countFailure(pending, reason);
    else this.hooks.onStats({ ...this.stats(pending, 'FAILED'), failureMessage: reason });
  }

  private countFailure(pending: PendingCheckpoint, reason: string): void {
    this.lastEnded = Date.now();
    this.hooks.onStats({ ...this.stats(pending, 'FAILED'), failureMessage: reason });
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
      checkpointId: pending.checkpointId,
      status,
      triggerTimestamp: pending.timestamp,
      durationMs: status === 'IN_PROGRESS' ? undefined : Date.now() - pending.timestamp,
      stateSize: 0,
      externalPath: undefined,
      failureMessage: undefined,
    };
  }
}
