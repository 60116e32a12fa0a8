/**
 * The public, async state objects: thin wrappers that bind an internal maybe-async state to a namespace and turn its
 * results into promises. The only cost over the internal path is the promise itself (`Promise.resolve(x)` when the
 * backend answered synchronously). Errors, synchronous or not, come back as rejected promises.
 */
import type {
  InternalAggregatingState,
  InternalKvState,
  InternalListState,
  InternalMapState,
  InternalReducingState,
  InternalValueState,
} from './internal-state.js';
import { isThenable, toPromise, type MaybeAsync } from './maybe-async.js';
import type { AggregatingState, ListState, MapState, MapStateKey, ReducingState, ValueState } from './state.js';

function copyList<T>(list: MaybeAsync<readonly T[]>): MaybeAsync<T[]> {
  return isThenable(list) ? list.then((l) => l.slice()) : list.slice();
}

/** Binds an internal state to a namespace; every public call goes through {@link call}. */
abstract class AsyncStateView<S extends InternalKvState> {
  /** Wraps `internal`; every call uses `namespace`. */
  constructor(
    private readonly internal: S,
    private readonly namespace: string,
  ) {}

  /** Runs `operation` on the internal state in this view's namespace; a throw becomes a rejected promise. */
  protected call<R>(operation: (state: S) => MaybeAsync<R>): Promise<R> {
    try {
      this.internal.setCurrentNamespace(this.namespace);
      return toPromise(operation(this.internal));
    } catch (error) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- rethrows exactly what the state threw
      return Promise.reject(error);
    }
  }

  /** Removes the value of the current key in this namespace. */
  clear(): Promise<void> {
    return this.call((s) => s.clear());
  }
}

/** The public `ValueState` of an internal value state in a fixed namespace. */
export class AsyncValueState<T> extends AsyncStateView<InternalValueState<T>> implements ValueState<T> {
  value(): Promise<T | undefined> {
    return this.call((s) => s.value());
  }

  update(value: T | undefined): Promise<void> {
    return this.call((s) => s.update(value));
  }
}

/** The public `ListState` of an internal list state in a fixed namespace. */
export class AsyncListState<T> extends AsyncStateView<InternalListState<T>> implements ListState<T> {
  get(): Promise<T[]> {
    return this.call((s) => copyList(s.get()));
  }

  add(value: T): Promise<void> {
    return this.call((s) => s.add(value));
  }

  addAll(values: Iterable<T>): Promise<void> {
    return this.call((s) => s.addAll(values));
  }

  update(values: Iterable<T>): Promise<void> {
    return this.call((s) => s.update(values));
  }
}

/** The public `MapState` of an internal map state in a fixed namespace. */
export class AsyncMapState<K extends MapStateKey, V> extends AsyncStateView<InternalMapState<K, V>> implements MapState<K, V> {
  get(key: K): Promise<V | undefined> {
    return this.call((s) => s.get(key));
  }

  put(key: K, value: V): Promise<void> {
    return this.call((s) => s.put(key, value));
  }

  putAll(entries: Iterable<readonly [K, V]>): Promise<void> {
    return this.call((s) => s.putAll(entries));
  }

  remove(key: K): Promise<void> {
    return this.call((s) => s.remove(key));
  }

  contains(key: K): Promise<boolean> {
    return this.call((s) => s.contains(key));
  }

  entries(): Promise<[K, V][]> {
    return this.call((s) => s.entries());
  }

  keys(): Promise<K[]> {
    return this.call((s) => s.keys());
  }

  values(): Promise<V[]> {
    return this.call((s) => s.values());
  }

  isEmpty(): Promise<boolean> {
    return this.call((s) => s.isEmpty());
  }
}

/** The public `ReducingState` of an internal reducing state in a fixed namespace. */
export class AsyncReducingState<T> extends AsyncStateView<InternalReducingState<T>> implements ReducingState<T> {
  get(): Promise<T | undefined> {
    return this.call((s) => s.get());
  }

  add(value: T): Promise<void> {
    return this.call((s) => s.add(value));
  }
}

/** The public `AggregatingState` of an internal aggregating state in a fixed namespace. */
export class AsyncAggregatingState<IN, ACC, OUT>
  extends AsyncStateView<InternalAggregatingState<IN, ACC, OUT>>
  implements AggregatingState<IN, OUT>
{
  get(): Promise<OUT | undefined> {
    return this.call((s) => s.get());
  }

  add(value: IN): Promise<void> {
    return this.call((s) => s.add(value));
  }
}
