/**
 * A completed checkpoint or savepoint as the JobManager holds it: every task's encoded state plus the source
 * enumerators' state, in memory (for restarts in this process) and in checkpoint storage (the payload of its
 * `_metadata`, one state file per task). `assembleRestore` turns it into the state of each task of a job graph,
 * matching operators by id (uid), so a savepoint resumes another run of the job, at another parallelism too.
 */
import { basename, dirname, resolve } from 'node:path';
import { ErrorCodes, WeirError } from '../errors.js';
import type { JobGraph, JobVertex } from '../graph/job-graph.js';
import type { StreamNode } from '../graph/stream-graph.js';
import type { CheckpointStorage } from './storage/checkpoint-storage.js';
import { LocalDirectoryCheckpointStorage } from './storage/local-directory-checkpoint-storage.js';
import type { StateHandle } from './storage/state-handle.js';
import { decodeTaskSnapshot } from './task-snapshot-codec.js';
import { restoreOperatorState, type OperatorSnapshot, type RestoredOperatorState } from './task-state.js';

/** The version of the payload format in `_metadata`. */
export const CHECKPOINT_PAYLOAD_VERSION = 1;

/** One task's part of a completed checkpoint. */
export interface TaskStateEntry {
  readonly vertexId: string;
  readonly subtask: number;
  readonly parallelism: number;
  /** The encoded `TaskSnapshot`. */
  readonly state: Uint8Array;
}

/** A completed checkpoint or savepoint. */
export interface CheckpointData {
  readonly checkpointId: number;
  readonly timestamp: number;
  readonly savepoint: boolean;
  /** Where it is stored (a directory for the local storage), if it is. */
  readonly pointer: string | undefined;
  /** The source enumerators' states by source operator id. */
  readonly enumerators: Readonly<Record<string, unknown>>;
  /** Every task's state. */
  readonly tasks: readonly TaskStateEntry[];
}

/** The `_metadata` payload: everything of a checkpoint but the task states, which are files. */
export interface CheckpointPayload {
  readonly version: number;
  readonly savepoint: boolean;
  readonly enumerators: Readonly<Record<string, unknown>>;
  readonly tasks: readonly { readonly vertexId: string; readonly subtask: number; readonly parallelism: number; readonly file: string }[];
}

/** The state file name of a task (storage names allow `[A-Za-z0-9._-]`). */
export function taskStateFileName(vertexId: string, subtask: number): string {
  return `task-${vertexId.replace(/[^A-Za-z0-9._-]/g, '_')}-${subtask}`;
}

function corrupt(pointer: string, problem: string): WeirError {
  return new WeirError(ErrorCodes.CHECKPOINT_CORRUPT, `Checkpoint ${pointer}: ${problem}`);
}

/** Reads a completed checkpoint or savepoint from storage (verifying checksums) at `pointer`. */
export async function loadCheckpointData(storage: CheckpointStorage, pointer: string): Promise<CheckpointData> {
  const completed = await storage.loadCompletedCheckpoint(pointer, { verifyChecksums: true });
  const payload = completed.metadata.payload as CheckpointPayload | undefined;
  if (payload?.version !== CHECKPOINT_PAYLOAD_VERSION || !Array.isArray(payload.tasks) || typeof payload.enumerators !== 'object') {
    throw corrupt(completed.location.pointer, `its metadata is not a weir checkpoint of version ${CHECKPOINT_PAYLOAD_VERSION}`);
  }
  const handles = new Map<string, StateHandle>(completed.metadata.handles.map((h) => [h.name, h]));
  const tasks: TaskStateEntry[] = [];
  for (const t of payload.tasks) {
    const handle = handles.get(t.file);
    if (handle === undefined) throw corrupt(completed.location.pointer, `the state file ${t.file} of task ${t.vertexId}#${t.subtask} is not listed`);
    tasks.push({ vertexId: t.vertexId, subtask: t.subtask, parallelism: t.parallelism, state: await storage.readState(completed.location, handle) });
  }
  return {
    checkpointId: completed.metadata.checkpointId,
    timestamp: completed.metadata.timestamp,
    savepoint: payload.savepoint,
    pointer: completed.location.pointer,
    enumerators: payload.enumerators,
    tasks,
  };
}

/**
 * Finds what `pointer` names, for `--from-savepoint`: a checkpoint or savepoint (its directory or `_metadata`); else a
 * job's checkpoint directory (`<storage>/<jobId>`: its newest checkpoint that verifies); else a checkpoint storage
 * directory (the newest valid checkpoint of the job that checkpointed last, as after the whole process was killed).
 * Corrupt or truncated checkpoints are reported through `onWarning` and the previous one is used.
 */
export async function resolveCheckpointPointer(pointer: string, onWarning: (message: string) => void): Promise<CheckpointData> {
  const direct = new LocalDirectoryCheckpointStorage();
  try {
    return await loadCheckpointData(direct, pointer);
  } catch (e) {
    if (!(e instanceof WeirError) || e.code !== ErrorCodes.CHECKPOINT_NOT_FOUND) throw e;
  }
  const absolute = resolve(pointer);
  const candidates: [CheckpointStorage, string | undefined][] = [];
  if (/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(basename(absolute))) candidates.push([new LocalDirectoryCheckpointStorage(dirname(absolute)), basename(absolute)]);
  candidates.push([new LocalDirectoryCheckpointStorage(absolute), undefined]);
  for (const [storage, jobId] of candidates) {
    const found = await storage.findLatestValid({ jobId, onWarning: (message) => onWarning(message) }).catch(() => undefined);
    if (found !== undefined) return loadCheckpointData(storage, found.location.pointer);
  }
  throw new WeirError(ErrorCodes.CHECKPOINT_NOT_FOUND, `No valid checkpoint or savepoint at ${pointer} (neither a checkpoint directory, a job's checkpoints nor a checkpoint storage directory)`);
}

/** What an attempt of a job starts from. */
export interface JobRestore {
  /** The checkpoint's id. */
  readonly checkpointId: number;
  /** Per task (`vertexId#subtask`), the state of its operators by operator id. */
  readonly tasks: ReadonlyMap<string, ReadonlyMap<string, RestoredOperatorState>>;
  /** Per source vertex id, the enumerator's state. */
  readonly enumerators: ReadonlyMap<string, unknown>;
}

/** Whether an operator snapshot holds any state. */
function holdsState(s: OperatorSnapshot): boolean {
  return (
    (s.keyed?.keyGroups.length ?? 0) > 0 ||
    (s.eventTimers?.keyGroups.length ?? 0) > 0 ||
    (s.processingTimers?.keyGroups.length ?? 0) > 0 ||
    Object.values(s.lists ?? {}).some((l) => l.items.length > 0) ||
    (s.splits?.length ?? 0) > 0
  );
}

/**
 * The state of every task of `jobGraph` from checkpoint `data`, with `operatorIdOf` naming operators. State of an
 * operator the job does not have is `SAVEPOINT_MISMATCH`, unless `allowNonRestoredState`.
 */
export function assembleRestore(
  data: CheckpointData,
  jobGraph: JobGraph,
  operatorIdOf: (node: StreamNode) => string,
  allowNonRestoredState: boolean,
): JobRestore {
  const byOperator = new Map<string, (OperatorSnapshot | undefined)[]>();
  for (const t of data.tasks) {
    const snapshot = decodeTaskSnapshot(t.state, `of task ${t.vertexId}#${t.subtask} in checkpoint ${data.checkpointId}`);
    for (const [id, operator] of Object.entries(snapshot.operators)) {
      let list = byOperator.get(id);
      if (list === undefined) byOperator.set(id, (list = new Array<OperatorSnapshot | undefined>(t.parallelism).fill(undefined)));
      list[t.subtask] = operator;
    }
  }
  const idsOf = (v: JobVertex): string[] => v.nodes.map(operatorIdOf);
  const known = new Set(jobGraph.vertices.flatMap(idsOf));
  const unknown = [...byOperator.entries()].filter(([id, list]) => !known.has(id) && list.some((s) => s !== undefined && holdsState(s))).map(([id]) => id);
  if (unknown.length > 0 && !allowNonRestoredState) {
    throw new WeirError(
      ErrorCodes.SAVEPOINT_MISMATCH,
      `${data.savepoint ? 'Savepoint' : 'Checkpoint'} ${data.pointer ?? data.checkpointId} holds state of operators this job does not have: ${unknown.join(', ')}. ` +
        'Give those operators the same uid() as before, or allow non-restored state (--allow-non-restored-state) to drop it.',
    );
  }
  const tasks = new Map<string, Map<string, RestoredOperatorState>>();
  const enumerators = new Map<string, unknown>();
  for (const vertex of jobGraph.vertices) {
    if (vertex.head.kind === 'source') {
      const state = data.enumerators[operatorIdOf(vertex.head)];
      if (state !== undefined) enumerators.set(vertex.id, state);
    }
    for (let subtask = 0; subtask < vertex.parallelism; subtask++) {
      const operators = new Map<string, RestoredOperatorState>();
      for (const id of idsOf(vertex)) {
        const old = byOperator.get(id);
        if (old !== undefined) operators.set(id, restoreOperatorState(data.checkpointId, old, vertex.parallelism, subtask));
      }
      tasks.set(`${vertex.id}#${subtask}`, operators);
    }
  }
  return { checkpointId: data.checkpointId, tasks, enumerators };
}
