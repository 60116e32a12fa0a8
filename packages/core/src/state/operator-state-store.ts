/**
 * Operator state (Flink's `OperatorStateStore`): list states that belong to an operator instance rather than to a
 * key, for functions that implement `CheckpointedFunction`. A list state is snapshotted with every checkpoint and, on
 * restore, redistributed: `getListState` splits the items of all old subtasks among the new ones (each subtask keeps
 * its own at the same parallelism), `getUnionListState` gives every new subtask all items.
 *
 * Threading model: used from the owning operator's mailbox only. The methods are synchronous; awaiting them works too.
 */
import { ErrorCodes, WeirError } from '../errors.js';
import type { ListStateMode, ListStateSnapshot } from '../checkpoint/task-state.js';
import type { ListStateDescriptor } from './list-state-descriptor.js';
import { checkStateValue } from './state-key.js';

/** A list of values of one operator instance. */
export interface OperatorListState<T> {
  /** The items (a copy the caller owns). */
  get(): T[];
  /** Appends an item; `undefined` is a `TypeError`. */
  add(value: T): void;
  /** Appends every item. */
  addAll(values: Iterable<T>): void;
  /** Replaces the items. */
  update(values: Iterable<T>): void;
  /** Removes every item. */
  clear(): void;
}

class ListStateImpl<T> implements OperatorListState<T> {
  items: T[];

  constructor(
    readonly name: string,
    readonly mode: ListStateMode,
    restored: readonly unknown[],
  ) {
    this.items = [...(restored as readonly T[])];
  }

  get(): T[] {
    return [...this.items];
  }

  add(value: T): void {
    checkStateValue(value, this.name, 'add');
    this.items.push(value);
  }

  addAll(values: Iterable<T>): void {
    const all = [...values];
    for (const v of all) checkStateValue(v, this.name, 'addAll');
    this.items.push(...all);
  }

  update(values: Iterable<T>): void {
    const all = [...values];
    for (const v of all) checkStateValue(v, this.name, 'update');
    this.items = all;
  }

  clear(): void {
    this.items = [];
  }
}

/** The operator list states of one operator instance. */
export class OperatorStateStore {
  private readonly states = new Map<string, ListStateImpl<unknown>>();

  /** A store over the restored lists (this subtask's share, by name), or empty ones. */
  constructor(private readonly restored: ReadonlyMap<string, readonly unknown[]> = new Map()) {}

  /** Whether the store was restored from a checkpoint or savepoint. */
  get isRestored(): boolean {
    return this.restored.size > 0;
  }

  /** A list state whose items are split among subtasks on restore (round-robin when the parallelism changes). */
  getListState<T>(descriptor: ListStateDescriptor<T>): OperatorListState<T> {
    return this.state(descriptor, 'split');
  }

  /** A list state whose items all go to every subtask on restore. */
  getUnionListState<T>(descriptor: ListStateDescriptor<T>): OperatorListState<T> {
    return this.state(descriptor, 'union');
  }

  /** The lists for a checkpoint. */
  snapshot(): Record<string, ListStateSnapshot> {
    const lists: Record<string, ListStateSnapshot> = {};
    for (const [name, state] of this.states) lists[name] = { mode: state.mode, items: [...state.items] };
    return lists;
  }

  private state<T>(descriptor: ListStateDescriptor<T>, mode: ListStateMode): OperatorListState<T> {
    if (descriptor?.type !== 'list') throw new TypeError('Operator state needs a ListStateDescriptor');
    const existing = this.states.get(descriptor.name);
    if (existing !== undefined) {
      if (existing.mode !== mode) {
        throw new WeirError(ErrorCodes.STATE_INCOMPATIBLE, `Operator state "${descriptor.name}" is registered as a ${existing.mode} list and now as a ${mode} list`);
      }
      return existing as ListStateImpl<T>;
    }
    const state = new ListStateImpl<unknown>(descriptor.name, mode, this.restored.get(descriptor.name) ?? []);
    this.states.set(descriptor.name, state);
    return state as ListStateImpl<T>;
  }
}
