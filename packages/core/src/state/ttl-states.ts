/**
 * Time-to-live as decorators over any backend's raw states (Flink's `TtlStateFactory` and `AbstractTtlDecorator`).
 * The raw state stores {@link TtlValue}s `[value, lastAccessTimestamp]` (per value; per element of a list; per entry
 * of a map); the decorator stamps writes, checks expiry on reads, removes what it finds expired (lazy cleanup) and,
 * with `OnReadAndWrite`, refreshes timestamps on reads. A value is expired when `lastAccess + ttl <= now`.
 *
 * With a synchronous backend every step is synchronous. With an asynchronous one, a step that follows a promise runs
 * under the key and namespace the operation was called with (see {@link KeyedStateBackend.runWithKeyContext}).
 */
import type { AggregateFunction } from './aggregate-function.js';
import type {
  InternalAggregatingState,
  InternalKvState,
  InternalListState,
  InternalMapState,
  InternalReducingState,
  InternalValueState,
} from './internal-state.js';
import type { KeyedStateBackend } from './keyed-state-backend.js';
import type { TtlValue } from './keyed-state-snapshot.js';
import { afterMaybe, isThenable, thenMaybe, type MaybeAsync } from './maybe-async.js';
import type { MapStateKey } from './state.js';
import type { StateType } from './state-descriptor.js';
import { checkStateValue } from './state-key.js';
import { StateVisibility, UpdateType, type StateTtlConfig } from './state-ttl-config.js';
import type { TtlTimeProvider } from './ttl-time-provider.js';

const EMPTY_LIST: readonly never[] = Object.freeze([]);

/** Whether `value`, last accessed at `value[1]`, has expired at `now`. */
function isExpired(value: TtlValue<unknown>, ttl: number, now: number): boolean {
  return value[1] + ttl <= now;
}

/**
 * The reduce function of a reducing state with TTL: an expired side is dropped (Flink's `TtlReduceFunction`), the
 * result is stamped with the current time.
 */
export function ttlReduceFunction<T>(
  reduce: (a: T, b: T) => T,
  config: StateTtlConfig,
  clock: TtlTimeProvider,
): (a: TtlValue<T>, b: TtlValue<T>) => TtlValue<T> {
  const ttl = config.ttl;
  return (a, b) => {
    const now = clock.currentTimestamp();
    if (isExpired(a, ttl, now)) return b;
    if (isExpired(b, ttl, now)) return a;
    return [reduce(a[0], b[0]), now];
  };
}

/** The aggregate function of an aggregating state with TTL (Flink's `TtlAggregateFunction`). */
export function ttlAggregateFunction<IN, ACC, OUT>(
  fn: AggregateFunction<IN, ACC, OUT>,
  config: StateTtlConfig,
  clock: TtlTimeProvider,
): AggregateFunction<IN, TtlValue<ACC>, OUT> {
  const ttl = config.ttl;
  return {
    createAccumulator: () => [fn.createAccumulator(), clock.currentTimestamp()],
    add: (value, accumulator) => {
      const now = clock.currentTimestamp();
      const base = isExpired(accumulator, ttl, now) ? fn.createAccumulator() : accumulator[0];
      return [fn.add(value, base), now];
    },
    getResult: (accumulator) => fn.getResult(accumulator[0]),
    merge: (a, b) => {
      const now = clock.currentTimestamp();
      if (isExpired(a, ttl, now)) return b;
      if (isExpired(b, ttl, now)) return a;
      return [fn.merge(a[0], b[0]), now];
    },
  };
}

/** What every TTL decorator shares: the clock, the expiry test and the context-keeping continuation. */
abstract class AbstractTtlState<O extends InternalKvState> {
  /** The state's name. */
  readonly name: string;
  /** The state's type. */
  readonly type: StateType;
  protected namespace = '';
  protected readonly ttl: number;
  protected readonly updateOnRead: boolean;
  protected readonly returnExpired: boolean;

  constructor(
    protected readonly original: O,
    config: StateTtlConfig,
    private readonly clock: TtlTimeProvider,
    private readonly backend: KeyedStateBackend,
  ) {
    this.name = original.name;
    this.type = original.type;
    this.ttl = config.ttl;
    this.updateOnRead = config.updateType === UpdateType.OnReadAndWrite;
    this.returnExpired = config.stateVisibility === StateVisibility.ReturnExpiredIfNotCleanedUp;
  }

  setCurrentNamespace(namespace: string): void {
    this.namespace = namespace;
    this.original.setCurrentNamespace(namespace);
  }

  clear(): MaybeAsync<void> {
    return this.original.clear();
  }

  protected now(): number {
    return this.clock.currentTimestamp();
  }

  protected expired(value: TtlValue<unknown>, now: number): boolean {
    return isExpired(value, this.ttl, now);
  }

  /**
   * `next(value)` once `first` is available. When `first` is a promise, `next` runs under the key and namespace that
   * were current now, so its reads and writes go to the same entry as the first step.
   */
  protected continue<T, R>(first: MaybeAsync<T>, next: (value: T) => MaybeAsync<R>): MaybeAsync<R> {
    if (!isThenable(first)) return next(first);
    const context = this.backend.captureKeyContext();
    const namespace = this.namespace;
    return first.then((value) =>
      this.backend.runWithKeyContext(context, () => {
        const current = this.namespace;
        this.setCurrentNamespace(namespace);
        try {
          return next(value);
        } finally {
          this.setCurrentNamespace(current);
        }
      }),
    );
  }

  /** Calls `step` for each item in order, under the current key and namespace even across promises. */
  protected forEachInContext<T>(items: readonly T[], step: (item: T) => MaybeAsync<void>, from = 0): MaybeAsync<void> {
    for (let i = from; i < items.length; i++) {
      const result = step(items[i]);
      if (isThenable(result)) return this.continue(result, () => this.forEachInContext(items, step, i + 1));
    }
    return undefined;
  }

  /**
   * The visible value of a single stored {@link TtlValue}: `fallback` when absent; when expired it is removed with
   * `remove` and returned only with `ReturnExpiredIfNotCleanedUp`; with `OnReadAndWrite` it is re-stamped with `restamp`.
   */
  protected readSingle<T>(
    stored: TtlValue<T> | undefined,
    fallback: T | undefined,
    remove: () => MaybeAsync<void>,
    restamp: (value: TtlValue<T>) => MaybeAsync<void>,
  ): MaybeAsync<T | undefined> {
    if (stored === undefined) return fallback;
    const now = this.now();
    if (this.expired(stored, now)) return afterMaybe(remove(), this.returnExpired ? stored[0] : fallback);
    if (this.updateOnRead) return afterMaybe(restamp([stored[0], now]), stored[0]);
    return stored[0];
  }
}

/** A value state with TTL. */
export class TtlValueState<T> extends AbstractTtlState<InternalValueState<TtlValue<T>>> implements InternalValueState<T> {
  /** Decorates `original`; `value()` falls back to `defaultValue`. */
  constructor(
    original: InternalValueState<TtlValue<T>>,
    config: StateTtlConfig,
    clock: TtlTimeProvider,
    backend: KeyedStateBackend,
    private readonly defaultValue: T | undefined,
  ) {
    super(original, config, clock, backend);
  }

  value(): MaybeAsync<T | undefined> {
    return this.read(this.defaultValue);
  }

  getInternal(): MaybeAsync<T | undefined> {
    return this.read(undefined);
  }

  private read(fallback: T | undefined): MaybeAsync<T | undefined> {
    return this.continue(this.original.getInternal(), (stored) =>
      this.readSingle(
        stored,
        fallback,
        () => this.original.clear(),
        (restamped) => this.original.updateInternal(restamped),
      ),
    );
  }

  update(value: T | undefined): MaybeAsync<void> {
    return value === undefined ? this.original.clear() : this.original.updateInternal([value, this.now()]);
  }

  updateInternal(value: T | undefined): MaybeAsync<void> {
    return this.update(value);
  }
}

/** A list state with TTL: every element has its own timestamp. */
export class TtlListState<T> extends AbstractTtlState<InternalListState<TtlValue<T>>> implements InternalListState<T> {
  get(): MaybeAsync<readonly T[]> {
    return thenMaybe(this.getInternal(), (list) => list ?? EMPTY_LIST);
  }

  getInternal(): MaybeAsync<readonly T[] | undefined> {
    return this.continue(this.original.getInternal(), (stored) => {
      if (stored === undefined || stored.length === 0) return undefined;
      const now = this.now();
      let expiredCount = 0;
      for (const element of stored) if (this.expired(element, now)) expiredCount++;
      const visible: T[] = [];
      for (const element of stored) if (this.returnExpired || !this.expired(element, now)) visible.push(element[0]);
      let write: MaybeAsync<void> = undefined;
      if (expiredCount > 0 || this.updateOnRead) {
        const kept: TtlValue<T>[] = [];
        for (const element of stored) {
          if (!this.expired(element, now)) kept.push(this.updateOnRead ? [element[0], now] : element);
        }
        write = kept.length === 0 ? this.original.clear() : this.original.updateInternal(kept);
      }
      return afterMaybe(write, visible.length === 0 ? undefined : visible);
    });
  }

  add(value: T): MaybeAsync<void> {
    checkStateValue(value, this.name, 'ListState.add');
    return this.original.add([value, this.now()]);
  }

  addAll(values: Iterable<T>): MaybeAsync<void> {
    return this.original.addAll(this.stamp(values, 'ListState.addAll'));
  }

  update(values: Iterable<T>): MaybeAsync<void> {
    return this.original.update(this.stamp(values, 'ListState.update'));
  }

  updateInternal(values: readonly T[] | undefined): MaybeAsync<void> {
    if (values === undefined || values.length === 0) return this.original.clear();
    return this.original.updateInternal(this.stamp(values, 'ListState.updateInternal'));
  }

  mergeNamespaces(target: string, sources: readonly string[]): MaybeAsync<void> {
    return this.original.mergeNamespaces(target, sources);
  }

  private stamp(values: Iterable<T>, operation: string): TtlValue<T>[] {
    if (values === null || typeof values !== 'object' || typeof (values as Partial<Iterable<T>>)[Symbol.iterator] !== 'function') {
      throw new TypeError(`State "${this.name}": ${operation} expects an iterable of values`);
    }
    const now = this.now();
    const stamped: TtlValue<T>[] = [];
    for (const value of values) {
      checkStateValue(value, this.name, operation);
      stamped.push([value, now]);
    }
    return stamped;
  }
}

/** A map state with TTL: every entry has its own timestamp. */
export class TtlMapState<K extends MapStateKey, V> extends AbstractTtlState<InternalMapState<K, TtlValue<V>>> implements InternalMapState<K, V> {
  get(key: K): MaybeAsync<V | undefined> {
    return this.continue(this.original.get(key), (stored) =>
      this.readSingle(
        stored,
        undefined,
        () => this.original.remove(key),
        (restamped) => this.original.put(key, restamped),
      ),
    );
  }

  put(key: K, value: V): MaybeAsync<void> {
    checkStateValue(value, this.name, 'MapState.put');
    return this.original.put(key, [value, this.now()]);
  }

  putAll(entries: Iterable<readonly [K, V]>): MaybeAsync<void> {
    const now = this.now();
    const stamped: [K, TtlValue<V>][] = [];
    for (const [key, value] of entries) {
      checkStateValue(value, this.name, 'MapState.putAll');
      stamped.push([key, [value, now]]);
    }
    return this.original.putAll(stamped);
  }

  remove(key: K): MaybeAsync<void> {
    return this.original.remove(key);
  }

  contains(key: K): MaybeAsync<boolean> {
    return thenMaybe(this.get(key), (value) => value !== undefined);
  }

  entries(): MaybeAsync<[K, V][]> {
    return this.continue(this.original.entries(), (stored) => {
      const now = this.now();
      const visible: [K, V][] = [];
      const expiredKeys: K[] = [];
      const restamped: [K, TtlValue<V>][] = [];
      for (const [key, value] of stored) {
        if (this.expired(value, now)) {
          expiredKeys.push(key);
          if (this.returnExpired) visible.push([key, value[0]]);
        } else {
          visible.push([key, value[0]]);
          if (this.updateOnRead) restamped.push([key, [value[0], now]]);
        }
      }
      const removed = this.forEachInContext(expiredKeys, (key) => this.original.remove(key));
      const written = restamped.length === 0 ? removed : this.continue(removed, () => this.original.putAll(restamped));
      return afterMaybe(written, visible);
    });
  }

  keys(): MaybeAsync<K[]> {
    return thenMaybe(this.entries(), (entries) => entries.map((entry) => entry[0]));
  }

  values(): MaybeAsync<V[]> {
    return thenMaybe(this.entries(), (entries) => entries.map((entry) => entry[1]));
  }

  isEmpty(): MaybeAsync<boolean> {
    return thenMaybe(this.entries(), (entries) => entries.length === 0);
  }
}

/** A reducing state with TTL (its raw state reduces with {@link ttlReduceFunction}). */
export class TtlReducingState<T> extends AbstractTtlState<InternalReducingState<TtlValue<T>>> implements InternalReducingState<T> {
  get(): MaybeAsync<T | undefined> {
    return this.getInternal();
  }

  getInternal(): MaybeAsync<T | undefined> {
    return this.continue(this.original.getInternal(), (stored) =>
      this.readSingle(
        stored,
        undefined,
        () => this.original.clear(),
        (restamped) => this.original.updateInternal(restamped),
      ),
    );
  }

  add(value: T): MaybeAsync<void> {
    checkStateValue(value, this.name, 'ReducingState.add');
    return this.original.add([value, this.now()]);
  }

  updateInternal(value: T | undefined): MaybeAsync<void> {
    return value === undefined ? this.original.clear() : this.original.updateInternal([value, this.now()]);
  }

  mergeNamespaces(target: string, sources: readonly string[]): MaybeAsync<void> {
    return this.original.mergeNamespaces(target, sources);
  }
}

/** An aggregating state with TTL (its raw state aggregates with {@link ttlAggregateFunction}). */
export class TtlAggregatingState<IN, ACC, OUT>
  extends AbstractTtlState<InternalAggregatingState<IN, TtlValue<ACC>, OUT>>
  implements InternalAggregatingState<IN, ACC, OUT>
{
  /** Decorates `original`; `fn` computes results. */
  constructor(
    original: InternalAggregatingState<IN, TtlValue<ACC>, OUT>,
    private readonly fn: AggregateFunction<IN, ACC, OUT>,
    config: StateTtlConfig,
    clock: TtlTimeProvider,
    backend: KeyedStateBackend,
  ) {
    super(original, config, clock, backend);
  }

  get(): MaybeAsync<OUT | undefined> {
    return thenMaybe(this.getInternal(), (accumulator) => (accumulator === undefined ? undefined : this.fn.getResult(accumulator)));
  }

  getInternal(): MaybeAsync<ACC | undefined> {
    return this.continue(this.original.getInternal(), (stored) =>
      this.readSingle(
        stored,
        undefined,
        () => this.original.clear(),
        (restamped) => this.original.updateInternal(restamped),
      ),
    );
  }

  add(value: IN): MaybeAsync<void> {
    checkStateValue(value, this.name, 'AggregatingState.add');
    return this.original.add(value);
  }

  updateInternal(accumulator: ACC | undefined): MaybeAsync<void> {
    return accumulator === undefined ? this.original.clear() : this.original.updateInternal([accumulator, this.now()]);
  }

  mergeNamespaces(target: string, sources: readonly string[]): MaybeAsync<void> {
    return this.original.mergeNamespaces(target, sources);
  }
}
