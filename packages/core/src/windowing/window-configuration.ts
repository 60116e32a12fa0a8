/**
 * Checks of a window's configuration (assigner, trigger, evictor, allowed lateness) that Flink's `WindowedStream`
 * makes when the pipeline is built. Programmer mistakes: `TypeError`.
 */
import type { Evictor } from './evictor.js';
import type { Trigger } from './trigger.js';
import { isMergingWindowAssigner, type WindowAssigner } from './window-assigner.js';

/** Throws a TypeError unless `allowedLateness` is a number of milliseconds >= 0. */
export function checkAllowedLateness(allowedLateness: number): void {
  if (typeof allowedLateness !== 'number' || Number.isNaN(allowedLateness) || allowedLateness < 0) {
    throw new TypeError(`The allowed lateness cannot be negative (got ${String(allowedLateness)})`);
  }
}

/**
 * Throws a TypeError if the combination cannot work: a merging assigner (session windows) needs a trigger that can
 * merge, and cannot be used with an evictor.
 */
export function checkWindowConfiguration(
  assigner: WindowAssigner<any, any>,
  trigger: Trigger<any, any>,
  evictor?: Evictor<any, any>,
): void {
  if (!isMergingWindowAssigner(assigner)) return;
  if (!trigger.canMerge()) {
    throw new TypeError(`A merging window assigner (${String(assigner)}) cannot be used with a trigger that does not support merging (${String(trigger)})`);
  }
  if (evictor !== undefined) {
    throw new TypeError(`Cannot use a merging window assigner (${String(assigner)}) with an evictor`);
  }
}
