/**
 * The bytes of a task's part of a checkpoint: a `TaskSnapshot` in msgpack, written as record values are (Maps, `-0`
 * and msgpackr's extra types survive a restore). Encoded by the task as soon as its operators took their snapshots,
 * so that later changes to state objects (kept by reference in memory) cannot reach the checkpoint.
 */
import { packValue, unpackValue } from '../codec/value-packr.js';
import { ErrorCodes, WeirError } from '../errors.js';
import type { TaskSnapshot } from './task-state.js';

/** Encodes a task snapshot. */
export function encodeTaskSnapshot(snapshot: TaskSnapshot): Uint8Array {
  return packValue(snapshot);
}

/** Decodes a task snapshot; `CHECKPOINT_CORRUPT` naming `source` when the bytes are not one. */
export function decodeTaskSnapshot(bytes: Uint8Array, source: string): TaskSnapshot {
  let value: unknown;
  try {
    value = unpackValue(bytes);
  } catch (e) {
    throw new WeirError(ErrorCodes.CHECKPOINT_CORRUPT, `The task state ${source} cannot be decoded: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const operators = (value as { operators?: unknown } | null)?.operators;
  if (typeof operators !== 'object' || operators === null || Array.isArray(operators)) {
    throw new WeirError(ErrorCodes.CHECKPOINT_CORRUPT, `The task state ${source} is not a task snapshot (no operators)`);
  }
  return value as TaskSnapshot;
}
