/** The memory backend's raw list state: a (never empty) array per key and namespace, appended to in place. */
import type { InternalListState } from './internal-state.js';
import { AbstractMemoryState } from './abstract-memory-state.js';
import { checkStateValue } from './state-key.js';

const EMPTY_LIST: readonly never[] = Object.freeze([]);

/** A list per key and namespace, held in memory. */
export class MemoryListState<T> extends AbstractMemoryState<T[]> implements InternalListState<T> {
  /** Always `'list'`. */
  readonly type = 'list' as const;

  get(): readonly T[] {
    return this.read() ?? EMPTY_LIST;
  }

  add(value: T): void {
    checkStateValue(value, this.name, 'ListState.add');
    const list = this.read();
    if (list === undefined) this.write([value]);
    else list.push(value);
  }

  addAll(values: Iterable<T>): void {
    const items = this.collect(values, 'ListState.addAll');
    if (items.length === 0) return;
    const list = this.read();
    if (list === undefined) this.write(items);
    else for (const item of items) list.push(item);
  }

  update(values: Iterable<T>): void {
    const items = this.collect(values, 'ListState.update');
    if (items.length === 0) this.clear();
    else this.write(items);
  }

  getInternal(): readonly T[] | undefined {
    return this.read();
  }

  updateInternal(values: readonly T[] | undefined): void {
    if (values === undefined) this.clear();
    else this.update(values);
  }

  mergeNamespaces(target: string, sources: readonly string[]): void {
    this.mergeInto(target, sources, (a, b) => {
      for (const item of b) a.push(item);
      return a;
    });
  }

  /** A new array of `values`, checked: a `TypeError` if one is undefined or `values` is not iterable. */
  private collect(values: Iterable<T>, operation: string): T[] {
    if (values === null || typeof values !== 'object' || typeof (values as Partial<Iterable<T>>)[Symbol.iterator] !== 'function') {
      throw new TypeError(`State "${this.name}": ${operation} expects an iterable of values`);
    }
    const items = Array.from(values);
    for (const item of items) checkStateValue(item, this.name, operation);
    return items;
  }
}
