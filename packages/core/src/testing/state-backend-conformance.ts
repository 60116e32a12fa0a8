/**
 * The conformance suite of the {@link StateBackend} interface: every state backend (memory, LevelDB, ...) runs it in
 * one line. It uses only the public API of `StateBackend` and of the `KeyedStateBackend` template, awaits every
 * maybe-async result (so it suits synchronous and asynchronous backends alike), drives time-to-live with a fake
 * clock. Merging namespaces and TTL are required (windows and the API need them); synchronous access is optional.
 */
import { Packr } from 'msgpackr';
import { afterEach, beforeEach, describe, expect, it, type TestContext } from 'vitest';
import { ErrorCodes, WeirError } from '../errors.js';
import { assignKeyToParallelOperator, assignToKeyGroup, keyGroupRangeForSubtask, type Key } from '../keys/key-group.js';
import { AggregatingStateDescriptor } from '../state/aggregating-state-descriptor.js';
import type { AggregateFunction } from '../state/aggregate-function.js';
import type { KeyedStateBackend } from '../state/keyed-state-backend.js';
import { applyKeyedStateDelta, KEYED_STATE_DELTA_VERSION, type KeyedStateDelta, type KeyedStateSnapshot } from '../state/keyed-state-snapshot.js';
import { ListStateDescriptor } from '../state/list-state-descriptor.js';
import { MapStateDescriptor } from '../state/map-state-descriptor.js';
import { isThenable } from '../state/maybe-async.js';
import { ReducingStateDescriptor } from '../state/reducing-state-descriptor.js';
import type { KeyedStateBackendParameters, StateBackend } from '../state/state-backend.js';
import { StateTtlConfig, StateVisibility, UpdateType } from '../state/state-ttl-config.js';
import type { TtlTimeProvider } from '../state/ttl-time-provider.js';
import { ValueStateDescriptor } from '../state/value-state-descriptor.js';

/** Knobs of {@link stateBackendConformanceSuite}. */
export interface StateBackendConformanceOptions {
  /** The timeout of each test, in ms. Default 10000. */
  readonly testTimeoutMs?: number;
  /** The max parallelism of the backends the tests create. Default 128. */
  readonly maxParallelism?: number;
}

/** A clock that moves only when told to. */
class FakeClock implements TtlTimeProvider {
  constructor(public now: number) {}
  currentTimestamp(): number {
    return this.now;
  }
  advance(ms: number): void {
    this.now += ms;
  }
}

/** An average as an aggregate function: accumulator `[sum, count]`. */
const average: AggregateFunction<number, [number, number], number> = {
  createAccumulator: () => [0, 0],
  add: (value, [sum, count]) => [sum + value, count + 1],
  getResult: ([sum, count]) => sum / count,
  merge: (a, b) => [a[0] + b[0], a[1] + b[1]],
};

const sum = (a: number, b: number): number => a + b;

/** Snapshots go through msgpack, as checkpoints store them, to prove they are plain data. */
const packr = new Packr({ useRecords: false, mapsAsObjects: true, moreTypes: true, useBigIntExtension: true, int64AsType: 'bigint' });
const throughMsgpack = (snapshot: KeyedStateSnapshot): KeyedStateSnapshot => packr.unpack(packr.pack(snapshot)) as KeyedStateSnapshot;

/** Runs `action` and returns what it threw or rejected with (undefined if nothing). */
async function failure(action: () => unknown): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  return undefined;
}

/** Expects `action` to fail with a `WeirError`-like error of `code`, whose message matches `message` if given. */
async function expectCode(action: () => unknown, code: string, message?: RegExp): Promise<void> {
  const error = await failure(action);
  expect(error, `expected an error with code ${code}`).toBeInstanceOf(Error);
  expect((error as WeirError).code, `code of: ${String(error)}`).toBe(code);
  if (message !== undefined) expect((error as Error).message).toMatch(message);
}

/** Expects `action` to fail with a `TypeError`. */
async function expectTypeError(action: () => unknown): Promise<void> {
  const error = await failure(action);
  expect(error, 'expected a TypeError').toBeInstanceOf(TypeError);
}

/** Collects an async iterable. */
async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** Sorts keys by a canonical rendering, for order-insensitive comparison. */
function sortKeys<T>(keys: T[]): T[] {
  return [...keys].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

/** The first `count` keys `prefix-<i>` owned by `subtask`. */
function keysOwnedBy(maxParallelism: number, parallelism: number, subtask: number, count: number, prefix = 'key'): string[] {
  const keys: string[] = [];
  for (let i = 0; keys.length < count; i++) {
    const key = `${prefix}-${i}`;
    if (assignKeyToParallelOperator(key, maxParallelism, parallelism) === subtask) keys.push(key);
  }
  return keys;
}

let suiteCounter = 0;

/**
 * Registers vitest tests that check a {@link StateBackend} against the contract of keyed state: every state type
 * with its defaults and empty behaviour, namespaces, per-key isolation, key and namespace capture at call time,
 * time-to-live (both update types and both visibilities), key iteration, merging namespaces, raw access, the
 * registration rules, key-group ranges, the lifecycle, snapshots and their restore (also rescaled from two subtasks
 * to three and back to one), and the rejection of corrupt snapshots. For a backend whose
 * `supports.incrementalSnapshots` is true it also checks `snapshotDelta()` (a delta folded into its base equals a full
 * snapshot of the same moment, holds only what changed, chains, and restores rescaled); for the others, that it is
 * `UNSUPPORTED_OPERATION`. To learn which, the suite opens and closes one probe backend while the tests are collected.
 * Call it at the top level of a test file; `createBackend` runs before each test, and every keyed backend the test
 * opened is closed after it.
 *
 * @example
 * ```ts
 * import { stateBackendConformanceSuite } from '@weir/core/testing';
 * stateBackendConformanceSuite('memory', () => new MemoryStateBackend());
 * ```
 */
export function stateBackendConformanceSuite(
  name: string,
  createBackend: () => StateBackend | Promise<StateBackend>,
  options: StateBackendConformanceOptions = {},
): void {
  const testTimeoutMs = options.testTimeoutMs ?? 10_000;
  const maxParallelism = options.maxParallelism ?? 128;
  const suiteId = `${name.replace(/[^A-Za-z0-9_-]/g, '_')}-${process.pid}-${++suiteCounter}`;
  let testCounter = 0;

  describe(`StateBackend conformance: ${name}`, () => {
    let stateBackend: StateBackend;
    let clock: FakeClock;
    let operatorId = '';
    let opened: KeyedStateBackend[] = [];

    beforeEach(async () => {
      stateBackend = await createBackend();
      clock = new FakeClock(1_000_000);
      operatorId = `conformance-${suiteId}-${++testCounter}`;
      opened = [];
    });

    afterEach(async () => {
      for (const backend of opened) await backend.close();
      opened = [];
    });

    /** Opens a keyed backend (parallelism 1 unless given) with the fake clock. */
    async function open(parameters: Partial<KeyedStateBackendParameters> = {}): Promise<KeyedStateBackend> {
      const backend = await stateBackend.createKeyedStateBackend({
        operatorId,
        maxParallelism,
        parallelism: 1,
        subtaskIndex: 0,
        ttlTimeProvider: clock,
        ...parameters,
      });
      opened.push(backend);
      return backend;
    }

    const test = (title: string, body: (context: TestContext) => Promise<void>): void => {
      it(title, body, testTimeoutMs);
    };

    const ttl = (ms: number, updateType: UpdateType = UpdateType.OnCreateAndWrite, visibility: StateVisibility = StateVisibility.NeverReturnExpired) =>
      StateTtlConfig.newBuilder(ms).setUpdateType(updateType).setStateVisibility(visibility).build();

    describe('lifecycle', () => {
      test('creates an open backend that owns its key-group range', async () => {
        const backend = await open({ parallelism: 3, subtaskIndex: 1 });
        expect(backend.status).toBe('open');
        expect(backend.maxParallelism).toBe(maxParallelism);
        expect(backend.parallelism).toBe(3);
        expect(backend.subtaskIndex).toBe(1);
        expect({ ...backend.keyGroupRange }).toEqual(keyGroupRangeForSubtask(maxParallelism, 3, 1));
        for (const feature of ['synchronousAccess', 'snapshots', 'ttl', 'mergingNamespaces'] as const) {
          expect(typeof backend.supports[feature], `supports.${feature}`).toBe('boolean');
        }
        expect(typeof stateBackend.name).toBe('string');
      });

      test('rejects bad parameters with a TypeError', async () => {
        await expectTypeError(() => open({ maxParallelism: 0 }));
        await expectTypeError(() => open({ parallelism: 0 }));
        await expectTypeError(() => open({ parallelism: maxParallelism + 1 }));
        await expectTypeError(() => open({ parallelism: 2, subtaskIndex: 2 }));
        await expectTypeError(() => open({ subtaskIndex: -1 }));
        await expectTypeError(() => open({ operatorId: '' }));
      });

      test('close is safe to call twice; afterwards everything fails with STATE_BACKEND_NOT_OPEN', async () => {
        const backend = await open();
        const state = backend.getState(new ValueStateDescriptor<number>('v'));
        backend.setCurrentKey('a');
        await state.update(1);
        await Promise.all([backend.close(), backend.close()]);
        await backend.close();
        expect(backend.status).toBe('closed');
        const notOpen = ErrorCodes.STATE_BACKEND_NOT_OPEN;
        await expectCode(() => backend.setCurrentKey('a'), notOpen);
        await expectCode(() => state.value(), notOpen);
        await expectCode(() => state.update(2), notOpen);
        await expectCode(() => backend.getState(new ValueStateDescriptor<number>('v')), notOpen);
        await expectCode(() => backend.getListState(new ListStateDescriptor<number>('other')), notOpen);
        await expectCode(() => backend.keys('v'), notOpen);
        await expectCode(() => backend.snapshot(), notOpen);
        await expectCode(() => backend.restore([]), notOpen);
        await expectCode(() => backend.open(), notOpen);
      });

      test('Symbol.asyncDispose closes the backend', async () => {
        const backend = await open();
        await backend[Symbol.asyncDispose]();
        expect(backend.status).toBe('closed');
      });

      test('a new backend starts empty, also with the operator id of a closed one', async () => {
        const first = await open();
        const descriptor = new ValueStateDescriptor<number>('v');
        first.setCurrentKey('a');
        await first.getState(descriptor).update(1);
        await first.close();
        const second = await open();
        second.setCurrentKey('a');
        expect(await second.getState(descriptor).value()).toBeUndefined();
        expect(await collect(second.keys('v'))).toEqual([]);
      });
    });

    describe('keys and registration', () => {
      test('state needs a current key (TypeError otherwise)', async () => {
        const backend = await open();
        const descriptor = new ValueStateDescriptor<number>('v');
        expect(backend.getCurrentKey()).toBeUndefined();
        expect(backend.currentKeyGroupIndex).toBe(-1);
        await expectTypeError(() => backend.getState(descriptor).value());
        await expectTypeError(() => backend.getInternalState(descriptor).value());
        await expectTypeError(() => backend.getListState(new ListStateDescriptor<number>('l')).add(1));
      });

      test('setCurrentKey rejects keys of other subtasks with KEY_GROUP_OUT_OF_RANGE, and non-keys with TypeError', async () => {
        const backend = await open({ parallelism: 2, subtaskIndex: 0 });
        const [foreign] = keysOwnedBy(maxParallelism, 2, 1, 1);
        const [own] = keysOwnedBy(maxParallelism, 2, 0, 1);
        await expectCode(() => backend.setCurrentKey(foreign), ErrorCodes.KEY_GROUP_OUT_OF_RANGE, /key group/);
        backend.setCurrentKey(own);
        expect(backend.getCurrentKey()).toBe(own);
        expect(backend.currentKeyGroupIndex).toBe(assignToKeyGroup(own, maxParallelism));
        for (const bad of [null, undefined, {}, [1, {}]]) await expectTypeError(() => backend.setCurrentKey(bad as Key));
        expect(backend.getCurrentKey()).toBe(own);
      });

      test('the same name gives the same state object; another type under that name is STATE_INCOMPATIBLE', async () => {
        const backend = await open();
        const descriptor = new ValueStateDescriptor<number>('shared');
        expect(backend.getState(descriptor)).toBe(backend.getState(new ValueStateDescriptor<number>('shared')));
        expect(backend.getInternalState(descriptor)).toBe(backend.getInternalState(new ValueStateDescriptor<number>('shared')));
        await expectCode(() => backend.getListState(new ListStateDescriptor<number>('shared')), ErrorCodes.STATE_INCOMPATIBLE, /shared/);
        await expectCode(() => backend.getMapState(new MapStateDescriptor<string, number>('shared')), ErrorCodes.STATE_INCOMPATIBLE);
        await expectCode(() => backend.getReducingState(new ReducingStateDescriptor<number>('shared', sum)), ErrorCodes.STATE_INCOMPATIBLE);
        await expectCode(() => backend.getAggregatingState(new AggregatingStateDescriptor('shared', average)), ErrorCodes.STATE_INCOMPATIBLE);
        if (backend.supports.ttl) {
          const withTtl = new ValueStateDescriptor<number>('shared').enableTimeToLive(ttl(1000));
          await expectCode(() => backend.getState(withTtl), ErrorCodes.STATE_INCOMPATIBLE, /TTL/);
        }
        await expectTypeError(() => backend.getState(new ListStateDescriptor<number>('x') as unknown as ValueStateDescriptor<number>));
        await expectTypeError(() => backend.getState({ name: 'fake', type: 'value' } as unknown as ValueStateDescriptor<number>));
      });

      test('internal calls answer without promises exactly when the backend says it is synchronous', async () => {
        const backend = await open();
        backend.setCurrentKey('k');
        const value = backend.getInternalState(new ValueStateDescriptor<number>('v'));
        const list = backend.getInternalState(new ListStateDescriptor<number>('l'));
        const map = backend.getInternalState(new MapStateDescriptor<string, number>('m'));
        const reducing = backend.getInternalState(new ReducingStateDescriptor<number>('r', sum));
        const aggregating = backend.getInternalState(new AggregatingStateDescriptor('a', average));
        const withTtl = backend.supports.ttl ? backend.getInternalState(new ListStateDescriptor<number>('t').enableTimeToLive(ttl(1000))) : list;
        const results = [
          withTtl.add(1),
          withTtl.get(),
          value.update(1),
          value.value(),
          list.add(1),
          list.get(),
          map.put('x', 1),
          map.get('x'),
          map.entries(),
          reducing.add(1),
          reducing.get(),
          aggregating.add(1),
          aggregating.get(),
          list.mergeNamespaces('', ['w']),
          value.clear(),
        ];
        if (backend.supports.synchronousAccess) {
          expect(results.filter((result) => isThenable(result))).toEqual([]);
        } else {
          const settled = await Promise.all(results.map((r) => Promise.resolve(r)));
          expect(settled[1]).toEqual([1]);
          expect(settled[3]).toBe(1);
          expect(settled[7]).toBe(1);
          expect(settled[10]).toBe(1);
        }
      });
    });

    describe('value state', () => {
      test('is undefined, or the default value, until set; update(undefined) and clear() unset it', async () => {
        const backend = await open();
        const plain = backend.getState(new ValueStateDescriptor<number>('plain'));
        const withDefault = backend.getState(new ValueStateDescriptor<number>('with-default', 42));
        backend.setCurrentKey('a');
        expect(await plain.value()).toBeUndefined();
        expect(await withDefault.value()).toBe(42);
        await plain.update(0);
        await withDefault.update(7);
        expect(await plain.value()).toBe(0);
        expect(await withDefault.value()).toBe(7);
        await plain.update(undefined);
        await withDefault.clear();
        expect(await plain.value()).toBeUndefined();
        expect(await withDefault.value()).toBe(42);
        await plain.update(null as unknown as number);
        expect(await plain.value()).toBeNull();
      });

      test('keeps one value per key (strings, numbers, bigints, booleans, tuples compared by value)', async () => {
        const backend = await open();
        const state = backend.getState(new ValueStateDescriptor<unknown>('v'));
        const keys: Key[] = ['a', 'b', 1, 2.5, 10n, true, ['user', 1], ['user', 2]];
        for (const [i, key] of keys.entries()) {
          backend.setCurrentKey(key);
          await state.update({ index: i, tags: ['x'] });
        }
        for (const [i, key] of keys.entries()) {
          backend.setCurrentKey(Array.isArray(key) ? [...key] : key);
          expect(await state.value(), `key ${String(key)}`).toEqual({ index: i, tags: ['x'] });
        }
        backend.setCurrentKey('1');
        expect(await state.value(), 'the string "1" is not the number 1').toBeUndefined();
        backend.setCurrentKey('a');
        await state.clear();
        expect(await state.value()).toBeUndefined();
        backend.setCurrentKey('b');
        expect(await state.value()).toEqual({ index: 1, tags: ['x'] });
      });

      test('getInternal and updateInternal give raw access without the default', async () => {
        const backend = await open();
        const internal = backend.getInternalState(new ValueStateDescriptor<number>('v', 5));
        backend.setCurrentKey('a');
        expect(await internal.getInternal()).toBeUndefined();
        expect(await internal.value()).toBe(5);
        await internal.updateInternal(9);
        expect(await internal.getInternal()).toBe(9);
        await internal.updateInternal(undefined);
        expect(await internal.getInternal()).toBeUndefined();
      });
    });

    describe('list state', () => {
      test('an empty list is an empty array; add, addAll and update keep order; clear empties', async () => {
        const backend = await open();
        const list = backend.getListState(new ListStateDescriptor<string>('l'));
        backend.setCurrentKey('a');
        expect(await list.get()).toEqual([]);
        await list.add('x');
        await list.add('y');
        await list.addAll(['z', 'w']);
        await list.addAll([]);
        expect(await list.get()).toEqual(['x', 'y', 'z', 'w']);
        await list.update(new Set(['p', 'q']));
        expect(await list.get()).toEqual(['p', 'q']);
        await list.update([]);
        expect(await list.get()).toEqual([]);
        await list.add('r');
        await list.clear();
        expect(await list.get()).toEqual([]);
      });

      test('rejects undefined elements with a TypeError and adds nothing', async () => {
        const backend = await open();
        const list = backend.getListState(new ListStateDescriptor<string | undefined | null>('l'));
        backend.setCurrentKey('a');
        await list.add('x');
        await expectTypeError(() => list.add(undefined));
        await expectTypeError(() => list.addAll(['y', undefined]));
        await expectTypeError(() => list.update(['y', undefined]));
        expect(await list.get()).toEqual(['x']);
        await list.add(null);
        expect(await list.get()).toEqual(['x', null]);
      });

      test('get returns an array the caller owns; lists are per key', async () => {
        const backend = await open();
        const list = backend.getListState(new ListStateDescriptor<number>('l'));
        backend.setCurrentKey('a');
        await list.addAll([1, 2]);
        const copy = await list.get();
        copy.push(3);
        expect(await list.get()).toEqual([1, 2]);
        backend.setCurrentKey('b');
        expect(await list.get()).toEqual([]);
        await list.add(9);
        backend.setCurrentKey('a');
        expect(await list.get()).toEqual([1, 2]);
      });

      test('internal get of an empty list is empty; getInternal is undefined; updateInternal replaces', async () => {
        const backend = await open();
        const list = backend.getInternalState(new ListStateDescriptor<number>('l'));
        backend.setCurrentKey('a');
        expect([...(await list.get())]).toEqual([]);
        expect(await list.getInternal()).toBeUndefined();
        await list.updateInternal([3, 4]);
        expect([...((await list.getInternal()) ?? [])]).toEqual([3, 4]);
        await list.updateInternal([]);
        expect(await list.getInternal()).toBeUndefined();
      });
    });

    describe('map state', () => {
      test('an empty map has no entries; put, get, contains, remove, clear', async () => {
        const backend = await open();
        const map = backend.getMapState(new MapStateDescriptor<string, number>('m'));
        backend.setCurrentKey('a');
        expect(await map.isEmpty()).toBe(true);
        expect(await map.entries()).toEqual([]);
        expect(await map.keys()).toEqual([]);
        expect(await map.values()).toEqual([]);
        expect(await map.get('x')).toBeUndefined();
        expect(await map.contains('x')).toBe(false);
        await map.put('x', 1);
        await map.put('y', 2);
        await map.put('x', 3);
        expect(await map.get('x')).toBe(3);
        expect(await map.contains('y')).toBe(true);
        expect(await map.isEmpty()).toBe(false);
        expect(sortKeys(await map.entries())).toEqual([['x', 3], ['y', 2]]);
        expect((await map.keys()).sort()).toEqual(['x', 'y']);
        expect((await map.values()).sort()).toEqual([2, 3]);
        await map.remove('x');
        await map.remove('never-there');
        expect(await map.contains('x')).toBe(false);
        await map.remove('y');
        expect(await map.isEmpty()).toBe(true);
        await map.put('z', 0);
        await map.clear();
        expect(await map.isEmpty()).toBe(true);
        expect(await map.get('z')).toBeUndefined();
      });

      test('map keys are compared by value and type; putAll takes a Map or pairs', async () => {
        const backend = await open();
        const map = backend.getMapState(new MapStateDescriptor<Key, string>('m'));
        backend.setCurrentKey('a');
        await map.put(['x', 1], 'tuple');
        await map.put(1, 'number');
        await map.put('1', 'string');
        await map.put(1n << 70n, 'bigint');
        await map.put(false, 'boolean');
        expect(await map.get(['x', 1])).toBe('tuple');
        expect(await map.get(1)).toBe('number');
        expect(await map.get('1')).toBe('string');
        expect(await map.get(1n << 70n)).toBe('bigint');
        expect(await map.get(false)).toBe('boolean');
        expect(await map.get(['x', '1'])).toBeUndefined();
        await map.putAll(new Map<Key, string>([['p', 'P'], [['q'], 'Q']]));
        await map.putAll([['r', 'R']]);
        expect(await map.get(['q'])).toBe('Q');
        expect((await map.keys()).length).toBe(8);
        const tupleEntry = (await map.entries()).find(([key]) => Array.isArray(key));
        expect(tupleEntry).toEqual([['x', 1], 'tuple']);
      });

      test('rejects undefined values and keys that are not keys with a TypeError', async () => {
        const backend = await open();
        const map = backend.getMapState(new MapStateDescriptor<Key, unknown>('m'));
        backend.setCurrentKey('a');
        await expectTypeError(() => map.put('x', undefined));
        await expectTypeError(() => map.put({} as unknown as Key, 1));
        await expectTypeError(() => map.get(null as unknown as Key));
        await expectTypeError(() => map.putAll([['ok', 1], ['bad', undefined]]));
        expect(await map.isEmpty()).toBe(true);
      });
    });

    describe('reducing and aggregating state', () => {
      test('reducing state is undefined when empty and reduces what is added', async () => {
        const backend = await open();
        const plain = backend.getReducingState(new ReducingStateDescriptor<number>('sum', sum));
        const object = backend.getReducingState(new ReducingStateDescriptor<number>('max', { reduce: (a: number, b: number) => Math.max(a, b) }));
        backend.setCurrentKey('a');
        expect(await plain.get()).toBeUndefined();
        for (const value of [3, 9, 4]) {
          await plain.add(value);
          await object.add(value);
        }
        expect(await plain.get()).toBe(16);
        expect(await object.get()).toBe(9);
        await expectTypeError(() => plain.add(undefined as unknown as number));
        backend.setCurrentKey('b');
        expect(await plain.get()).toBeUndefined();
        backend.setCurrentKey('a');
        await plain.clear();
        expect(await plain.get()).toBeUndefined();
        expect(await object.get()).toBe(9);
      });

      test('aggregating state is undefined when empty and folds what is added', async () => {
        const backend = await open();
        const state = backend.getAggregatingState(new AggregatingStateDescriptor('avg', average));
        backend.setCurrentKey('a');
        expect(await state.get()).toBeUndefined();
        await state.add(2);
        await state.add(4);
        expect(await state.get()).toBe(3);
        backend.setCurrentKey('b');
        expect(await state.get()).toBeUndefined();
        await state.add(10);
        expect(await state.get()).toBe(10);
        backend.setCurrentKey('a');
        await state.clear();
        expect(await state.get()).toBeUndefined();
        const internal = backend.getInternalState(new AggregatingStateDescriptor('avg', average));
        await internal.updateInternal([9, 3]);
        expect(await internal.getInternal()).toEqual([9, 3]);
        expect(await internal.get()).toBe(3);
      });
    });

    describe('namespaces', () => {
      test('every state keeps its namespaces apart', async () => {
        const backend = await open();
        const descriptor = new ValueStateDescriptor<string>('v', 'none');
        const inDefault = backend.getState(descriptor);
        const inW1 = backend.getState(descriptor, 'w1');
        const inW2 = backend.getState(descriptor, 'w2');
        const list = new ListStateDescriptor<number>('l');
        const map = new MapStateDescriptor<string, number>('m');
        backend.setCurrentKey('a');
        await inDefault.update('default');
        await inW1.update('one');
        await backend.getListState(list, 'w1').add(1);
        await backend.getMapState(map, 'w2').put('k', 2);
        expect(await inDefault.value()).toBe('default');
        expect(await inW1.value()).toBe('one');
        expect(await inW2.value()).toBe('none');
        expect(await backend.getListState(list).get()).toEqual([]);
        expect(await backend.getListState(list, 'w1').get()).toEqual([1]);
        expect(await backend.getMapState(map).isEmpty()).toBe(true);
        expect(await backend.getMapState(map, 'w2').get('k')).toBe(2);
        await inW1.clear();
        expect(await inW1.value()).toBe('none');
        expect(await inDefault.value()).toBe('default');
        const internal = backend.getInternalState(descriptor);
        internal.setCurrentNamespace('w3');
        await internal.update('three');
        expect(await backend.getState(descriptor, 'w3').value()).toBe('three');
        backend.setCurrentKey('b');
        expect(await backend.getState(descriptor, 'w3').value()).toBe('none');
      });

      test('an operation uses the key and namespace current when it was called', async () => {
        const backend = await open();
        const descriptors = [
          new ValueStateDescriptor<number>('plain'),
          ...(backend.supports.ttl ? [new ValueStateDescriptor<number>('ttl').enableTimeToLive(ttl(10_000, UpdateType.OnReadAndWrite))] : []),
        ];
        for (const descriptor of descriptors) {
          const state = backend.getState(descriptor);
          backend.setCurrentKey('a');
          const writeA = state.update(1);
          backend.setCurrentKey('b');
          const writeB = state.update(2);
          await Promise.all([writeA, writeB]);
          backend.setCurrentKey('a');
          const readA = state.value();
          backend.setCurrentKey('b');
          const readB = state.value();
          backend.setCurrentKey('c');
          expect([await readA, await readB], descriptor.name).toEqual([1, 2]);
          expect(await state.value(), `${descriptor.name}: nothing was written to the key set after the calls`).toBeUndefined();
          backend.setCurrentKey('a');
          expect(await state.value(), `${descriptor.name}, read again`).toBe(1);
          backend.setCurrentKey('b');
          expect(await state.value(), `${descriptor.name}, read again`).toBe(2);
          const inW1 = backend.getState(descriptor, 'w1');
          const inW2 = backend.getState(descriptor, 'w2');
          const inW3 = backend.getState(descriptor, 'w3');
          await Promise.all([inW1.update(10), inW2.update(20)]);
          expect(await Promise.all([inW1.value(), inW2.value(), inW3.value()]), descriptor.name).toEqual([10, 20, undefined]);
          expect(await inW3.value(), `${descriptor.name}: nothing was written to the namespace used after the calls`).toBeUndefined();
        }
        const lists = [
          new ListStateDescriptor<number>('list'),
          ...(backend.supports.ttl ? [new ListStateDescriptor<number>('ttl-list').enableTimeToLive(ttl(10_000, UpdateType.OnReadAndWrite))] : []),
        ];
        for (const descriptor of lists) {
          const list = backend.getListState(descriptor);
          backend.setCurrentKey('a');
          const addA = list.add(1);
          backend.setCurrentKey('b');
          const addB = list.add(2);
          await Promise.all([addA, addB]);
          backend.setCurrentKey('a');
          const readA = list.get();
          backend.setCurrentKey('b');
          const readB = list.get();
          backend.setCurrentKey('c');
          expect([await readA, await readB], descriptor.name).toEqual([[1], [2]]);
          expect(await list.get(), `${descriptor.name}: nothing was written to the key set after the calls`).toEqual([]);
          backend.setCurrentKey('a');
          expect(await list.get(), `${descriptor.name}, read again`).toEqual([1]);
        }
        const reducing = backend.getReducingState(new ReducingStateDescriptor<number>('sum', sum));
        const map = backend.getMapState(new MapStateDescriptor<string, number>('map'));
        backend.setCurrentKey('a');
        const pending = [reducing.add(1), map.put('x', 1)];
        backend.setCurrentKey('b');
        pending.push(reducing.add(5), map.put('x', 5));
        await Promise.all(pending);
        backend.setCurrentKey('a');
        expect([await reducing.get(), await map.get('x')]).toEqual([1, 1]);
        backend.setCurrentKey('b');
        expect([await reducing.get(), await map.get('x')]).toEqual([5, 5]);
      });
    });

    describe('key iteration', () => {
      test('keys(name, namespace) lists the keys with state there; applyToAllKeys visits them', async () => {
        const backend = await open();
        const descriptor = new ValueStateDescriptor<number>('v');
        const state = backend.getState(descriptor);
        const keys: Key[] = ['a', 'b', 7, ['t', 1]];
        for (const key of keys) {
          backend.setCurrentKey(key);
          await state.update(1);
        }
        backend.setCurrentKey('only-in-w');
        await backend.getState(descriptor, 'w').update(2);
        expect(sortKeys(await collect(backend.keys('v')))).toEqual(sortKeys(keys));
        expect(await collect(backend.keys('v', 'w'))).toEqual(['only-in-w']);
        expect(await collect(backend.keys('unknown'))).toEqual([]);
        backend.setCurrentKey('b');
        await state.clear();
        expect(sortKeys(await collect(backend.keys('v')))).toEqual(sortKeys(['a', 7, ['t', 1]]));

        backend.setCurrentKey('only-in-w');
        const visited: Key[] = [];
        await backend.applyToAllKeys('', descriptor, async (key, internal) => {
          expect(backend.getCurrentKey()).toEqual(key);
          visited.push(key);
          await internal.clear();
        });
        expect(sortKeys(visited)).toEqual(sortKeys(['a', 7, ['t', 1]]));
        expect(await collect(backend.keys('v'))).toEqual([]);
        expect(backend.getCurrentKey()).toBe('only-in-w');
      });
    });

    describe('merging namespaces', () => {
      test('list, reducing and aggregating state merge namespaces into a target and clear the sources', async () => {
        const backend = await open();
        expect(backend.supports.mergingNamespaces, 'windows need merging namespaces').toBe(true);
        const list = backend.getInternalState(new ListStateDescriptor<string>('l'));
        const reducing = backend.getInternalState(new ReducingStateDescriptor<number>('r', sum));
        const aggregating = backend.getInternalState(new AggregatingStateDescriptor('a', average));
        backend.setCurrentKey('other');
        list.setCurrentNamespace('w1');
        await list.add('other-key');
        backend.setCurrentKey('k');
        const fill = async (namespace: string, items: string[], numbers: number[]): Promise<void> => {
          list.setCurrentNamespace(namespace);
          reducing.setCurrentNamespace(namespace);
          aggregating.setCurrentNamespace(namespace);
          for (const item of items) await list.add(item);
          for (const n of numbers) {
            await reducing.add(n);
            await aggregating.add(n);
          }
        };
        await fill('target', ['t'], [1]);
        await fill('w1', ['a', 'b'], [2, 3]);
        await fill('w2', ['c'], [4]);
        list.setCurrentNamespace('unrelated');
        await list.mergeNamespaces('target', ['w1', 'missing', 'w2', 'target']);
        await reducing.mergeNamespaces('target', ['w1', 'w2']);
        await aggregating.mergeNamespaces('target', ['w1', 'w2']);
        list.setCurrentNamespace('target');
        reducing.setCurrentNamespace('target');
        aggregating.setCurrentNamespace('target');
        expect([...(await list.get())]).toEqual(['t', 'a', 'b', 'c']);
        expect(await reducing.get()).toBe(10);
        expect(await aggregating.get()).toBe(2.5);
        for (const namespace of ['w1', 'w2']) {
          list.setCurrentNamespace(namespace);
          reducing.setCurrentNamespace(namespace);
          aggregating.setCurrentNamespace(namespace);
          expect([...(await list.get())], namespace).toEqual([]);
          expect(await reducing.get(), namespace).toBeUndefined();
          expect(await aggregating.get(), namespace).toBeUndefined();
        }
        expect(await collect(backend.keys('l', 'w1'))).toEqual(['other']);
        await reducing.mergeNamespaces('fresh', ['target']);
        reducing.setCurrentNamespace('fresh');
        expect(await reducing.get()).toBe(10);
      });
    });

    describe('time-to-live', () => {
      const ttlMs = 1000;

      test('OnCreateAndWrite + NeverReturnExpired: a value expires ttl ms after its last write; reads do not extend it', async () => {
        const backend = await open();
        expect(backend.supports.ttl, 'state time-to-live is part of the API').toBe(true);
        const state = backend.getState(new ValueStateDescriptor<number>('v', -1).enableTimeToLive(ttl(ttlMs)));
        backend.setCurrentKey('a');
        await state.update(1);
        clock.advance(ttlMs - 1);
        expect(await state.value()).toBe(1);
        clock.advance(1);
        expect(await state.value()).toBe(-1);
        await state.update(2);
        clock.advance(ttlMs - 1);
        await state.update(3);
        clock.advance(ttlMs - 1);
        expect(await state.value()).toBe(3);
        clock.advance(1);
        expect(await state.value()).toBe(-1);
      });

      test('OnReadAndWrite: reading an unexpired value extends it', async () => {
        const backend = await open();
        expect(backend.supports.ttl, 'state time-to-live is part of the API').toBe(true);
        const state = backend.getState(new ValueStateDescriptor<number>('v').enableTimeToLive(ttl(ttlMs, UpdateType.OnReadAndWrite)));
        backend.setCurrentKey('a');
        await state.update(1);
        clock.advance(ttlMs - 1);
        expect(await state.value()).toBe(1);
        clock.advance(ttlMs - 1);
        expect(await state.value()).toBe(1);
        clock.advance(ttlMs);
        expect(await state.value()).toBeUndefined();
      });

      test('ReturnExpiredIfNotCleanedUp: the read that finds an expired value returns it and removes it', async () => {
        const backend = await open();
        expect(backend.supports.ttl, 'state time-to-live is part of the API').toBe(true);
        const config = ttl(ttlMs, UpdateType.OnCreateAndWrite, StateVisibility.ReturnExpiredIfNotCleanedUp);
        const value = backend.getState(new ValueStateDescriptor<number>('v').enableTimeToLive(config));
        const list = backend.getListState(new ListStateDescriptor<number>('l').enableTimeToLive(config));
        const map = backend.getMapState(new MapStateDescriptor<string, number>('m').enableTimeToLive(config));
        backend.setCurrentKey('a');
        await value.update(1);
        await list.addAll([1, 2]);
        await map.put('x', 1);
        clock.advance(ttlMs);
        expect(await value.value()).toBe(1);
        expect(await value.value()).toBeUndefined();
        expect(await list.get()).toEqual([1, 2]);
        expect(await list.get()).toEqual([]);
        expect(await map.get('x')).toBe(1);
        expect(await map.get('x')).toBeUndefined();
        expect(await map.isEmpty()).toBe(true);
      });

      test('list elements and map entries expire one by one', async () => {
        const backend = await open();
        expect(backend.supports.ttl, 'state time-to-live is part of the API').toBe(true);
        const list = backend.getListState(new ListStateDescriptor<string>('l').enableTimeToLive(ttl(ttlMs)));
        const map = backend.getMapState(new MapStateDescriptor<string, number>('m').enableTimeToLive(ttl(ttlMs)));
        backend.setCurrentKey('a');
        await list.add('early');
        await map.put('early', 1);
        clock.advance(ttlMs / 2);
        await list.add('late');
        await map.putAll([['late', 2]]);
        expect(await list.get()).toEqual(['early', 'late']);
        clock.advance(ttlMs / 2);
        expect(await list.get()).toEqual(['late']);
        expect(await map.get('early')).toBeUndefined();
        expect(await map.contains('early')).toBe(false);
        expect(await map.entries()).toEqual([['late', 2]]);
        expect(await map.keys()).toEqual(['late']);
        expect(await map.values()).toEqual([2]);
        expect(await map.isEmpty()).toBe(false);
        clock.advance(ttlMs / 2);
        expect(await list.get()).toEqual([]);
        expect(await map.isEmpty()).toBe(true);
        const readRefreshed = backend.getMapState(new MapStateDescriptor<string, number>('m2').enableTimeToLive(ttl(ttlMs, UpdateType.OnReadAndWrite)));
        await readRefreshed.put('k', 1);
        clock.advance(ttlMs - 1);
        expect(await readRefreshed.get('k')).toBe(1);
        clock.advance(ttlMs - 1);
        expect(await readRefreshed.entries()).toEqual([['k', 1]]);
        clock.advance(ttlMs);
        expect(await readRefreshed.entries()).toEqual([]);
      });

      test('reducing and aggregating state drop an expired value before adding', async () => {
        const backend = await open();
        expect(backend.supports.ttl, 'state time-to-live is part of the API').toBe(true);
        const reducing = backend.getReducingState(new ReducingStateDescriptor<number>('r', sum).enableTimeToLive(ttl(ttlMs)));
        const aggregating = backend.getAggregatingState(new AggregatingStateDescriptor('a', average).enableTimeToLive(ttl(ttlMs)));
        backend.setCurrentKey('a');
        await reducing.add(1);
        await aggregating.add(1);
        clock.advance(ttlMs - 1);
        await reducing.add(2);
        await aggregating.add(3);
        clock.advance(ttlMs - 1);
        expect(await reducing.get()).toBe(3);
        expect(await aggregating.get()).toBe(2);
        clock.advance(1);
        expect(await reducing.get()).toBeUndefined();
        expect(await aggregating.get()).toBeUndefined();
        await reducing.add(1);
        await aggregating.add(1);
        clock.advance(ttlMs);
        await reducing.add(5);
        await aggregating.add(5);
        expect(await reducing.get()).toBe(5);
        expect(await aggregating.get()).toBe(5);
      });

      test('merging namespaces with TTL keeps unexpired values', async () => {
        const backend = await open();
        expect(backend.supports.ttl, 'required feature').toBe(true);
        expect(backend.supports.mergingNamespaces, 'required feature').toBe(true);
        const list = backend.getInternalState(new ListStateDescriptor<number>('l').enableTimeToLive(ttl(ttlMs)));
        const reducing = backend.getInternalState(new ReducingStateDescriptor<number>('r', sum).enableTimeToLive(ttl(ttlMs)));
        backend.setCurrentKey('a');
        for (const [namespace, value] of [['w1', 1], ['w2', 2]] as const) {
          list.setCurrentNamespace(namespace);
          reducing.setCurrentNamespace(namespace);
          await list.add(value);
          await reducing.add(value);
          clock.advance(ttlMs / 2);
        }
        await list.mergeNamespaces('t', ['w1', 'w2']);
        await reducing.mergeNamespaces('t', ['w1', 'w2']);
        list.setCurrentNamespace('t');
        reducing.setCurrentNamespace('t');
        expect([...(await list.get())]).toEqual([2]);
        expect(await reducing.get()).toBe(2);
      });
    });

    describe('snapshots', () => {
      /** Checks what {@link writeEverything} wrote for each of `keys`. */
      async function checkEverything(backend: KeyedStateBackend, keys: readonly Key[], indexOf: (key: Key) => number): Promise<void> {
        const value = backend.getState(new ValueStateDescriptor<string>('value'));
        const windowed = backend.getState(new ValueStateDescriptor<string>('value'), 'window-1');
        const list = backend.getListState(new ListStateDescriptor<string>('list'));
        const map = backend.getMapState(new MapStateDescriptor<Key, string>('map'));
        const reducing = backend.getReducingState(new ReducingStateDescriptor<number>('reducing', sum));
        const aggregating = backend.getAggregatingState(new AggregatingStateDescriptor('aggregating', average));
        for (const key of keys) {
          const i = indexOf(key);
          const id = JSON.stringify(key);
          backend.setCurrentKey(key);
          expect(await value.value(), id).toBe(`v-${id}`);
          expect(await windowed.value(), id).toBe(i % 2 === 0 ? `w-${id}` : undefined);
          expect(await list.get(), id).toEqual([`l1-${id}`, `l2-${id}`]);
          expect(await map.get('a'), id).toBe(id);
          expect(await map.get(['t', i]), id).toBe('tuple');
          expect(await reducing.get(), id).toBe(i + 1);
          expect(await aggregating.get(), id).toBe(i);
        }
      }

      const sampleKeys: Key[] = ['alice', 'bob', 3, ['tuple', 4], 'carol', 12.5];

      test('snapshot is plain data grouped by key group; restore into a fresh backend gives back every state', async () => {
        const source = await open();
        expect(source.supports.snapshots, 'required feature').toBe(true);
        const sampleIndex = (key: Key): number => sampleKeys.findIndex((k) => JSON.stringify(k) === JSON.stringify(key));
        await writeEverything(source, sampleKeys, sampleIndex);
        const snapshot = throughMsgpack(await source.snapshot());
        expect(snapshot.maxParallelism).toBe(maxParallelism);
        const groups = snapshot.keyGroups.map((group) => group.keyGroup);
        expect(groups).toEqual([...groups].sort((a, b) => a - b));
        for (const group of snapshot.keyGroups) {
          for (const state of group.states) {
            expect(['value', 'list', 'map', 'reducing', 'aggregating']).toContain(state.type);
            for (const [key] of state.entries) expect(assignToKeyGroup(key, maxParallelism)).toBe(group.keyGroup);
          }
        }
        await source.close();

        const target = await open();
        backendRegisters(target);
        await target.restore([snapshot]);
        await checkEverything(target, sampleKeys, sampleIndex);
        expect(sortKeys(await collect(target.keys('value')))).toEqual(sortKeys(sampleKeys));
        expect(sortKeys(await collect(target.keys('value', 'window-1')))).toEqual(sortKeys(sampleKeys.filter((_, i) => i % 2 === 0)));
      });

      /** Registers one state before the restore, as an operator opening early would. */
      function backendRegisters(backend: KeyedStateBackend): void {
        backend.getState(new ValueStateDescriptor<string>('value'));
      }

      test('a snapshot does not change with later writes, and restored backends do not share data', async () => {
        const source = await open();
        expect(source.supports.snapshots, 'required feature').toBe(true);
        const list = source.getListState(new ListStateDescriptor<number>('l'));
        const map = source.getMapState(new MapStateDescriptor<string, number>('m'));
        source.setCurrentKey('a');
        await list.add(1);
        await map.put('x', 1);
        const snapshot = await source.snapshot();
        const before = structuredClone(snapshot);
        await list.add(2);
        await map.put('x', 2);
        await map.put('y', 3);
        expect(snapshot).toEqual(before);

        const first = await open();
        const second = await open();
        await first.restore([snapshot]);
        await second.restore([snapshot]);
        first.setCurrentKey('a');
        second.setCurrentKey('a');
        await first.getListState(new ListStateDescriptor<number>('l')).add(5);
        await first.getMapState(new MapStateDescriptor<string, number>('m')).put('z', 5);
        expect(await second.getListState(new ListStateDescriptor<number>('l')).get()).toEqual([1]);
        expect(await second.getMapState(new MapStateDescriptor<string, number>('m')).entries()).toEqual([['x', 1]]);
        expect(snapshot).toEqual(before);
      });

      test('rescaling: two subtasks restored into three, then into one; every key lands exactly once', async () => {
        const probe = await open();
        expect(probe.supports.snapshots, 'required feature').toBe(true);
        await probe.close();
        const keys: Key[] = [];
        for (let i = 0; i < 60; i++) keys.push(i % 5 === 0 ? ['k', i] : `key-${i}`);
        const indexOf = (key: Key): number => keys.findIndex((k) => JSON.stringify(k) === JSON.stringify(key));

        const old = [await open({ parallelism: 2, subtaskIndex: 0 }), await open({ parallelism: 2, subtaskIndex: 1 })];
        for (const [subtask, backend] of old.entries()) {
          const owned = keys.filter((key) => assignKeyToParallelOperator(key, maxParallelism, 2) === subtask);
          await writeEverything(backend, owned, indexOf);
        }
        const oldSnapshots = await Promise.all(old.map(async (backend) => throughMsgpack(await backend.snapshot())));
        for (const backend of old) await backend.close();

        const rescaled = [0, 1, 2].map((subtask) => open({ parallelism: 3, subtaskIndex: subtask }));
        const three = await Promise.all(rescaled);
        const seen = new Map<string, number>();
        for (const [subtask, backend] of three.entries()) {
          await backend.restore(oldSnapshots);
          const owned = keys.filter((key) => assignKeyToParallelOperator(key, maxParallelism, 3) === subtask);
          const listed = await collect(backend.keys('value'));
          expect(sortKeys(listed), `subtask ${subtask}`).toEqual(sortKeys(owned));
          for (const key of listed) seen.set(JSON.stringify(key), (seen.get(JSON.stringify(key)) ?? 0) + 1);
          await checkEverything(backend, owned, indexOf);
        }
        expect(seen.size).toBe(keys.length);
        expect([...seen.values()].every((count) => count === 1)).toBe(true);

        const threeSnapshots = await Promise.all(three.map(async (backend) => throughMsgpack(await backend.snapshot())));
        for (const backend of three) await backend.close();
        const single = await open({ parallelism: 1, subtaskIndex: 0 });
        await single.restore(threeSnapshots);
        expect(sortKeys(await collect(single.keys('value')))).toEqual(sortKeys(keys));
        await checkEverything(single, keys, indexOf);
      });

      /** Writes one state of every type for `keys` (and a namespace), with values derived from each key's index. */
      async function writeEverything(backend: KeyedStateBackend, keys: readonly Key[], indexOf: (key: Key) => number): Promise<void> {
        const value = backend.getState(new ValueStateDescriptor<string>('value'));
        const windowed = backend.getState(new ValueStateDescriptor<string>('value'), 'window-1');
        const list = backend.getListState(new ListStateDescriptor<string>('list'));
        const map = backend.getMapState(new MapStateDescriptor<Key, string>('map'));
        const reducing = backend.getReducingState(new ReducingStateDescriptor<number>('reducing', sum));
        const aggregating = backend.getAggregatingState(new AggregatingStateDescriptor('aggregating', average));
        for (const key of keys) {
          const i = indexOf(key);
          const id = JSON.stringify(key);
          backend.setCurrentKey(key);
          await value.update(`v-${id}`);
          if (i % 2 === 0) await windowed.update(`w-${id}`);
          await list.addAll([`l1-${id}`, `l2-${id}`]);
          await map.putAll([['a', id], [['t', i], 'tuple']]);
          await reducing.add(i);
          await reducing.add(1);
          await aggregating.add(i);
        }
      }

      test('time-to-live timestamps survive snapshot and restore', async () => {
        const source = await open();
        expect(source.supports.snapshots, 'required feature').toBe(true);
        expect(source.supports.ttl, 'required feature').toBe(true);
        const descriptor = (): ValueStateDescriptor<number> => new ValueStateDescriptor<number>('v').enableTimeToLive(ttl(1000));
        const listDescriptor = (): ListStateDescriptor<number> => new ListStateDescriptor<number>('l').enableTimeToLive(ttl(1000));
        source.setCurrentKey('a');
        await source.getState(descriptor()).update(1);
        await source.getListState(listDescriptor()).add(1);
        clock.advance(500);
        await source.getListState(listDescriptor()).add(2);
        const snapshot = throughMsgpack(await source.snapshot());
        expect(snapshot.keyGroups.flatMap((group) => group.states).every((state) => state.ttl)).toBe(true);

        const target = await open();
        await target.restore([snapshot]);
        target.setCurrentKey('a');
        clock.advance(499);
        expect(await target.getState(descriptor()).value()).toBe(1);
        expect(await target.getListState(listDescriptor()).get()).toEqual([1, 2]);
        clock.advance(1);
        expect(await target.getState(descriptor()).value()).toBeUndefined();
        expect(await target.getListState(listDescriptor()).get()).toEqual([2]);

        const withoutTtl = await open();
        await withoutTtl.restore([snapshot]);
        await expectCode(() => withoutTtl.getState(new ValueStateDescriptor<number>('v')), ErrorCodes.STATE_INCOMPATIBLE, /TTL/);
      });

      test('restore rejects corrupt snapshots with INVALID_STATE_SNAPSHOT and restores nothing', async () => {
        const source = await open();
        expect(source.supports.snapshots, 'required feature').toBe(true);
        const value = source.getState(new ValueStateDescriptor<unknown>('v'));
        const list = source.getListState(new ListStateDescriptor<number>('l'));
        const map = source.getMapState(new MapStateDescriptor<string, number>('m'));
        const keys = ['k1', 'k2', 'k3', 'k4'];
        for (const key of keys) {
          source.setCurrentKey(key);
          await value.update(key);
          await list.add(1);
          await map.put('x', 1);
        }
        const good = await source.snapshot();
        expect(good.keyGroups.length).toBeGreaterThan(1);
        const lastGroup = good.keyGroups.length - 1;
        const stateAt = (snapshot: any, name: string, group = lastGroup): any => snapshot.keyGroups[group].states.find((s: any) => s.name === name);
        const otherGroup = (keyGroup: number): number => (keyGroup + 1) % maxParallelism;

        const corruptions: [string, (s: any) => unknown][] = [
          ['a snapshot that is not an object', () => null],
          ['an unknown format version', (s) => ({ ...s, version: 99 })],
          ['keyGroups that is not an array', (s) => ({ ...s, keyGroups: {} })],
          ['a key group out of range', (s) => { s.keyGroups[lastGroup].keyGroup = maxParallelism; }],
          ['a fractional key group', (s) => { s.keyGroups[lastGroup].keyGroup = 1.5; }],
          ['a key group listed twice', (s) => { s.keyGroups.push(structuredClone(s.keyGroups[lastGroup])); }],
          ['states that is not an array', (s) => { s.keyGroups[lastGroup].states = 'nope'; }],
          ['an unknown state type', (s) => { stateAt(s, 'v').type = 'bogus'; }],
          ['a ttl flag that is not a boolean', (s) => { stateAt(s, 'v').ttl = 'yes'; }],
          ['a state without a name', (s) => { stateAt(s, 'v').name = ''; }],
          ['entries that is not an array', (s) => { stateAt(s, 'v').entries = null; }],
          ['an entry that is not a triple', (s) => { stateAt(s, 'v').entries[0] = ['k1', '']; }],
          ['a key that is not a key', (s) => { stateAt(s, 'v').entries[0][0] = { not: 'a key' }; }],
          ['a key in the wrong key group', (s) => { s.keyGroups[lastGroup].keyGroup = otherGroup(s.keyGroups[lastGroup].keyGroup); }],
          ['a namespace that is not a string', (s) => { stateAt(s, 'v').entries[0][1] = 7; }],
          ['an undefined value', (s) => { stateAt(s, 'v').entries[0][2] = undefined; }],
          ['an empty list', (s) => { stateAt(s, 'l').entries[0][2] = []; }],
          ['a list element that is undefined', (s) => { stateAt(s, 'l').entries[0][2] = [1, undefined]; }],
          ['a map entry that is not a pair', (s) => { stateAt(s, 'm').entries[0][2] = [['x']]; }],
          ['a map key that is not a key', (s) => { stateAt(s, 'm').entries[0][2] = [[null, 1]]; }],
          ['a TTL value that is not a [value, timestamp] pair', (s) => { for (const group of s.keyGroups) stateAt(s, 'v', s.keyGroups.indexOf(group)).ttl = true; }],
          ['a state name with two types', (s) => { stateAt(s, 'v', 0).type = 'reducing'; }],
        ];
        const target = await open();
        for (const [what, corrupt] of corruptions) {
          const snapshot: any = structuredClone(good);
          const replaced = corrupt(snapshot);
          const used = (replaced === undefined ? snapshot : replaced) as KeyedStateSnapshot;
          await expectCode(() => target.restore([used]), ErrorCodes.INVALID_STATE_SNAPSHOT, /snapshot/);
          expect(await collect(target.keys('v')), `after ${what}`).toEqual([]);
        }
        await expectCode(() => target.restore([good, good]), ErrorCodes.INVALID_STATE_SNAPSHOT, /appears in snapshot #0 and in snapshot #1/);
        await expectCode(() => target.restore([{ ...good, maxParallelism: maxParallelism * 2 }]), ErrorCodes.STATE_INCOMPATIBLE, /maxParallelism/);
        target.getListState(new ListStateDescriptor<number>('v'));
        await expectCode(() => target.restore([good]), ErrorCodes.STATE_INCOMPATIBLE, /"v"/);
        expect(await collect(target.keys('l'))).toEqual([]);
        for (const key of keys) {
          target.setCurrentKey(key);
          expect(await target.getListState(new ListStateDescriptor<number>('l')).get()).toEqual([]);
        }

        const fresh = await open();
        await fresh.restore([good]);
        expect(sortKeys(await collect(fresh.keys('v')))).toEqual(keys);
        await expectCode(() => fresh.getMapState(new MapStateDescriptor<string, number>('v')), ErrorCodes.STATE_INCOMPATIBLE, /restored/);
      });
    });

    describe('incremental snapshots', async () => {
      // Registered by what the backend declares: a probe is opened (and closed) while the tests are collected.
      const probeBackend = await createBackend();
      const probe = await probeBackend.createKeyedStateBackend({
        operatorId: `conformance-${suiteId}-probe`,
        maxParallelism,
        parallelism: 1,
        subtaskIndex: 0,
      });
      const supported = probe.supports.snapshots && probe.supports.incrementalSnapshots === true;
      await probe.close();

      if (!supported) {
        test('snapshotDelta of a backend without incremental snapshots is UNSUPPORTED_OPERATION', async () => {
          const backend = await open();
          if (backend.supports.snapshots) await backend.snapshot();
          await expectCode(() => backend.snapshotDelta(), ErrorCodes.UNSUPPORTED_OPERATION, /incremental/);
        });
        return;
      }

      const ttlValue = (): ValueStateDescriptor<string> => new ValueStateDescriptor<string>('ttl-value').enableTimeToLive(ttl(60_000));

      /** The states the tests change, in every shape. */
      function statesOf(backend: KeyedStateBackend) {
        return {
          value: backend.getState(new ValueStateDescriptor<string>('value')),
          windowed: backend.getState(new ValueStateDescriptor<string>('value'), 'w'),
          list: backend.getListState(new ListStateDescriptor<string>('list')),
          map: backend.getMapState(new MapStateDescriptor<Key, string>('map')),
          reducing: backend.getReducingState(new ReducingStateDescriptor<number>('reducing', sum)),
          aggregating: backend.getAggregatingState(new AggregatingStateDescriptor('aggregating', average)),
          withTtl: backend.getState(ttlValue()),
          merging: backend.getInternalState(new ListStateDescriptor<string>('merging')),
        };
      }

      const deltaKeys: Key[] = [];
      for (let i = 0; i < 40; i++) deltaKeys.push(i % 7 === 0 ? ['t', i] : i % 5 === 0 ? i : `key-${i}`);

      /** Writes every state for `keys`, values derived from the key and `round`. */
      async function fill(backend: KeyedStateBackend, keys: readonly Key[], round: number): Promise<void> {
        const states = statesOf(backend);
        for (const [i, key] of keys.entries()) {
          backend.setCurrentKey(key);
          await states.value.update(`v${round}-${i}`);
          if (i % 2 === 0) await states.windowed.update(`w${round}-${i}`);
          await states.list.addAll([`l${round}-${i}`, 'x']);
          await states.map.putAll([[`m${i}`, `${round}`], [['t', i], 'tuple']]);
          await states.reducing.add(i);
          await states.aggregating.add(i);
          await states.withTtl.update(`t${round}-${i}`);
          for (const namespace of ['w1', 'w2']) {
            states.merging.setCurrentNamespace(namespace);
            await states.merging.add(`${namespace}-${i}`);
          }
        }
      }

      /** A snapshot in a canonical order (key groups, states by name, entries by key and namespace, map entries by key). */
      function canonicalOf(snapshot: KeyedStateSnapshot): unknown {
        const text = (value: unknown): string => JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
        return snapshot.keyGroups.map((group) => ({
          keyGroup: group.keyGroup,
          states: [...group.states]
            .sort((a, b) => (a.name < b.name ? -1 : 1))
            .map((state) => ({
              name: state.name,
              type: state.type,
              ttl: state.ttl,
              entries: state.entries
                .map(([key, namespace, stored]) => [
                  key,
                  namespace,
                  state.type === 'map' ? [...(stored as [Key, unknown][])].sort((a, b) => (text(a[0]) < text(b[0]) ? -1 : 1)) : stored,
                ])
                .sort((a, b) => (text(a.slice(0, 2)) < text(b.slice(0, 2)) ? -1 : 1)),
            })),
        }));
      }

      /** The `(state, key, namespace)` triples a delta lists, as text. */
      function changedIn(delta: KeyedStateDelta): Set<string> {
        const changed = new Set<string>();
        for (const group of delta.keyGroups) {
          for (const state of group.states) {
            for (const [key, namespace] of [...state.upserted, ...state.deleted]) changed.add(`${state.name}|${JSON.stringify(key)}|${namespace}`);
          }
        }
        return changed;
      }

      const throughMsgpackDelta = (delta: KeyedStateDelta): KeyedStateDelta => packr.unpack(packr.pack(delta)) as KeyedStateDelta;

      test('snapshotDelta needs a snapshot() first (TypeError) and an open backend', async () => {
        const backend = await open();
        await expectTypeError(() => backend.snapshotDelta());
        const error = await failure(() => backend.snapshotDelta());
        expect((error as Error).message).toMatch(/snapshot\(\)/);
        await backend.snapshot();
        const delta = await backend.snapshotDelta();
        expect(delta.version).toBe(KEYED_STATE_DELTA_VERSION);
        expect(delta.maxParallelism).toBe(maxParallelism);
        await backend.close();
        await expectCode(() => backend.snapshotDelta(), ErrorCodes.STATE_BACKEND_NOT_OPEN);
      });

      test('a delta holds only what changed; the base folded with it equals a full snapshot of the same moment', async () => {
        const backend = await open();
        await fill(backend, deltaKeys, 0);
        const base = throughMsgpack(await backend.snapshot());
        const states = statesOf(backend);
        const touched = new Set<string>();
        const touch = (name: string, key: Key, namespace = ''): void => void touched.add(`${name}|${JSON.stringify(key)}|${namespace}`);
        const at = async (i: number, action: (key: Key) => Promise<void>): Promise<void> => {
          backend.setCurrentKey(deltaKeys[i]);
          await action(deltaKeys[i]);
        };
        await at(1, async (key) => { await states.value.update('changed'); touch('value', key); });
        await at(2, async (key) => { await states.value.clear(); touch('value', key); });
        await at(4, async (key) => { await states.windowed.update('changed'); touch('value', key, 'w'); });
        await at(6, async (key) => { await states.windowed.clear(); touch('value', key, 'w'); });
        await at(3, async (key) => { await states.list.add('more'); touch('list', key); });
        await at(5, async (key) => { await states.list.clear(); touch('list', key); });
        await at(7, async (key) => { await states.map.put('new', 'entry'); touch('map', key); });
        await at(8, async (key) => { await states.map.remove(['t', 8]); touch('map', key); });
        await at(9, async (key) => { await states.map.clear(); touch('map', key); });
        await at(10, async (key) => { await states.reducing.add(100); touch('reducing', key); });
        await at(11, async (key) => { await states.aggregating.add(100); touch('aggregating', key); });
        await at(12, async (key) => { clock.advance(10); await states.withTtl.update('refreshed'); touch('ttl-value', key); });
        await at(13, async (key) => {
          await states.merging.mergeNamespaces('merged', ['w1', 'w2']);
          for (const namespace of ['merged', 'w1', 'w2']) touch('merging', key, namespace);
        });
        backend.setCurrentKey('brand-new');
        await states.value.update('new key');
        await states.list.add('new key');
        touch('value', 'brand-new');
        touch('list', 'brand-new');
        backend.setCurrentKey('short-lived');
        await states.value.update('gone again');
        await states.value.clear();
        touch('value', 'short-lived');
        backend.setCurrentKey(deltaKeys[20]);
        expect(await states.value.value()).toBe('v0-20');
        expect(await states.list.get()).toEqual(['l0-20', 'x']);

        const delta = throughMsgpackDelta(await backend.snapshotDelta());
        const full = throughMsgpack(await backend.snapshot());
        expect(canonicalOf(applyKeyedStateDelta(base, delta))).toEqual(canonicalOf(full));
        const changed = changedIn(delta);
        for (const triple of changed) expect(touched, `the delta lists ${triple}, which did not change`).toContain(triple);
        for (const triple of touched) if (triple !== 'value|"short-lived"|') expect(changed, `the delta lacks ${triple}`).toContain(triple);
        const groups = delta.keyGroups.map((group) => group.keyGroup);
        expect(groups).toEqual([...groups].sort((a, b) => a - b));
        for (const group of delta.keyGroups) {
          for (const state of group.states) {
            for (const [key] of [...state.upserted, ...state.deleted]) expect(assignToKeyGroup(key, maxParallelism)).toBe(group.keyGroup);
          }
        }
      });

      test('deltas chain: each holds the changes since the previous snapshot or delta; reads are no changes', async () => {
        const backend = await open();
        await fill(backend, deltaKeys.slice(0, 20), 0);
        const base = throughMsgpack(await backend.snapshot());
        const states = statesOf(backend);
        for (const key of deltaKeys.slice(0, 20)) {
          backend.setCurrentKey(key);
          await states.value.value();
          await states.list.get();
          await states.map.entries();
        }
        const empty = await backend.snapshotDelta();
        expect(empty.keyGroups).toEqual([]);

        await fill(backend, deltaKeys.slice(10, 30), 1);
        const first = throughMsgpackDelta(await backend.snapshotDelta());
        backend.setCurrentKey(deltaKeys[35]);
        await states.value.update('late');
        backend.setCurrentKey(deltaKeys[0]);
        await states.value.clear();
        const second = throughMsgpackDelta(await backend.snapshotDelta());
        expect([...changedIn(second)].sort()).toEqual([`value|${JSON.stringify(deltaKeys[0])}|`, `value|${JSON.stringify(deltaKeys[35])}|`].sort());
        const full = throughMsgpack(await backend.snapshot());
        const folded = applyKeyedStateDelta(applyKeyedStateDelta(applyKeyedStateDelta(base, empty), first), second);
        expect(canonicalOf(folded)).toEqual(canonicalOf(full));
        const afterFull = await backend.snapshotDelta();
        expect(afterFull.keyGroups).toEqual([]);
      });

      test('a delta is of the moment of the call; later changes go into the next one', async () => {
        const backend = await open();
        const value = backend.getState(new ValueStateDescriptor<number>('v'));
        const list = backend.getListState(new ListStateDescriptor<number>('l'));
        backend.setCurrentKey('a');
        await value.update(0);
        await backend.snapshot();
        await value.update(1);
        await list.add(1);
        const pending = backend.snapshotDelta();
        const writes = [value.update(2), list.add(2)];
        const delta = await pending;
        await Promise.all(writes);
        const stored = (name: string): unknown =>
          delta.keyGroups.flatMap((group) => group.states).find((state) => state.name === name)?.upserted[0]?.[2];
        expect(stored('v')).toBe(1);
        expect(stored('l')).toEqual([1]);
        const next = await backend.snapshotDelta();
        const nextStored = next.keyGroups.flatMap((group) => group.states).find((state) => state.name === 'l')?.upserted[0]?.[2];
        expect(nextStored).toEqual([1, 2]);
      });

      test('rescaling: the folded snapshots of two subtasks restore into one', async () => {
        const keys = deltaKeys.slice(0, 24);
        const old = [await open({ parallelism: 2, subtaskIndex: 0 }), await open({ parallelism: 2, subtaskIndex: 1 })];
        const folded: KeyedStateSnapshot[] = [];
        for (const [subtask, backend] of old.entries()) {
          const owned = keys.filter((key) => assignKeyToParallelOperator(key, maxParallelism, 2) === subtask);
          await fill(backend, owned, 0);
          const base = throughMsgpack(await backend.snapshot());
          await fill(backend, owned.slice(0, 3), 1);
          folded.push(applyKeyedStateDelta(base, throughMsgpackDelta(await backend.snapshotDelta())));
        }
        const single = await open();
        await single.restore(folded);
        expect(sortKeys(await collect(single.keys('value')))).toEqual(sortKeys(keys));
        const states = statesOf(single);
        for (const subtask of [0, 1]) {
          const owned = keys.filter((key) => assignKeyToParallelOperator(key, maxParallelism, 2) === subtask);
          for (const [i, key] of owned.entries()) {
            single.setCurrentKey(key);
            expect(await states.value.value(), JSON.stringify(key)).toBe(i < 3 ? `v1-${i}` : `v0-${i}`);
            expect(await states.reducing.get(), JSON.stringify(key)).toBe(i < 3 ? 2 * i : i);
          }
        }
      });
    });
  });
}
