/**
 * What a window operator calls when a window fires: the user's window function behind one interface, or a pass-through
 * that emits the pre-aggregated result of `reduce`/`aggregate` as it is.
 */
import type { Collector } from '../../functions/user-functions.js';
import type { ProcessAllWindowFunction, ProcessWindowContext, ProcessWindowFunction } from '../../functions/window-functions.js';
import type { Key } from '../../keys/key-group.js';
import { resolveFunction } from './abstract-stream-operator.js';

/** A window function as the operator sees it. */
export interface InternalWindowFunction {
  /** The user's function object (for `open`/`close`), if any. */
  readonly userFunction: unknown;
  /** Evaluates a window; may emit through `out`, return an iterable, or return a promise. */
  process(key: Key, context: ProcessWindowContext, input: readonly unknown[], out: Collector<unknown>): unknown;
  /** The window is being purged for good. */
  clear(context: ProcessWindowContext): unknown;
}

/** Emits the (pre-aggregated) window contents unchanged. */
export function passThroughWindowFunction(): InternalWindowFunction {
  return {
    userFunction: undefined,
    process(_key, _context, input, out) {
      for (const v of input) out.collect(v);
    },
    clear: () => undefined,
  };
}

/** Wraps a `ProcessWindowFunction` of a keyed window. */
export function processWindowFunction(fn: ProcessWindowFunction<any, any, any, any>): InternalWindowFunction {
  const process = resolveFunction<(key: Key, c: ProcessWindowContext, e: readonly unknown[], out: Collector<unknown>) => unknown>(fn, 'process', 'process()');
  const clear = typeof fn === 'object' && typeof fn.clear === 'function' ? fn.clear.bind(fn) : undefined;
  return { userFunction: fn, process, clear: (context) => clear?.(context) };
}

/** Wraps a `ProcessAllWindowFunction` of `windowAll` (the key is a constant and not passed on). */
export function processAllWindowFunction(fn: ProcessAllWindowFunction<any, any, any>): InternalWindowFunction {
  const process = resolveFunction<(c: ProcessWindowContext, e: readonly unknown[], out: Collector<unknown>) => unknown>(fn, 'process', 'process()');
  const clear = typeof fn === 'object' && typeof fn.clear === 'function' ? fn.clear.bind(fn) : undefined;
  return { userFunction: fn, process: (_key, context, input, out) => process(context, input, out), clear: (context) => clear?.(context) };
}
