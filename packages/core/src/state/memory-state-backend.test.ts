import { describe, expect, it } from 'vitest';
import { stateBackendConformanceSuite } from '../testing/state-backend-conformance.js';
import type { AggregateFunction } from './aggregate-function.js';
import type {
  InternalAggregatingState,
  InternalListState,
  InternalMapState,
  InternalReducingState,
  InternalValueState,
} from './internal-state.js';
import type { KeyedStateBackendSupports, RawStateInfo } from './keyed-state-backend.js';
import { ListStateDescriptor } from './list-state-descriptor.js';
import { MemoryKeyedStateBackend } from './memory-keyed-state-backend.js';
import { MemoryStateBackend } from './memory-state-backend.js';
import { ReducingStateDescriptor } from './reducing-state-descriptor.js';
import { StateTtlConfig, StateVisibility, UpdateType } from './state-ttl-config.js';
import type { MapStateKey } from './state.js';
import type { KeyedStateBackendParameters } from './state-backend.js';
import { ValueStateDescriptor } from './value-state-descriptor.js';

stateBackendConformanceSuite('memory', () => new MemoryStateBackend());

/**
 * Wraps a raw state so that every operation (except `setCurrentNamespace`) runs at once, reading the current key and
 * namespace when called as the contract demands, but answers through a promise that settles on a later macrotask,
 * as a disk backend would. It exercises the asynchronous paths of the template (TTL, public wrappers) and the suite.
 */
function deferred<S extends object>(state: S): S {
  return new Proxy(state, {
    get(target, property, receiver) {
      const member: unknown = Reflect.get(target, property, receiver);
      if (typeof member !== 'function' || property === 'setCurrentNamespace') return member;
      return (...args: unknown[]): Promise<unknown> => {
        const result: unknown = (member as (...a: unknown[]) => unknown).apply(target, args);
        return new Promise((resolve) => setImmediate(() => resolve(result)));
      };
    },
  });
}

/** The memory backend answering asynchronously (for testing only). */
class DeferredMemoryKeyedStateBackend extends MemoryKeyedStateBackend {
  override readonly supports: KeyedStateBackendSupports = Object.freeze({
    synchronousAccess: false,
    snapshots: true,
    ttl: true,
    mergingNamespaces: true,
  });

  protected override _createValueState<T>(info: RawStateInfo, defaultValue: T | undefined): InternalValueState<T> {
    return deferred(super._createValueState(info, defaultValue));
  }

  protected override _createListState<T>(info: RawStateInfo): InternalListState<T> {
    return deferred(super._createListState<T>(info));
  }

  protected override _createMapState<K extends MapStateKey, V>(info: RawStateInfo): InternalMapState<K, V> {
    return deferred(super._createMapState<K, V>(info));
  }

  protected override _createReducingState<T>(info: RawStateInfo, reduce: (a: T, b: T) => T): InternalReducingState<T> {
    return deferred(super._createReducingState(info, reduce));
  }

  protected override _createAggregatingState<IN, ACC, OUT>(
    info: RawStateInfo,
    aggregateFunction: AggregateFunction<IN, ACC, OUT>,
  ): InternalAggregatingState<IN, ACC, OUT> {
    return deferred(super._createAggregatingState(info, aggregateFunction));
  }
}

stateBackendConformanceSuite('memory, answering asynchronously', () => ({
  name: 'memory-deferred',
  async createKeyedStateBackend(parameters: KeyedStateBackendParameters) {
    const backend = new DeferredMemoryKeyedStateBackend(parameters);
    await backend.open();
    return backend;
  },
}));

describe('MemoryStateBackend', () => {
  it('is named memory and creates open, synchronous backends', async () => {
    const factory = new MemoryStateBackend();
    expect(factory.name).toBe('memory');
    const backend = await factory.createKeyedStateBackend({ operatorId: 'op', maxParallelism: 128, parallelism: 1, subtaskIndex: 0 });
    expect(backend).toBeInstanceOf(MemoryKeyedStateBackend);
    expect(backend.supports.synchronousAccess).toBe(true);
    await backend.close();
  });

  it('internal value state reads and writes synchronously, with the default value', async () => {
    await using backend = await MemoryKeyedStateBackend.create({ operatorId: 'op', maxParallelism: 128, parallelism: 1, subtaskIndex: 0 });
    const count = backend.getInternalState(new ValueStateDescriptor<number>('count', 0));
    for (let i = 0; i < 1000; i++) {
      backend.setCurrentKey(i % 10);
      expect(count.update((count.value() as number) + 1)).toBeUndefined();
    }
    backend.setCurrentKey(3);
    expect(count.value()).toBe(100);
  });

  it('snapshot lists only non-empty key groups and states, in key-group order', async () => {
    await using backend = await MemoryKeyedStateBackend.create({ operatorId: 'op', maxParallelism: 16, parallelism: 1, subtaskIndex: 0 });
    const list = backend.getInternalState(new ListStateDescriptor<number>('l'));
    backend.getInternalState(new ReducingStateDescriptor<number>('unused', (a, b) => a + b));
    for (const key of ['a', 'b', 'c', 'd']) {
      backend.setCurrentKey(key);
      expect(list.add(1)).toBeUndefined();
    }
    backend.setCurrentKey('d');
    expect(list.clear()).toBeUndefined();
    const snapshot = await backend.snapshot();
    expect(snapshot.version).toBe(1);
    const groups = snapshot.keyGroups.map((g) => g.keyGroup);
    expect(groups).toEqual([...groups].sort((a, b) => a - b));
    const entries = snapshot.keyGroups.flatMap((g) => g.states.flatMap((s) => s.entries));
    expect(entries.map(([key]) => key).sort()).toEqual(['a', 'b', 'c']);
    expect(snapshot.keyGroups.flatMap((g) => g.states.map((s) => s.name))).not.toContain('unused');
  });

  it('stores TTL values as [value, lastAccess] pairs in snapshots', async () => {
    let now = 5000;
    await using backend = await MemoryKeyedStateBackend.create({
      operatorId: 'op',
      maxParallelism: 8,
      parallelism: 1,
      subtaskIndex: 0,
      ttlTimeProvider: { currentTimestamp: () => now },
    });
    const ttl = StateTtlConfig.newBuilder(100).setUpdateType(UpdateType.OnReadAndWrite).setStateVisibility(StateVisibility.NeverReturnExpired).build();
    const state = backend.getState(new ValueStateDescriptor<string>('v').enableTimeToLive(ttl));
    backend.setCurrentKey('k');
    await state.update('x');
    now = 5050;
    expect(await state.value()).toBe('x');
    const snapshot = await backend.snapshot();
    expect(snapshot.keyGroups[0].states[0]).toEqual({ name: 'v', type: 'value', ttl: true, entries: [['k', '', ['x', 5050]]] });
  });
});

describe('StateTtlConfig', () => {
  it("has Flink's defaults and validates its settings", () => {
    const config = StateTtlConfig.newBuilder(1000).build();
    expect(config).toMatchObject({ ttl: 1000, updateType: 'OnCreateAndWrite', stateVisibility: 'NeverReturnExpired' });
    expect(Object.isFrozen(config)).toBe(true);
    expect(() => StateTtlConfig.newBuilder(0)).toThrow(TypeError);
    expect(() => StateTtlConfig.newBuilder(Number.NaN)).toThrow(TypeError);
    expect(() => StateTtlConfig.newBuilder(10).setUpdateType('Never' as UpdateType)).toThrow(TypeError);
    expect(() => StateTtlConfig.newBuilder(10).setStateVisibility('Sometimes' as StateVisibility)).toThrow(TypeError);
  });

  it('descriptors validate their arguments', () => {
    expect(() => new ValueStateDescriptor('')).toThrow(TypeError);
    expect(() => new ReducingStateDescriptor<number>('r', 'sum' as unknown as (a: number, b: number) => number)).toThrow(TypeError);
    expect(() => new ValueStateDescriptor('v').enableTimeToLive({} as StateTtlConfig)).toThrow(TypeError);
  });
});
