/** The memory backend's raw aggregating state: the accumulator per key and namespace. */
import type { AggregateFunction } from './aggregate-function.js';
import type { InternalAggregatingState } from './internal-state.js';
import { AbstractMemoryState } from './abstract-memory-state.js';
import type { KeyedStateBackend } from './keyed-state-backend.js';
import type { MemoryStateTable } from './memory-state-table.js';
import { checkStateValue } from './state-key.js';

/** An accumulator per key and namespace, held in memory. An accumulator of `undefined` clears the state. */
export class MemoryAggregatingState<IN, ACC, OUT> extends AbstractMemoryState<ACC> implements InternalAggregatingState<IN, ACC, OUT> {
  /** Always `'aggregating'`. */
  readonly type = 'aggregating' as const;

  /** An aggregating state over `table` folding with `fn`. */
  constructor(
    name: string,
    backend: KeyedStateBackend,
    table: MemoryStateTable<ACC>,
    private readonly fn: AggregateFunction<IN, ACC, OUT>,
  ) {
    super(name, backend, table);
  }

  get(): OUT | undefined {
    const accumulator = this.read();
    return accumulator === undefined ? undefined : this.fn.getResult(accumulator);
  }

  add(value: IN): void {
    checkStateValue(value, this.name, 'AggregatingState.add');
    const current = this.read();
    const next = this.fn.add(value, current === undefined ? this.fn.createAccumulator() : current);
    if (next === undefined) this.clear();
    else if (next !== current) this.write(next);
  }

  getInternal(): ACC | undefined {
    return this.read();
  }

  updateInternal(accumulator: ACC | undefined): void {
    if (accumulator === undefined) this.clear();
    else this.write(accumulator);
  }

  mergeNamespaces(target: string, sources: readonly string[]): void {
    this.mergeInto(target, sources, (a, b) => this.fn.merge(a, b));
  }
}
