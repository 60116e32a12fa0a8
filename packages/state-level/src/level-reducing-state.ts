/** The LevelDB backend's raw reducing state: the reduced value per key and namespace. */
import type { KeyedStateBackend } from '@weir/core';
import { checkStateValue, type InternalReducingState, type MaybeAsync } from '@weir/core/internal';
import { LevelState } from './level-state.js';
import type { StateCache } from './state-cache.js';
import type { StateTable } from './state-table.js';
import { copyValue } from './value-codec.js';

/** A reduced value per key and namespace. A reduce result of `undefined` clears the state. */
export class LevelReducingState<T> extends LevelState implements InternalReducingState<T> {
  /** Always `'reducing'`. */
  readonly type = 'reducing' as const;

  /** A reducing state over `table` combining with `reduce` (which gets copies of the stored value). */
  constructor(
    name: string,
    backend: KeyedStateBackend,
    cache: StateCache,
    table: StateTable,
    private readonly reduce: (a: T, b: T) => T,
  ) {
    super(name, backend, cache, table);
  }

  get(): MaybeAsync<T | undefined> {
    return this.answer(copyValue(this.entry(this.namespace, true).value as T | undefined));
  }

  add(value: T): MaybeAsync<void> {
    checkStateValue(value, this.name, 'ReducingState.add');
    const entry = this.entry(this.namespace, true);
    const current = entry.value as T | undefined;
    const next = current === undefined ? value : this.reduce(copyValue(current), value);
    entry.value = next === undefined ? undefined : copyValue(next);
    return this.written(entry);
  }

  getInternal(): MaybeAsync<T | undefined> {
    return this.get();
  }

  updateInternal(value: T | undefined): MaybeAsync<void> {
    if (value === undefined) return this.clear();
    const copy = copyValue(value);
    const entry = this.entry(this.namespace, false);
    entry.value = copy;
    return this.written(entry);
  }

  mergeNamespaces(target: string, sources: readonly string[]): MaybeAsync<void> {
    return this.mergeInto<T>(target, sources, (a, b) => {
      const merged = this.reduce(a, b);
      return merged === undefined ? undefined : copyValue(merged);
    });
  }
}
