/**
 * The base of the memory backend's raw states: reads the current key from the backend and the namespace from the
 * state, and reads and writes one {@link MemoryStateTable}. Everything is synchronous; a read is an array index and
 * one or two `Map` lookups.
 */
import type { Key } from '../keys/key-group.js';
import type { KeyedStateBackend } from './keyed-state-backend.js';
import type { MemoryStateTable } from './memory-state-table.js';

/** A raw memory state storing `S` per key and namespace. */
export abstract class AbstractMemoryState<S> {
  /** The namespace of the following calls. */
  protected namespace = '';

  /** A state named `name` over `table`, keyed by `backend`'s current key. */
  constructor(
    readonly name: string,
    protected readonly backend: KeyedStateBackend,
    protected readonly table: MemoryStateTable<S>,
  ) {}

  /** Sets the namespace of the following calls. */
  setCurrentNamespace(namespace: string): void {
    this.namespace = namespace;
  }

  /** Removes the value of the current key and namespace. */
  clear(): void {
    const backend = this.backend;
    if (!backend.hasCurrentKey) backend.throwNoCurrentKey(this.name);
    this.table.delete(0, backend.currentKeyIdentity, this.namespace);
  }

  /** The stored value of the current key and namespace. */
  protected read(): S | undefined {
    const backend = this.backend;
    if (!backend.hasCurrentKey) backend.throwNoCurrentKey(this.name);
    return this.table.get(0, backend.currentKeyIdentity, this.namespace);
  }

  /** Stores `value` (not undefined) for the current key and namespace. */
  protected write(value: S): void {
    const backend = this.backend;
    if (!backend.hasCurrentKey) backend.throwNoCurrentKey(this.name);
    this.table.set(0, backend.currentKeyIdentity, backend.getCurrentKey() as Key, this.namespace, value);
  }

  /**
   * Merges the values of the current key in `sources` into `target` with `combine(accumulated, next)` and removes
   * the sources; the target's own value comes first. For the merging states.
   */
  protected mergeInto(target: string, sources: readonly string[], combine: (a: S, b: S) => S): void {
    const backend = this.backend;
    const offset = backend.currentKeyGroupOffset;
    if (offset < 0) backend.throwNoCurrentKey(this.name);
    const id = backend.currentKeyIdentity;
    const table = this.table;
    let merged: S | undefined;
    for (const source of sources) {
      if (source === target) continue;
      const value = table.take(offset, id, source);
      if (value !== undefined) merged = merged === undefined ? value : combine(merged, value);
    }
    if (merged === undefined) return;
    const existing = table.get(offset, id, target);
    const result = existing === undefined ? merged : combine(existing, merged);
    if (result === undefined) table.delete(offset, id, target);
    else table.set(offset, id, backend.getCurrentKey() as Key, target, result);
  }
}
