/**
 * The public, async state objects: thin wrappers that bind an internal maybe-async state to a namespace and turn its
 * results into promises. The only cost over the internal path is the promise itself (`Promise.resolve(x)` when the
 * backend answered synchronously). Errors, synchronous or not, come back as rejected promises.
 */
import type {
  InternalAggregatingState,
  InternalListState,
  InternalMapState,
  InternalReducingState,
  InternalValueState,
} from './internal-state.js';
import { isThenable, toPromise, type MaybeAsync } from './maybe-async.js';
import type { AggregatingState, ListState, MapState, MapStateKey, ReducingState, ValueState } from './state.js';

function rejected(error: unknown): Promise<never> {
  // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- rethrows exactly what the state threw
  return Promise.reject(error);
}

function copyList<T>(list: MaybeAsync<readonly T[]>): MaybeAsync<T[]> {
  return isThenable(list) ? list.then((l) => l.slice()) : list.slice();
}

/** The public `ValueState` of an internal value state in a fixed namespace. */
export class AsyncValueState<T> implements ValueState<T> {
  /** Wraps `internal`; every call uses `namespace`. */
  constructor(
    private readonly internal: InternalValueState<T>,
    private readonly namespace: string,
  ) {}

  value(): Promise<T | undefined> {
    try {
      this.internal.setCurrentNamespace(this.namespace);
      return toPromise(this.internal.value());
    } catch (error) {
      return rejected(error);
    }
  }

  update(value: T | undefined): Promise<void> {
    try {
      this.internal.setCurrentNamespace(this.namespace);
      return toPromise(this.internal.update(value));
    } catch (error) {
      return rejected(error);
    }
  }

  clear(): Promise<void> {
    try {
      this.internal.setCurrentNamespace(this.namespace);
      return toPromise(this.internal.clear());
    } catch (error) {
      return rejected(error);
    }
  }
}

/** The public `ListState` of an internal list state in a fixed namespace. */
export class AsyncListState<T> implements ListState<T> {
  /** Wraps `internal`; every call uses `namespace`. */
  constructor(
    private readonly internal: InternalListState<T>,
    private readonly namespace: string,
  ) {}

  get(): Promise<T[]> {
    try {
      this.internal.setCurrentNamespace(this.namespace);
      return toPromise(copyList(this.internal.get()));
    } catch (error) {
      return rejected(error);
    }
  }

  add(value: T): Promise<void> {
    try {
      this.internal.setCurrentNamespace(this.namespace);
      return toPromise(this.internal.add(value));
    } catch (error) {
      return rejected(error);
    }
  }

  addAll(values: Iterable<T>): Promise<void> {
    try {
      this.internal.setCurrentNamespace(this.namespace);
      return toPromise(this.internal.addAll(values));
    } catch (error) {
      return rejected(error);
    }
  }

  update(values: Iterable<T>): Promise<void> {
    try {
      this.internal.setCurrentNamespace(this.namespace);
      return toPromise(this.internal.update(values));
    } catch (error) {
      return rejected(error);
    }
  }

  clear(): Promise<void> {
    try {
      this.internal.setCurrentNamespace(this.namespace);
      return toPromise(this.internal.clear());
    } catch (error) {
      return rejected(error);
    }
  }
}

/** The public `MapState` of an internal map state in a fixed namespace. */
export class AsyncMapState<K extends MapStateKey, V> implements MapState<K, V> {
  /** Wraps `internal`; every call uses `namespace`. */
  constructor(
    private readonly internal: InternalMapState<K, V>,
    private readonly namespace: string,
  ) {}

  get(key: K): Promise<V | undefined> {
    try {
      this.internal.setCurrentNamespace(this.namespace);
      return toPromise(this.internal.get(key));
    } catch (error) {
      return rejected(error);
    }
  }

  put(key: K, value: V): Promise<void> {
    try {
      this.internal.setCurrentNamespace(this.namespace);
      return toPromise(this.internal.put(key, value));
    } catch (error) {
      return rejected(error);
    }
  }

  putAll(entries: Iterable<readonly [K, V]>): Promise<void> {
    try {
      this.internal.setCurrentNamespace(this.namespace);
      return toPromise(this.internal.putAll(entries));
    } catch (error) {
      return rejected(error);
    }
  }

  remove(key: K): Promise<void> {
    try {
      this.internal.setCurrentNamespace(this.namespace);
      return toPromise(this.internal.remove(key));
    } catch (error) {
      return rejected(error);
    }
  }

  contains(key: K): Promise<boolean> {
    try {
      this.internal.setCurrentNamespace(this.namespace);
      return toPromise(this.internal.contains(key));
    } catch (error) {
      return rejected(error);
    }
  }

  entries(): Promise<[K, V][]> {
    try {
      this.internal.setCurrentNamespace(this.namespace);
      return toPromise(this.internal.entries());
    } catch (error) {
      return rejected(error);
    }
  }

  keys(): Promise<K[]> {
    try {
      this.internal.setCurrentNamespace(this.namespace);
      return toPromise(this.internal.keys());
    } catch (error) {
      return rejected(error);
    }
  }

  values(): Promise<V[]> {
    try {
      this.internal.setCurrentNamespace(this.namespace);
      return toPromise(this.internal.values());
    } catch (error) {
      return rejected(error);
    }
  }

  isEmpty(): Promise<boolean> {
    try {
      this.internal.setCurrentNamespace(this.namespace);
      return toPromise(this.internal.isEmpty());
    } catch (error) {
      return rejected(error);
    }
  }

  clear(): Promise<void> {
    try {
      this.internal.setCurrentNamespace(this.namespace);
      return toPromise(this.internal.clear());
    } catch (error) {
      return rejected(error);
    }
  }
}

/** The public `ReducingState` of an internal reducing state in a fixed namespace. */
export class AsyncReducingState<T> implements ReducingState<T> {
  /** Wraps `internal`; every call uses `namespace`. */
  constructor(
    private readonly internal: InternalReducingState<T>,
    private readonly namespace: string,
  ) {}

  get(): Promise<T | undefined> {
    try {
      this.internal.setCurrentNamespace(this.namespace);
      return toPromise(this.internal.get());
    } catch (error) {
      return rejected(error);
    }
  }

  add(value: T): Promise<void> {
    try {
      this.internal.setCurrentNamespace(this.namespace);
      return toPromise(this.internal.add(value));
    } catch (error) {
      return rejected(error);
    }
  }

  clear(): Promise<void> {
    try {
      this.internal.setCurrentNamespace(this.namespace);
      return toPromise(this.internal.clear());
    } catch (error) {
      return rejected(error);
    }
  }
}

/** The public `AggregatingState` of an internal aggregating state in a fixed namespace. */
export class AsyncAggregatingState<IN, ACC, OUT> implements AggregatingState<IN, OUT> {
  /** Wraps `internal`; every call uses `namespace`. */
  constructor(
    private readonly internal: InternalAggregatingState<IN, ACC, OUT>,
    private readonly namespace: string,
  ) {}

  get(): Promise<OUT | undefined> {
    try {
      this.internal.setCurrentNamespace(this.namespace);
      return toPromise(this.internal.get());
    } catch (error) {
      return rejected(error);
    }
  }

  add(value: IN): Promise<void> {
    try {
      this.internal.setCurrentNamespace(this.namespace);
      return toPromise(this.internal.add(value));
    } catch (error) {
      return rejected(error);
    }
  }

  clear(): Promise<void> {
    try {
      this.internal.setCurrentNamespace(this.namespace);
      return toPromise(this.internal.clear());
    } catch (error) {
      return rejected(error);
    }
  }
}
