/** The LevelDB backend's raw aggregating state: the accumulator per key and namespace. */
import type { AggregateFunction, KeyedStateBackend } from '@weir/core';
import { checkStateValue, type InternalAggregatingState, type MaybeAsync } from '@weir/core/internal';
import { LevelState } from './level-state.js';
import type { StateCache } from './state-cache.js';
import type { StateTable } from './state-table.js';
import { copyValue } from './value-codec.js';

/** An accumulator per key and namespace. An accumulator of `undefined` clears the state. */
export class LevelAggregatingState<IN, ACC, OUT> extends LevelState implements InternalAggregatingState<IN, ACC, OUT> {
  /** Always `'aggregating'`. */
  readonly type = 'aggregating' as const;

  /** An aggregating state over `table` folding with `fn` (whose methods get copies of the stored accumulator). */
  constructor(
    name: string,
    backend: KeyedStateBackend,
    cache: StateCache,
    table: StateTable,
    private readonly fn: AggregateFunction<IN, ACC, OUT>,
  ) {
    super(name, backend, cache, table);
  }

  get(): MaybeAsync<OUT | undefined> {
    const accumulator = this.entry(this.namespace, true).value as ACC | undefined;
    return this.answer(accumulator === undefined ? undefined : this.fn.getResult(copyValue(accumulator)));
  }

  add(value: IN): MaybeAsync<void> {
    checkStateValue(value, this.name, 'AggregatingState.add');
    const entry = this.entry(this.namespace, true);
    const current = entry.value as ACC | undefined;
    const next = this.fn.add(value, current === undefined ? this.fn.createAccumulator() : copyValue(current));
    entry.value = next === undefined ? undefined : copyValue(next);
    return this.written(entry);
  }

  getInternal(): MaybeAsync<ACC | undefined> {
    return this.answer(copyValue(this.entry(this.namespace, true).value as ACC | undefined));
  }

  updateInternal(accumulator: ACC | undefined): MaybeAsync<void> {
    if (accumulator === undefined) return this.clear();
    const copy = copyValue(accumulator);
    const entry = this.entry(this.namespace, false);
    entry.value = copy;
    return this.written(entry);
  }

  mergeNamespaces(target: string, sources: readonly string[]): MaybeAsync<void> {
    return this.mergeInto<ACC>(target, sources, (a, b) => {
      const merged = this.fn.merge(a, b);
      return merged === undefined ? undefined : copyValue(merged);
    });
  }
}
