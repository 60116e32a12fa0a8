/** The memory backend's raw reducing state: the reduced value per key and namespace. */
import type { InternalReducingState } from './internal-state.js';
import { AbstractMemoryState } from './abstract-memory-state.js';
import type { KeyedStateBackend } from './keyed-state-backend.js';
import type { MemoryStateTable } from './memory-state-table.js';
import { checkStateValue } from './state-key.js';

/** A reduced value per key and namespace, held in memory. A reduce result of `undefined` clears the state. */
export class MemoryReducingState<T> extends AbstractMemoryState<T> implements InternalReducingState<T> {
  /** Always `'reducing'`. */
  readonly type = 'reducing' as const;

  /** A reducing state over `table` combining with `reduce`. */
  constructor(
    name: string,
    backend: KeyedStateBackend,
    table: MemoryStateTable<T>,
    private readonly reduce: (a: T, b: T) => T,
  ) {
    super(name, backend, table);
  }

  get(): T | undefined {
    return this.read();
  }

  add(value: T): void {
    checkStateValue(value, this.name, 'ReducingState.add');
    const current = this.read();
    const next = current === undefined ? value : this.reduce(current, value);
    if (next === undefined) this.clear();
    else this.write(next);
  }

  getInternal(): T | undefined {
    return this.read();
  }

  updateInternal(value: T | undefined): void {
    if (value === undefined) this.clear();
    else this.write(value);
  }

  mergeNamespaces(target: string, sources: readonly string[]): void {
    this.mergeInto(target, sources, this.reduce);
  }
}
