/**
 * `KeyedStateBackend`: the template class of keyed state backends (Flink's `KeyedStateBackend`). Public methods
 * validate their input and the backend's status, then call protected `_methods` that an implementation fills in
 * (convention 4). The template also owns what every backend shares: the key-group range, the current key and its
 * key group, the registry of states by name, time-to-live (a decorator over the implementation's raw states, so every
 * backend gets it), the public async state objects, and the validation and key-group selection of snapshots.
 *
 * Lifecycle: `'opening'` (constructed) -> `open()` -> `'open'` -> `close()` -> `'closing'` -> `'closed'`. `close()` is
 * safe to call twice; `Symbol.asyncDispose` closes. {@link StateBackend.createKeyedStateBackend} returns an open one.
 *
 * Threading model: a backend belongs to one operator instance and is used from its mailbox only. The current key is
 * per backend; a state operation reads the current key and namespace when it is called (see `internal-state.ts`).
 * A snapshot reflects the state at the moment `snapshot()` is called. A backend with `supports.incrementalSnapshots`
 * also takes incremental snapshots (`snapshotDelta()`): the changes since its previous `snapshot()` or
 * `snapshotDelta()`, which `applyKeyedStateDelta` folds into that previous snapshot.
 *
 * @example
 * ```ts
 * const backend = await new MemoryStateBackend().createKeyedStateBackend({
 *   operatorId: 'counter', maxParallelism: 128, parallelism: 1, subtaskIndex: 0,
 * });
 * const count = backend.getState(new ValueStateDescriptor<number>('count', 0));
 * backend.setCurrentKey('alice');
 * await count.update((await count.value())! + 1);
 * const snapshot = await backend.snapshot();
 * await backend.close();
 * ```
 */
import { ErrorCodes, WeirError } from '../errors.js';
import { assignToKeyGroup, keyIdentity, stableHash, type Key } from '../keys/key-group.js';
import type { AggregateFunction } from './aggregate-function.js';
import type { AggregatingStateDescriptor } from './aggregating-state-descriptor.js';
import { AsyncAggregatingState, AsyncListState, AsyncMapState, AsyncReducingState, AsyncValueState } from './async-states.js';
import type {
  InternalAggregatingState,
  InternalKeyedState,
  InternalListState,
  InternalMapState,
  InternalReducingState,
  InternalStateOf,
  InternalValueState,
} from './internal-state.js';
import { checkParallelismParameters, keyGroupRangeOf, type KeyGroupRange } from './key-group-range.js';
import {
  describeShape,
  KEYED_STATE_DELTA_VERSION,
  KEYED_STATE_SNAPSHOT_VERSION,
  selectKeyGroups,
  type KeyedStateDelta,
  type KeyedStateSnapshot,
  type KeyGroupDelta,
  type KeyGroupSnapshot,
  type SelectedKeyGroups,
  type StateShape,
  type TtlValue,
} from './keyed-state-snapshot.js';
import type { ListStateDescriptor } from './list-state-descriptor.js';
import type { MapStateDescriptor } from './map-state-descriptor.js';
import type { MaybeAsync } from './maybe-async.js';
import type { ReducingStateDescriptor } from './reducing-state-descriptor.js';
import type { AggregatingState, ListState, MapState, MapStateKey, ReducingState, ValueState } from './state.js';
import { StateDescriptor, type StateType } from './state-descriptor.js';
import type { KeyedStateBackendParameters } from './state-backend.js';
import { describeValue, type KeyIdentity } from './state-key.js';
import {
  TtlAggregatingState,
  ttlAggregateFunction,
  TtlListState,
  TtlMapState,
  TtlReducingState,
  ttlReduceFunction,
  TtlValueState,
} from './ttl-states.js';
import { systemTtlTimeProvider, type TtlTimeProvider } from './ttl-time-provider.js';
import type { ValueStateDescriptor } from './value-state-descriptor.js';

/** The status of a keyed state backend: `'opening'` until `open()` completes, `'open'`, then `'closing'`, `'closed'`. */
export type KeyedStateBackendStatus = 'opening' | 'open' | 'closing' | 'closed';

/** The optional features of a backend; the conformance suite skips the tests of features a backend lacks. */
export interface KeyedStateBackendSupports {
  /** Every internal state method returns a plain value, never a promise (the memory backend). */
  readonly synchronousAccess: boolean;
  /** `snapshot()` and `restore()` work. */
  readonly snapshots: boolean;
  /** Descriptors with a time-to-live are accepted (the template implements TTL over the raw states). */
  readonly ttl: boolean;
  /** `mergeNamespaces` of list, reducing and aggregating state works (merging windows need it). */
  readonly mergingNamespaces: boolean;
  /**
   * Values are kept by reference (the memory backend): an object changed in place after `update` is already stored,
   * so built-in operators may skip writing back an unchanged reference. Disk backends keep copies: false.
   */
  readonly valuesByReference?: boolean;
  /**
   * `snapshotDelta()` works: incremental snapshots holding only what changed since the previous `snapshot()` or
   * `snapshotDelta()` (for incremental checkpoints). Absent means false.
   */
  readonly incrementalSnapshots?: boolean;
}

/** What an implementation learns of a state it creates. */
export interface RawStateInfo {
  /** The state's name. */
  readonly name: string;
  /** The state's type. */
  readonly type: StateType;
  /**
   * Whether the template decorates the state with time-to-live: then every stored value, list element and map value
   * is a {@link TtlValue} `[value, lastAccessTimestamp]`, and snapshots mark the state `ttl: true`.
   */
  readonly ttl: boolean;
}

/** A captured current key, for continuing work asynchronously under the key it started with. Opaque. */
export interface KeyContext {
  /** The key, or undefined when none was set. */
  readonly key: Key | undefined;
  /** Its identity. */
  readonly keyIdentity: KeyIdentity;
  /** Its key group, or -1. */
  readonly keyGroup: number;
}

/** A registered state: its shape, its internal object and its public object in the default namespace. */
interface RegisteredState {
  readonly type: StateType;
  readonly ttl: boolean;
  readonly internal: InternalKeyedState;
  defaultView: unknown;
}

const NO_KEY_IDENTITY: KeyIdentity = '';

/** Marks a key group not computed yet (a backend that owns every key group computes it on demand). */
const KEY_GROUP_PENDING = -2;

/** Validates a key like `assignToKeyGroup` would (TypeError for a value that is not a key). */
function checkStateKey(key: Key): Key {
  const t = typeof key;
  if (t === 'string' || t === 'number' || t === 'bigint' || t === 'boolean') return key;
  stableHash(key);
  return key;
}

/** The template of keyed state backends; see the module documentation. */
export abstract class KeyedStateBackend implements AsyncDisposable {
  /** The optional features this implementation offers. */
  abstract readonly supports: KeyedStateBackendSupports;
  /** The operator's stable id. */
  readonly operatorId: string;
  /** The number of key groups. */
  readonly maxParallelism: number;
  /** The operator's parallelism. */
  readonly parallelism: number;
  /** This instance's subtask index. */
  readonly subtaskIndex: number;
  /** The key groups this backend owns. */
  readonly keyGroupRange: KeyGroupRange;
  /** The number of key groups this backend owns. */
  readonly numberOfKeyGroups: number;
  /** The clock of time-to-live. */
  readonly ttlTimeProvider: TtlTimeProvider;

  private statusValue: KeyedStateBackendStatus = 'opening';
  private opening: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private readonly ownsAllKeyGroups: boolean;
  private key: Key | undefined = undefined;
  private keyIdentityValue: KeyIdentity = NO_KEY_IDENTITY;
  private keyGroup = -1;
  private keyGroupOffset = -1;
  private readonly registered = new Map<string, RegisteredState>();
  private readonly restoredShapes = new Map<string, StateShape>();
  /** Whether a `snapshot()` was taken and no snapshot or delta failed since: the base `snapshotDelta()` needs. */
  private hasDeltaBase = false;

  /** Checks the parameters (`TypeError` for a wrong one); the backend is `'opening'` until {@link open}. */
  constructor(parameters: KeyedStateBackendParameters) {
    if (typeof parameters !== 'object' || parameters === null) throw new TypeError('A keyed state backend needs its parameters');
    const { operatorId, maxParallelism, parallelism, subtaskIndex, ttlTimeProvider } = parameters;
    if (typeof operatorId !== 'string' || operatorId.length === 0) {
      throw new TypeError(`operatorId must be a non-empty string; got ${describeValue(operatorId)}`);
    }
    checkParallelismParameters(maxParallelism, parallelism, subtaskIndex);
    if (ttlTimeProvider !== undefined && typeof ttlTimeProvider?.currentTimestamp !== 'function') {
      throw new TypeError('ttlTimeProvider must have a currentTimestamp() method');
    }
    this.operatorId = operatorId;
    this.maxParallelism = maxParallelism;
    this.parallelism = parallelism;
    this.subtaskIndex = subtaskIndex;
    this.keyGroupRange = keyGroupRangeOf(maxParallelism, parallelism, subtaskIndex);
    this.numberOfKeyGroups = this.keyGroupRange.end - this.keyGroupRange.start + 1;
    this.ownsAllKeyGroups = this.numberOfKeyGroups === maxParallelism;
    this.ttlTimeProvider = ttlTimeProvider ?? systemTtlTimeProvider;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Lifecycle

  /** The backend's status. */
  get status(): KeyedStateBackendStatus {
    return this.statusValue;
  }

  /** Opens the backend (`'opening'` -> `'open'`); a no-op when open. A backend that failed to open is `'closed'`. */
  open(): Promise<void> {
    if (this.statusValue === 'open') return Promise.resolve();
    if (this.statusValue !== 'opening') return Promise.reject(this.notOpenError('open'));
    if (this.opening !== undefined) return this.opening;
    this.opening = (async () => {
      try {
        await this._open();
      } catch (error) {
        this.statusValue = 'closed';
        throw error;
      }
      if (this.statusValue === 'opening') this.statusValue = 'open';
    })();
    return this.opening;
  }

  /** Closes the backend and releases its state; safe to call twice (and while opening). */
  close(): Promise<void> {
    if (this.closing !== undefined) return this.closing;
    if (this.statusValue === 'closed') return Promise.resolve();
    const opening = this.opening;
    this.statusValue = 'closing';
    this.setKeyContext(undefined, NO_KEY_IDENTITY, -1);
    this.closing = (async () => {
      try {
        if (opening !== undefined) await opening.catch(() => undefined);
        await this._close();
      } finally {
        this.statusValue = 'closed';
        this.registered.clear();
      }
    })();
    return this.closing;
  }

  /** Same as {@link close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The current key

  /**
   * Makes `key` the current key: the key that state operations use. Computes its key group once. Throws `TypeError`
   * for a value that is not a key, and `KEY_GROUP_OUT_OF_RANGE` for a key of another subtask's key groups.
   */
  setCurrentKey(key: Key): void {
    if (key === this.key && typeof key !== 'object') return;
    if (this.statusValue !== 'open') throw this.notOpenError('set the current key');
    if (this.ownsAllKeyGroups) {
      // Every key belongs here: the key group is computed only when someone asks for it.
      this.key = checkStateKey(key);
      this.keyIdentityValue = keyIdentity(key);
      this.keyGroup = KEY_GROUP_PENDING;
      this.keyGroupOffset = KEY_GROUP_PENDING;
      return;
    }
    const keyGroup = assignToKeyGroup(key, this.maxParallelism);
    const range = this.keyGroupRange;
    if (keyGroup < range.start || keyGroup > range.end) {
      throw new WeirError(
        ErrorCodes.KEY_GROUP_OUT_OF_RANGE,
        `Key ${describeValue(key)} belongs to key group ${keyGroup}, outside the key groups ${range.start}..${range.end} of subtask ${this.subtaskIndex} of operator "${this.operatorId}" (maxParallelism ${this.maxParallelism}, parallelism ${this.parallelism}); records must be partitioned by the same key`,
      );
    }
    this.key = key;
    this.keyIdentityValue = keyIdentity(key);
    this.keyGroup = keyGroup;
    this.keyGroupOffset = keyGroup - range.start;
  }

  /** True when a current key is set and the backend is open. For state implementations. */
  get hasCurrentKey(): boolean {
    return this.key !== undefined && this.statusValue === 'open';
  }

  /** The current key, or undefined when none is set. */
  getCurrentKey(): Key | undefined {
    return this.key;
  }

  /** The key group of the current key, or -1 when none is set. */
  get currentKeyGroupIndex(): number {
    if (this.keyGroup === KEY_GROUP_PENDING) this.resolveKeyGroup();
    return this.keyGroup;
  }

  /**
   * The current key group minus the first key group of the range (an index into per-key-group arrays), or -1 when no
   * key is set or the backend is not open. For state implementations.
   */
  get currentKeyGroupOffset(): number {
    if (this.keyGroup === KEY_GROUP_PENDING) this.resolveKeyGroup();
    return this.keyGroupOffset;
  }

  private resolveKeyGroup(): void {
    this.keyGroup = assignToKeyGroup(this.key!, this.maxParallelism);
    this.keyGroupOffset = this.keyGroup - this.keyGroupRange.start;
  }

  /** The identity of the current key (`keyIdentity(key)`, a `Map` key). For state implementations. */
  get currentKeyIdentity(): KeyIdentity {
    return this.keyIdentityValue;
  }

  /** Captures the current key, for work that continues asynchronously (see {@link runWithKeyContext}). */
  captureKeyContext(): KeyContext {
    return { key: this.key, keyIdentity: this.keyIdentityValue, keyGroup: this.currentKeyGroupIndex };
  }

  /**
   * Runs `action` synchronously with `context` as the current key, then puts the current key back. For state
   * implementations that continue a multi-step operation after a promise under the key the operation started with.
   */
  runWithKeyContext<R>(context: KeyContext, action: () => R): R {
    const key = this.key;
    const identity = this.keyIdentityValue;
    const keyGroup = this.keyGroup;
    this.setKeyContext(context.key, context.keyIdentity, context.keyGroup);
    try {
      return action();
    } finally {
      this.setKeyContext(key, identity, keyGroup);
    }
  }

  private setKeyContext(key: Key | undefined, identity: KeyIdentity, keyGroup: number): void {
    const usable = key !== undefined && this.statusValue === 'open';
    this.key = usable ? key : undefined;
    this.keyIdentityValue = usable ? identity : NO_KEY_IDENTITY;
    this.keyGroup = usable ? keyGroup : -1;
    this.keyGroupOffset = usable ? keyGroup - this.keyGroupRange.start : -1;
  }

  /**
   * Throws the error for a state operation without a usable current key: `STATE_BACKEND_NOT_OPEN` when the backend is
   * not open, else a `TypeError` (state used outside the processing of a key). For state implementations.
   */
  throwNoCurrentKey(stateName: string): never {
    if (this.statusValue !== 'open') throw this.notOpenError(`use state "${stateName}"`);
    throw new TypeError(
      `No current key: keyed state "${stateName}" of operator "${this.operatorId}" can only be used while a record or timer of a key is processed`,
    );
  }

  // ---------------------------------------------------------------------------------------------------------------
  // States

  /**
   * The value state `descriptor` in `namespace` (default `''`). In the default namespace it is the same object for the
   * same name; in another namespace a new view of the same state. A name registered as another type (or with TTL on
   * one side only) is `STATE_INCOMPATIBLE`; a descriptor of another kind is a `TypeError`.
   */
  getState<T>(descriptor: ValueStateDescriptor<T>, namespace = ''): ValueState<T> {
    return this.view(descriptor, 'value', namespace, (internal) => new AsyncValueState(internal as InternalValueState<T>, namespace));
  }

  /** The list state `descriptor` in `namespace` (default `''`). */
  getListState<T>(descriptor: ListStateDescriptor<T>, namespace = ''): ListState<T> {
    return this.view(descriptor, 'list', namespace, (internal) => new AsyncListState(internal as InternalListState<T>, namespace));
  }

  /** The map state `descriptor` in `namespace` (default `''`). */
  getMapState<K extends MapStateKey, V>(descriptor: MapStateDescriptor<K, V>, namespace = ''): MapState<K, V> {
    return this.view(descriptor, 'map', namespace, (internal) => new AsyncMapState(internal as InternalMapState<K, V>, namespace));
  }

  /** The reducing state `descriptor` in `namespace` (default `''`). */
  getReducingState<T>(descriptor: ReducingStateDescriptor<T>, namespace = ''): ReducingState<T> {
    return this.view(descriptor, 'reducing', namespace, (internal) => new AsyncReducingState(internal as InternalReducingState<T>, namespace));
  }

  /** The aggregating state `descriptor` in `namespace` (default `''`). */
  getAggregatingState<IN, ACC, OUT>(descriptor: AggregatingStateDescriptor<IN, ACC, OUT>, namespace = ''): AggregatingState<IN, OUT> {
    return this.view(
      descriptor,
      'aggregating',
      namespace,
      (internal) => new AsyncAggregatingState(internal as InternalAggregatingState<IN, ACC, OUT>, namespace),
    );
  }

  /**
   * The internal, maybe-async state of `descriptor`, for built-in operators: the same object for the same name (and
   * the object the public state objects wrap). Set its namespace with `setCurrentNamespace`.
   */
  getInternalState<D extends StateDescriptor>(descriptor: D): InternalStateOf<D> {
    return this.register(descriptor, descriptor?.type).internal as InternalStateOf<D>;
  }

  private view<S>(descriptor: StateDescriptor, type: StateType, namespace: string, wrap: (internal: InternalKeyedState) => S): S {
    if (typeof namespace !== 'string') throw new TypeError(`A state namespace must be a string; got ${describeValue(namespace)}`);
    const registered = this.register(descriptor, type);
    if (namespace !== '') return wrap(registered.internal);
    return (registered.defaultView ??= wrap(registered.internal)) as S;
  }

  private register(descriptor: StateDescriptor, type: StateType): RegisteredState {
    if (!(descriptor instanceof StateDescriptor)) throw new TypeError(`Expected a state descriptor; got ${describeValue(descriptor)}`);
    if (descriptor.type !== type) {
      throw new TypeError(`Expected a ${type} state descriptor; got ${String(descriptor)}, a ${descriptor.type} state descriptor`);
    }
    if (this.statusValue !== 'open') throw this.notOpenError(`get state "${descriptor.name}"`);
    const ttlConfig = descriptor.getTtlConfig();
    const ttl = ttlConfig !== undefined;
    const existing = this.registered.get(descriptor.name);
    if (existing !== undefined) {
      if (existing.type !== type || existing.ttl !== ttl) {
        throw new WeirError(
          ErrorCodes.STATE_INCOMPATIBLE,
          `State "${descriptor.name}" of operator "${this.operatorId}" is registered as a ${describeShape(existing.type, existing.ttl)} state; it cannot also be a ${describeShape(type, ttl)} state`,
        );
      }
      return existing;
    }
    const restored = this.restoredShapes.get(descriptor.name);
    if (restored !== undefined && (restored.type !== type || restored.ttl !== ttl)) {
      throw new WeirError(
        ErrorCodes.STATE_INCOMPATIBLE,
        `State "${descriptor.name}" of operator "${this.operatorId}" was restored as a ${describeShape(restored.type, restored.ttl)} state; the descriptor asks for a ${describeShape(type, ttl)} state`,
      );
    }
    if (ttl && !this.supports.ttl) {
      throw new WeirError(ErrorCodes.UNSUPPORTED_OPERATION, `The state backend of operator "${this.operatorId}" does not support state time-to-live (state "${descriptor.name}")`);
    }
    const info: RawStateInfo = Object.freeze({ name: descriptor.name, type, ttl });
    const internal = ttlConfig === undefined ? this.createRaw(descriptor, info) : this.createWithTtl(descriptor, info);
    const entry: RegisteredState = { type, ttl, internal, defaultView: undefined };
    this.registered.set(descriptor.name, entry);
    return entry;
  }

  private createRaw(descriptor: StateDescriptor, info: RawStateInfo): InternalKeyedState {
    switch (info.type) {
      case 'value':
        return this._createValueState(info, (descriptor as ValueStateDescriptor<unknown>).defaultValue);
      case 'list':
        return this._createListState(info);
      case 'map':
        return this._createMapState(info);
      case 'reducing':
        return this._createReducingState(info, (descriptor as ReducingStateDescriptor<unknown>).reduce);
      case 'aggregating':
        return this._createAggregatingState(info, (descriptor as AggregatingStateDescriptor<unknown, unknown, unknown>).aggregateFunction);
    }
  }

  private createWithTtl(descriptor: StateDescriptor, info: RawStateInfo): InternalKeyedState {
    const config = descriptor.getTtlConfig()!;
    const clock = this.ttlTimeProvider;
    switch (info.type) {
      case 'value':
        return new TtlValueState(
          this._createValueState<TtlValue<unknown>>(info, undefined),
          config,
          clock,
          this,
          (descriptor as ValueStateDescriptor<unknown>).defaultValue,
        );
      case 'list':
        return new TtlListState(this._createListState<TtlValue<unknown>>(info), config, clock, this);
      case 'map':
        return new TtlMapState(this._createMapState<MapStateKey, TtlValue<unknown>>(info), config, clock, this);
      case 'reducing': {
        const reduce = (descriptor as ReducingStateDescriptor<unknown>).reduce;
        return new TtlReducingState(this._createReducingState(info, ttlReduceFunction(reduce, config, clock)), config, clock, this);
      }
      case 'aggregating': {
        const fn = (descriptor as AggregatingStateDescriptor<unknown, unknown, unknown>).aggregateFunction;
        return new TtlAggregatingState(this._createAggregatingState(info, ttlAggregateFunction(fn, config, clock)), fn, config, clock, this);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Keys

  /**
   * The keys that have state `stateName` in `namespace` (default `''`), in key-group order. Safe to change state while
   * iterating (the memory backend iterates over a copy).
   */
  keys(stateName: string, namespace = ''): AsyncIterable<Key> {
    if (typeof stateName !== 'string' || stateName.length === 0) throw new TypeError(`keys() needs a state name; got ${describeValue(stateName)}`);
    if (typeof namespace !== 'string') throw new TypeError(`A state namespace must be a string; got ${describeValue(namespace)}`);
    if (this.statusValue !== 'open') throw this.notOpenError('list keys');
    const source = this._keys(stateName, namespace);
    return (async function* keys(): AsyncGenerator<Key> {
      yield* source;
    })();
  }

  /**
   * Calls `action(key, state)` for every key that has state `descriptor` in `namespace`, with that key current and
   * the state's namespace set; awaits each call. The current key is restored afterwards. (Flink's `applyToAllKeys`.)
   */
  async applyToAllKeys<D extends StateDescriptor>(
    namespace: string,
    descriptor: D,
    action: (key: Key, state: InternalStateOf<D>) => MaybeAsync<void>,
  ): Promise<void> {
    const state = this.getInternalState(descriptor);
    const keys: Key[] = [];
    for await (const key of this.keys(descriptor.name, namespace)) keys.push(key);
    const saved = this.captureKeyContext();
    try {
      for (const key of keys) {
        this.setCurrentKey(key);
        state.setCurrentNamespace(namespace);
        await action(key, state);
      }
    } finally {
      this.setKeyContext(saved.key, saved.keyIdentity, saved.keyGroup);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Snapshots

  /**
   * A snapshot of all state of this backend, grouped by key group ({@link KeyedStateSnapshot}): plain data. It
   * reflects the state at the moment of the call; later changes do not show in it.
   */
  async snapshot(): Promise<KeyedStateSnapshot> {
    if (this.statusValue !== 'open') throw this.notOpenError('take a snapshot');
    if (!this.supports.snapshots) throw this.unsupported('snapshots');
    // `_snapshot()` runs synchronously, before the first await, so the snapshot is of this moment.
    const keyGroups = await this.track(() => this._snapshot());
    return { version: KEYED_STATE_SNAPSHOT_VERSION, maxParallelism: this.maxParallelism, keyGroups };
  }

  /**
   * An incremental snapshot ({@link KeyedStateDelta}): the changes since the previous `snapshot()` or
   * `snapshotDelta()` call, per key group and state, as the whole stored value of every changed key and namespace
   * and the key and namespace pairs removed. `applyKeyedStateDelta(previous, delta)`, where `previous` is the
   * snapshot of the previous call (or the fold of it), equals a full snapshot taken at the moment of this call; later
   * changes do not show in it, and processing may go on while it is read.
   *
   * Needs `supports.incrementalSnapshots` (else `UNSUPPORTED_OPERATION`) and a base: calling it before any
   * `snapshot()`, or after a `snapshot()` or `snapshotDelta()` failed (the base is then unknown), is a `TypeError`;
   * take a full `snapshot()` first.
   */
  async snapshotDelta(): Promise<KeyedStateDelta> {
    if (this.statusValue !== 'open') throw this.notOpenError('take an incremental snapshot');
    if (!this.supports.snapshots || this.supports.incrementalSnapshots !== true) throw this.unsupported('incremental snapshots');
    if (!this.hasDeltaBase) {
      throw new TypeError(
        `snapshotDelta() of the keyed state backend of operator "${this.operatorId}" (subtask ${this.subtaskIndex}) needs a base: take a full snapshot() first (a delta holds the changes since the previous snapshot() or snapshotDelta(); after one of them failed, the next must be a full snapshot())`,
      );
    }
    const keyGroups = await this.track(() => this._snapshotDelta());
    return { version: KEYED_STATE_DELTA_VERSION, maxParallelism: this.maxParallelism, keyGroups };
  }

  /**
   * Starts a snapshot or delta (`start` runs synchronously) and keeps {@link hasDeltaBase}: set once it started,
   * cleared when it fails, since the implementation has then already begun tracking changes from a lost base.
   */
  private async track<R>(start: () => MaybeAsync<R>): Promise<R> {
    let pending: MaybeAsync<R>;
    try {
      pending = start();
    } catch (error) {
      this.hasDeltaBase = false;
      throw error;
    }
    this.hasDeltaBase = true;
    try {
      return await pending;
    } catch (error) {
      this.hasDeltaBase = false;
      throw error;
    }
  }

  /**
   * Restores the key groups of this backend's range from `snapshots` (for rescaling: the snapshots of all old
   * subtasks; each takes what it owns). Everything taken is validated before anything changes: corrupt data is
   * `INVALID_STATE_SNAPSHOT`, a state whose type or TTL differs from its registered descriptor or another
   * max parallelism is `STATE_INCOMPATIBLE`. Call it once, on a fresh backend, before processing; entries restored
   * replace the values under the same key and namespace. The snapshots are not modified or retained.
   */
  async restore(snapshots: readonly KeyedStateSnapshot[]): Promise<void> {
    if (this.statusValue !== 'open') throw this.notOpenError('restore');
    if (!this.supports.snapshots) throw this.unsupported('snapshots');
    const selection = selectKeyGroups(snapshots, this.maxParallelism, this.keyGroupRange);
    for (const [name, shape] of selection.states) {
      const known = this.registered.get(name) ?? this.restoredShapes.get(name);
      if (known !== undefined && (known.type !== shape.type || known.ttl !== shape.ttl)) {
        throw new WeirError(
          ErrorCodes.STATE_INCOMPATIBLE,
          `Cannot restore state "${name}" of operator "${this.operatorId}": the snapshot holds a ${describeShape(shape.type, shape.ttl)} state, but it is a ${describeShape(known.type, known.ttl)} state here`,
        );
      }
    }
    for (const [name, shape] of selection.states) this.restoredShapes.set(name, shape);
    await this._restore(selection);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Errors

  private notOpenError(action: string): WeirError {
    return new WeirError(
      ErrorCodes.STATE_BACKEND_NOT_OPEN,
      `Cannot ${action}: the keyed state backend of operator "${this.operatorId}" (subtask ${this.subtaskIndex}) is ${this.statusValue}`,
    );
  }

  private unsupported(feature: string): WeirError {
    return new WeirError(ErrorCodes.UNSUPPORTED_OPERATION, `The state backend of operator "${this.operatorId}" does not support ${feature}`);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // What implementations provide

  /** Opens resources (files, connections). Default: nothing. */
  protected _open(): MaybeAsync<void> {
    return undefined;
  }

  /** Releases every resource and all state; called once. Default: nothing. */
  protected _close(): MaybeAsync<void> {
    return undefined;
  }

  /**
   * Creates the raw value state `info.name` (restored entries of that name are its content). `value()` returns
   * `defaultValue` when unset. Raw states store what they are given; with `info.ttl` the values are {@link TtlValue}s.
   */
  protected abstract _createValueState<T>(info: RawStateInfo, defaultValue: T | undefined): InternalValueState<T>;

  /** Creates the raw list state `info.name`. */
  protected abstract _createListState<T>(info: RawStateInfo): InternalListState<T>;

  /** Creates the raw map state `info.name`. */
  protected abstract _createMapState<K extends MapStateKey, V>(info: RawStateInfo): InternalMapState<K, V>;

  /** Creates the raw reducing state `info.name`, combining with `reduce`. */
  protected abstract _createReducingState<T>(info: RawStateInfo, reduce: (a: T, b: T) => T): InternalReducingState<T>;

  /** Creates the raw aggregating state `info.name` (call `aggregateFunction`'s methods on it). */
  protected abstract _createAggregatingState<IN, ACC, OUT>(
    info: RawStateInfo,
    aggregateFunction: AggregateFunction<IN, ACC, OUT>,
  ): InternalAggregatingState<IN, ACC, OUT>;

  /** The keys with state `stateName` in `namespace`, registered or only restored; none for an unknown state. */
  protected abstract _keys(stateName: string, namespace: string): Iterable<Key> | AsyncIterable<Key>;

  /**
   * The non-empty key groups in ascending order, each with its non-empty states, in the format of
   * {@link KeyedStateSnapshot}. Must capture the state at the moment of the call (before returning a promise).
   */
  protected abstract _snapshot(): MaybeAsync<readonly KeyGroupSnapshot[]>;

  /**
   * The changes since the previous `_snapshot()` or `_snapshotDelta()` call, in the format of
   * {@link KeyedStateDelta}: the changed key groups in ascending order, each with its changed states; per state the
   * whole stored value of every changed key and namespace (`upserted`) and the pairs removed (`deleted`, tombstones);
   * a pair appears at most once per state. Must capture the state at the moment of the call (before returning a
   * promise). The template calls it only when `supports.incrementalSnapshots` is true and after a `_snapshot()`, so an
   * implementation may start tracking changes at its first `_snapshot()`. Default: `UNSUPPORTED_OPERATION`.
   */
  protected _snapshotDelta(): MaybeAsync<readonly KeyGroupDelta[]> {
    throw this.unsupported('incremental snapshots');
  }

  /**
   * Adds the validated key groups of `selection` (all in this backend's range) to the backend, creating the storage
   * of states not registered yet. Must not keep references to mutable parts of the snapshot (lists, maps).
   */
  protected abstract _restore(selection: SelectedKeyGroups): MaybeAsync<void>;
}
