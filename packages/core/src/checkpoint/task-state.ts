/**
 * What tasks put into checkpoints and get back on restore. Plain, msgpack-able data.
 *
 * A task's snapshot holds one {@link OperatorSnapshot} per operator of its chain, by operator id (the uid, or an id
 * derived from the job's shape), so a savepoint is matched to a job by operator, not by task. On restore, each new
 * subtask gets a {@link RestoredOperatorState} assembled from the snapshots of all old subtasks: keyed state and
 * timers of every old subtask (the backend and the timer queues keep the key groups they own), and operator list
 * states and source splits redistributed: each subtask keeps its own when the parallelism is unchanged, else the
 * items are dealt out round-robin (`split`) or given to every subtask (`union`).
 */
import type { SourceSplit } from '../connector/source.js';
import type { KeyedStateSnapshot } from '../state/keyed-state-snapshot.js';
import type { TimerQueueSnapshot } from '../state/timer-queue.js';

/**
 * How an operator list state is redistributed on restore: `split` deals the items out, `union` gives every subtask
 * all items, `broadcast` gives new subtask `i` the items of old subtask `i % oldParallelism` (broadcast state: every
 * old subtask holds the same copy, as in Flink).
 */
export type ListStateMode = 'split' | 'union' | 'broadcast';

/** One operator list state in a snapshot. */
export interface ListStateSnapshot {
  /** How it is redistributed. */
  readonly mode: ListStateMode;
  /** Its items. */
  readonly items: readonly unknown[];
}

/** What one operator instance puts into a checkpoint. */
export interface OperatorSnapshot {
  /** The keyed state backend's snapshot (keyed operators). */
  readonly keyed?: KeyedStateSnapshot;
  /** Event-time timers (keyed operators). */
  readonly eventTimers?: TimerQueueSnapshot;
  /** Processing-time timers (keyed operators). */
  readonly processingTimers?: TimerQueueSnapshot;
  /** Operator list states by name (CheckpointedFunction, sinks, broadcast state). */
  readonly lists?: Readonly<Record<string, ListStateSnapshot>>;
  /** The unfinished splits of a source reader, with their positions. */
  readonly splits?: readonly SourceSplit[];
}

/** What one task puts into a checkpoint: the snapshots of its operators by operator id. */
export interface TaskSnapshot {
  /** By operator id. */
  readonly operators: Readonly<Record<string, OperatorSnapshot>>;
}

/** What one operator instance is restored from. */
export interface RestoredOperatorState {
  /** The id of the checkpoint or savepoint. */
  readonly checkpointId: number;
  /** Keyed state snapshots of every old subtask. */
  readonly keyed: readonly KeyedStateSnapshot[];
  /** Event-time timer snapshots of every old subtask. */
  readonly eventTimers: readonly TimerQueueSnapshot[];
  /** Processing-time timer snapshots of every old subtask. */
  readonly processingTimers: readonly TimerQueueSnapshot[];
  /** This subtask's share of every operator list state, by name. */
  readonly lists: ReadonlyMap<string, readonly unknown[]>;
  /** This subtask's share of the source splits (source operators). */
  readonly splits: readonly SourceSplit[];
}

/** Deals `perSubtask` (the items of each old subtask) out to `parallelism` new subtasks; returns subtask `index`'s. */
function redistribute<T>(perSubtask: readonly (readonly T[])[], parallelism: number, index: number): T[] {
  if (perSubtask.length === parallelism) return [...(perSubtask[index] ?? [])];
  const all = perSubtask.flat();
  return all.filter((_item, i) => i % parallelism === index);
}

/**
 * The state of one operator instance (subtask `index` of `parallelism`) from the snapshots of the old subtasks of
 * the same operator (`old[i]` is old subtask i's, undefined when it had none).
 */
export function restoreOperatorState(
  checkpointId: number,
  old: readonly (OperatorSnapshot | undefined)[],
  parallelism: number,
  index: number,
): RestoredOperatorState {
  const present = old.filter((s): s is OperatorSnapshot => s !== undefined);
  const names = new Map<string, ListStateMode>();
  for (const s of present) for (const [name, list] of Object.entries(s.lists ?? {})) names.set(name, list.mode);
  const lists = new Map<string, readonly unknown[]>();
  for (const [name, mode] of names) {
    const perSubtask = old.map((s) => s?.lists?.[name]?.items ?? []);
    lists.set(name, mode === 'union' ? perSubtask.flat() : mode === 'broadcast' ? [...perSubtask[index % perSubtask.length]] : redistribute(perSubtask, parallelism, index));
  }
  return {
    checkpointId,
    keyed: present.flatMap((s) => (s.keyed === undefined ? [] : [s.keyed])),
    eventTimers: present.flatMap((s) => (s.eventTimers === undefined ? [] : [s.eventTimers])),
    processingTimers: present.flatMap((s) => (s.processingTimers === undefined ? [] : [s.processingTimers])),
    lists,
    splits: redistribute(
      old.map((s) => s?.splits ?? []),
      parallelism,
      index,
    ),
  };
}
