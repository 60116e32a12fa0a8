/** The memory backend's raw value state. */
import type { InternalValueState } from './internal-state.js';
import { AbstractMemoryState } from './abstract-memory-state.js';
import type { KeyedStateBackend } from './keyed-state-backend.js';
import type { MemoryStateTable } from './memory-state-table.js';

/** One value per key and namespace, held in memory. */
export class MemoryValueState<T> extends AbstractMemoryState<T> implements InternalValueState<T> {
  /** Always `'value'`. */
  readonly type = 'value' as const;

  /** A value state over `table`; `value()` returns `defaultValue` when unset. */
  constructor(
    name: string,
    backend: KeyedStateBackend,
    table: MemoryStateTable<T>,
    private readonly defaultValue: T | undefined,
  ) {
    super(name, backend, table);
  }

  value(): T | undefined {
    const value = this.read();
    return value === undefined ? this.defaultValue : value;
  }

  update(value: T | undefined): void {
    if (value === undefined) this.clear();
    else this.write(value);
  }

  getInternal(): T | undefined {
    return this.read();
  }

  updateInternal(value: T | undefined): void {
    this.update(value);
  }
}
