/**
 * Runs a generator as a coroutine whose `yield`s may be plain values or promises: it resumes synchronously on plain
 * values and only becomes asynchronous at the first promise. Operators write their logic once (as in Flink's
 * WindowOperator) and stay allocation-light and promise-free when the state backend and triggers are synchronous.
 */
import { isThenable } from '../state/maybe-async.js';
import type { MaybePromise } from './stream-operator.js';

/** A step function: `const result = yield maybeAsyncCall()`. */
export type Steps = Generator<unknown, void, any>;

/** Runs `steps` to the end; returns a promise only if some step yielded one. */
export function runSteps(steps: Steps): MaybePromise {
  return resume(steps, undefined);
}

function resume(steps: Steps, input: unknown): MaybePromise {
  let next = steps.next(input);
  while (!next.done) {
    const value = next.value;
    if (isThenable(value)) {
      return Promise.resolve(value).then(
        (result) => resume(steps, result),
        (error: unknown) => rethrowInto(steps, error),
      );
    }
    next = steps.next(value);
  }
  return undefined;
}

function rethrowInto(steps: Steps, error: unknown): MaybePromise {
  const next = steps.throw(error);
  if (next.done) return undefined;
  const value = next.value;
  if (isThenable(value)) {
    return Promise.resolve(value).then(
      (result) => resume(steps, result),
      (e: unknown) => rethrowInto(steps, e),
    );
  }
  return resume(steps, value);
}
