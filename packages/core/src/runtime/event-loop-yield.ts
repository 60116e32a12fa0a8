/**
 * Fair sharing of the one event loop among the actors of a process. Actors hand frames and credits to each other
 * through microtasks, which could starve timers and I/O; every actor therefore checks, between units of work,
 * whether the process has gone too long without a macrotask turn and if so waits for one (`setImmediate`).
 */
import { performance } from 'node:perf_hooks';

/** The longest stretch of work before actors let timers and I/O run. */
export const MAX_SLICE_MS = 8;

let lastTurn = performance.now();
let turnPending: Promise<void> | undefined;

/** True when actors should let the event loop take a turn. */
export function shouldYield(): boolean {
  return performance.now() - lastTurn > MAX_SLICE_MS;
}

/** Resolves after one macrotask turn of the event loop (shared by all actors that ask at the same time). */
export function yieldToEventLoop(): Promise<void> {
  turnPending ??= new Promise((resolve) =>
    setImmediate(() => {
      lastTurn = performance.now();
      turnPending = undefined;
      resolve();
    }),
  );
  return turnPending;
}
