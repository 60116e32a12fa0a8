/** The LevelDB backend's raw value state. */
import type { KeyedStateBackend } from '@weir/core';
import type { InternalValueState, MaybeAsync } from '@weir/core/internal';
import { LevelState } from './level-state.js';
import type { StateCache } from './state-cache.js';
import type { StateTable } from './state-table.js';
import { copyValue } from './value-codec.js';

/** One value per key and namespace. */
export class LevelValueState<T> extends LevelState implements InternalValueState<T> {
  /** Always `'value'`. */
  readonly type = 'value' as const;

  /** A value state over `table`; `value()` returns (a copy of) `defaultValue` when unset. */
  constructor(
    name: string,
    backend: KeyedStateBackend,
    cache: StateCache,
    table: StateTable,
    private readonly defaultValue: T | undefined,
  ) {
    super(name, backend, cache, table);
  }

  value(): MaybeAsync<T | undefined> {
    const stored = this.entry(this.namespace, true).value as T | undefined;
    return this.answer(copyValue(stored === undefined ? this.defaultValue : stored));
  }

  update(value: T | undefined): MaybeAsync<void> {
    if (value === undefined) return this.clear();
    const copy = copyValue(value);
    const entry = this.entry(this.namespace, false);
    entry.value = copy;
    return this.written(entry);
  }

  getInternal(): MaybeAsync<T | undefined> {
    return this.answer(copyValue(this.entry(this.namespace, true).value as T | undefined));
  }

  updateInternal(value: T | undefined): MaybeAsync<void> {
    return this.update(value);
  }
}
