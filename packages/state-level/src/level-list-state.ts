/** The LevelDB backend's raw list state: a (never empty) array per key and namespace, appended to in the cache. */
import { checkStateValue, type InternalListState, type MaybeAsync } from '@weir/core/internal';
import { LevelState } from './level-state.js';
import { copyValue } from './value-codec.js';

const EMPTY_LIST: readonly never[] = Object.freeze([]);

/** A list per key and namespace. */
export class LevelListState<T> extends LevelState implements InternalListState<T> {
  /** Always `'list'`. */
  readonly type = 'list' as const;

  get(): MaybeAsync<readonly T[]> {
    const list = this.entry(this.namespace, true).value as T[] | undefined;
    return this.answer(list === undefined ? EMPTY_LIST : list.map(copyValue));
  }

  add(value: T): MaybeAsync<void> {
    checkStateValue(value, this.name, 'ListState.add');
    const copy = copyValue(value);
    const entry = this.entry(this.namespace, true);
    const list = entry.value as T[] | undefined;
    if (list === undefined) entry.value = [copy];
    else list.push(copy);
    return this.written(entry);
  }

  addAll(values: Iterable<T>): MaybeAsync<void> {
    const items = this.collect(values, 'ListState.addAll');
    if (items.length === 0) return this.cache.settle();
    const entry = this.entry(this.namespace, true);
    const list = entry.value as T[] | undefined;
    if (list === undefined) entry.value = items;
    else for (const item of items) list.push(item);
    return this.written(entry);
  }

  update(values: Iterable<T>): MaybeAsync<void> {
    const items = this.collect(values, 'ListState.update');
    if (items.length === 0) return this.clear();
    const entry = this.entry(this.namespace, false);
    entry.value = items;
    return this.written(entry);
  }

  getInternal(): MaybeAsync<readonly T[] | undefined> {
    const list = this.entry(this.namespace, true).value as T[] | undefined;
    return this.answer(list?.map(copyValue));
  }

  updateInternal(values: readonly T[] | undefined): MaybeAsync<void> {
    return values === undefined ? this.clear() : this.update(values);
  }

  mergeNamespaces(target: string, sources: readonly string[]): MaybeAsync<void> {
    return this.mergeInto<T[]>(target, sources, (a, b) => {
      for (const item of b) a.push(item);
      return a;
    });
  }

  /** Copies of `values`, checked: a `TypeError` if one is undefined or `values` is not iterable. */
  private collect(values: Iterable<T>, operation: string): T[] {
    if (values === null || typeof values !== 'object' || typeof (values as Partial<Iterable<T>>)[Symbol.iterator] !== 'function') {
      throw new TypeError(`State "${this.name}": ${operation} expects an iterable of values`);
    }
    const items = Array.from(values);
    for (const item of items) checkStateValue(item, this.name, operation);
    return items.map(copyValue);
  }
}
