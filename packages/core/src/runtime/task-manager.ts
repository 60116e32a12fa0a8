/**
 * A TaskManager: hosts task actors in slots. With slot sharing (Flink's default), slot `i` hosts subtask `i` of
 * every vertex of a job, so a job needs as many slots as its highest parallelism.
 */
import { ErrorCodes, WeirError } from '../errors.js';
import { StreamTask } from './stream-task.js';
import type { TaskHandle, TaskDeployment, TaskOutcome, TaskServices } from './task-deployment.js';

/** A task placed in its slot, started with `start()`. */
export interface DeployedTask {
  readonly task: TaskHandle;
  /** Starts the task; resolves with how it ended. */
  start(): Promise<TaskOutcome>;
}

/**
 * What a JobMaster needs of the TaskManager(s) that run its tasks: slots, and deploying a task into one. The
 * in-process `TaskManager` is the embedded implementation; the cluster's gateway sends control messages instead.
 */
export interface TaskManagerGateway {
  /** Reserves slots `0..count-1` for a job; fails with NOT_ENOUGH_SLOTS when there are not enough. */
  allocateSlots(jobId: string, count: number): void;
  /** Frees the slots of a job. */
  releaseSlots(jobId: string): void;
  /** Places a task in the slot of its subtask index (not started yet). */
  deploy(deployment: TaskDeployment, services: TaskServices): DeployedTask;
}

/** Hosts tasks in a fixed number of slots, in this process. */
export class TaskManager implements TaskManagerGateway {
  private readonly slotOwners = new Map<number, string>();

  /** Creates a TaskManager with `slots` slots. */
  constructor(
    readonly id: string,
    readonly slots: number,
  ) {
    if (!Number.isInteger(slots) || slots < 1) throw new TypeError(`A TaskManager needs at least one slot, got ${slots}`);
  }

  /** Reserves slots `0..count-1` for a job; fails with NOT_ENOUGH_SLOTS when the job needs more than there are. */
  allocateSlots(jobId: string, count: number): void {
    if (count > this.slots) {
      throw new WeirError(ErrorCodes.NOT_ENOUGH_SLOTS, `The job needs ${count} slots but TaskManager ${this.id} has ${this.slots}`);
    }
    for (let i = 0; i < count; i++) {
      const owner = this.slotOwners.get(i);
      if (owner !== undefined && owner !== jobId) {
        throw new WeirError(ErrorCodes.NOT_ENOUGH_SLOTS, `Slot ${i} of TaskManager ${this.id} is taken by job ${owner}`);
      }
      this.slotOwners.set(i, jobId);
    }
  }

  /** Frees the slots of a job. */
  releaseSlots(jobId: string): void {
    for (const [slot, owner] of this.slotOwners) if (owner === jobId) this.slotOwners.delete(slot);
  }

  /** Places a task in the slot of its subtask index. */
  deploy(deployment: TaskDeployment, services: TaskServices): DeployedTask {
    if (this.slotOwners.get(deployment.subtaskIndex) !== deployment.jobId) {
      throw new WeirError(ErrorCodes.NOT_ENOUGH_SLOTS, `Slot ${deployment.subtaskIndex} of TaskManager ${this.id} is not allocated to job ${deployment.jobId}`);
    }
    const task = new StreamTask(deployment, services);
    return { task, start: () => task.run() };
  }
}
