/**
 * Maybe-async values: the return type of the internal state interfaces. A backend that holds its state in memory
 * returns plain values, so the hot path of a built-in operator creates no promise; a backend that reads from disk
 * returns promises. Callers test with {@link isThenable} (or simply `await`, which accepts both).
 */

/** A plain value, or a promise of one. */
export type MaybeAsync<T> = T | Promise<T>;

/** True when `value` is a promise (a thenable). State values are plain data, so they are never thenables. */
export function isThenable<T>(value: MaybeAsync<T>): value is Promise<T> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** Applies `next` to `value` at once when it is plain, or when its promise resolves. */
export function thenMaybe<T, R>(value: MaybeAsync<T>, next: (value: T) => MaybeAsync<R>): MaybeAsync<R> {
  return isThenable(value) ? value.then(next) : next(value);
}

/** `result` once `work` is done: at once when `work` is plain, else when its promise resolves. */
export function afterMaybe<R>(work: MaybeAsync<void>, result: R): MaybeAsync<R> {
  return isThenable(work) ? work.then(() => result) : result;
}

/** The public, always-async form of a maybe-async result: a plain value becomes a resolved promise. */
export function toPromise<T>(value: MaybeAsync<T>): Promise<T> {
  return isThenable(value) ? value : Promise.resolve(value);
}
