/**
 * The base of the LevelDB backend's raw states: reads the current key from the backend and the namespace from the
 * state, and works on the {@link CacheEntry} of that `(state, key, namespace)` in the {@link StateCache}. Every
 * operation does its work synchronously, when it is called (so it uses the key and namespace current then); it
 * returns a plain value, or a promise only when the cache waits for LevelDB to catch up with writes (backpressure).
 *
 * States keep copies: values are copied when written and when read (`copyValue`), so neither the caller's objects nor
 * the values handed out alias what is stored, as with any serializing backend.
 */
import type { KeyedStateBackend } from '@weir/core';
import type { MaybeAsync } from '@weir/core/internal';
import type { StateCache } from './state-cache.js';
import type { CacheEntry, StateTable } from './state-table.js';

/** A raw state of the LevelDB backend. */
export abstract class LevelState {
  /** The namespace of the following calls. */
  protected namespace = '';
  /** The entry this state used last. */
  private last: CacheEntry | undefined;

  /** A state named `name` over `table`, keyed by `backend`'s current key, cached by `cache`. */
  constructor(
    readonly name: string,
    protected readonly backend: KeyedStateBackend,
    protected readonly cache: StateCache,
    protected readonly table: StateTable,
  ) {}

  /** Sets the namespace of the following calls. */
  setCurrentNamespace(namespace: string): void {
    this.namespace = namespace;
  }

  /** Removes the value of the current key and namespace. */
  clear(): MaybeAsync<void> {
    const entry = this.entry(this.namespace, false);
    entry.value = undefined;
    return this.written(entry);
  }

  /**
   * The cache entry of the current key in `namespace`. With `load`, its stored value is read when not cached; without,
   * the caller overwrites the value (a blind write).
   */
  protected entry(namespace: string, load: boolean): CacheEntry {
    const backend = this.backend;
    if (!backend.hasCurrentKey) backend.throwNoCurrentKey(this.name);
    const id = backend.currentKeyIdentity;
    // Read-modify-write (value() then update()) finds the entry it just used: no lookup.
    const last = this.last;
    if (last !== undefined && last.id === id && last.namespace === namespace && last.table === this.table && this.cache.isMostRecent(last)) {
      return last;
    }
    return (this.last = this.cache.get(this.table, id, backend.getCurrentKey()!, namespace, load));
  }

  /** Marks `entry` changed; the result of a write operation. */
  protected written(entry: CacheEntry): MaybeAsync<void> {
    this.cache.markDirty(entry);
    return this.cache.settle();
  }

  /** `result`, or a promise of it while the cache waits for LevelDB; the result of a read operation. */
  protected answer<R>(result: R): MaybeAsync<R> {
    const pending = this.cache.settle();
    return pending === undefined ? result : pending.then(() => result);
  }

  /**
   * Merges the stored values of the current key in `sources` into `target` with `combine(accumulated, next)` and
   * clears the sources; the target's own value comes first; a source equal to `target` is ignored. `combine` gets the
   * stored values themselves (it may reuse them: they leave the sources). For the merging states.
   */
  protected mergeInto<S>(target: string, sources: readonly string[], combine: (a: S, b: S) => S | undefined): MaybeAsync<void> {
    let merged: S | undefined;
    for (const source of sources) {
      if (source === target) continue;
      const entry = this.entry(source, true);
      const value = entry.value as S | undefined;
      if (value === undefined) continue;
      entry.value = undefined;
      this.cache.markDirty(entry);
      merged = merged === undefined ? value : combine(merged, value);
    }
    if (merged === undefined) return this.cache.settle();
    const entry = this.entry(target, true);
    const existing = entry.value as S | undefined;
    entry.value = existing === undefined ? merged : combine(existing, merged);
    return this.written(entry);
  }
}
