import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ErrorCodes,
  ListStateDescriptor,
  MapStateDescriptor,
  MemoryStateBackend,
  ReducingStateDescriptor,
  ValueStateDescriptor,
  WeirError,
  type Key,
  type KeyedStateBackend,
  type KeyedStateSnapshot,
} from '@weir/core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CACHE_SIZE, LevelKeyedStateBackend, LevelStateBackend, type LevelStateBackendOptions } from '../src/index.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'weir-state-level-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let opened: KeyedStateBackend[] = [];
afterEach(async () => {
  for (const backend of opened) await backend.close();
  opened = [];
});

let counter = 0;

async function open(options: LevelStateBackendOptions = {}, operatorId = `op-${++counter}`, subtaskIndex = 0, parallelism = 1): Promise<LevelKeyedStateBackend> {
  const backend = await new LevelStateBackend({ path: root, ...options }).createKeyedStateBackend({
    operatorId,
    maxParallelism: 128,
    parallelism,
    subtaskIndex,
  });
  opened.push(backend);
  return backend;
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

async function expectCode(action: () => unknown, code: string): Promise<WeirError> {
  let error: unknown;
  try {
    await action();
  } catch (caught) {
    error = caught;
  }
  expect(error, `expected ${code}`).toBeInstanceOf(WeirError);
  expect((error as WeirError).code).toBe(code);
  return error as WeirError;
}

const sum = (a: number, b: number): number => a + b;

describe('LevelStateBackend options', () => {
  it('has defaults and rejects wrong options with a TypeError', () => {
    const backend = new LevelStateBackend();
    expect(backend.name).toBe('level');
    expect(backend.path).toBe(path.join(os.tmpdir(), 'weir-state-level'));
    expect(backend.cacheSize).toBe(DEFAULT_CACHE_SIZE);
    for (const bad of [{ cacheSize: 0 }, { cacheSize: 1.5 }, { writeBatchSize: -1 }, { path: '' }, { blockCacheSize: '8' }] as unknown[]) {
      expect(() => new LevelStateBackend(bad as LevelStateBackendOptions), JSON.stringify(bad)).toThrow(TypeError);
    }
  });

  it('gives each operator instance a directory named after operator and subtask, and removes it at close', async () => {
    const backend = await open({}, 'my operator/1', 1, 2);
    expect(path.dirname(backend.location)).toBe(root);
    expect(path.basename(backend.location)).toMatch(new RegExp(`^my_operator_1-1-${process.pid}-\\d+$`));
    expect(existsSync(backend.location)).toBe(true);
    const second = await open({}, 'my operator/1', 1, 2);
    expect(second.location).not.toBe(backend.location);
    await backend.close();
    expect(existsSync(backend.location)).toBe(false);
  });

  it('a directory that cannot be created is INVALID_CONFIGURATION', async () => {
    const file = path.join(root, 'not-a-directory');
    writeFileSync(file, 'x');
    const error = await expectCode(() => open({ path: path.join(file, 'below') }), ErrorCodes.INVALID_CONFIGURATION);
    expect(error.message).toMatch(/Cannot open the LevelDB state/);
    expect(error.cause).toBeDefined();
  });
});

describe('LevelKeyedStateBackend', () => {
  it('holds state far larger than its cache: every value, list and map comes back from LevelDB', async () => {
    const keys = 20_000;
    const backend = await open({ cacheSize: 100, writeBatchSize: 64 });
    expect(backend.supports).toMatchObject({ synchronousAccess: false, valuesByReference: false, incrementalSnapshots: true });
    const value = backend.getInternalState(new ValueStateDescriptor<{ n: number; tags: string[] }>('value'));
    const list = backend.getInternalState(new ListStateDescriptor<number>('list'));
    const map = backend.getInternalState(new MapStateDescriptor<string, number>('map'));
    const reducing = backend.getInternalState(new ReducingStateDescriptor<number>('sum', sum));
    for (let i = 0; i < keys; i++) {
      backend.setCurrentKey(`key-${i}`);
      await value.update({ n: i, tags: [`t${i % 7}`] });
      if (i % 10 === 0) {
        await list.addAll([i, i + 1]);
        await map.put('a', i);
        await map.put('b', -i);
      }
      await reducing.add(i);
      await reducing.add(1);
    }
    expect(backend.cachedEntries).toBeLessThanOrEqual(100);
    expect(readdirSync(backend.location).some((file) => file.endsWith('.log') || file.endsWith('.ldb'))).toBe(true);
    // Read back in another order than written, so that nearly every read misses the cache.
    for (let j = 0; j < keys; j++) {
      const i = (j * 7919) % keys;
      backend.setCurrentKey(`key-${i}`);
      expect(await value.value()).toEqual({ n: i, tags: [`t${i % 7}`] });
      expect(await reducing.get()).toBe(i + 1);
      if (i % 10 === 0) {
        expect([...(await list.get())]).toEqual([i, i + 1]);
        expect((await map.entries()).sort()).toEqual([['a', i], ['b', -i]]);
      } else {
        expect(await list.getInternal()).toBeUndefined();
        expect(await map.isEmpty()).toBe(true);
      }
    }
    const listed = await collect(backend.keys('value'));
    expect(listed).toHaveLength(keys);
    expect(new Set(listed).size).toBe(keys);
    expect(await collect(backend.keys('list'))).toHaveLength(keys / 10);
    const snapshot = await backend.snapshot();
    const entries = snapshot.keyGroups.flatMap((group) => group.states).filter((state) => state.name === 'value').flatMap((state) => state.entries);
    expect(entries).toHaveLength(keys);
    // Clearing through the cache removes what is on disk too.
    for (let i = 0; i < keys; i += 2) {
      backend.setCurrentKey(`key-${i}`);
      await value.clear();
    }
    expect(await collect(backend.keys('value'))).toHaveLength(keys / 2);
    backend.setCurrentKey('key-0');
    expect(await value.value()).toBeUndefined();
    backend.setCurrentKey('key-1');
    expect(await value.value()).toEqual({ n: 1, tags: ['t1'] });
  });

  it('keeps copies: neither the written object nor a read value aliases what is stored', async () => {
    const backend = await open({ cacheSize: 10 });
    const state = backend.getState(new ValueStateDescriptor<{ list: number[]; map: Map<string, number> }>('v'));
    backend.setCurrentKey('a');
    const written = { list: [1], map: new Map([['x', 1]]) };
    await state.update(written);
    written.list.push(2);
    written.map.set('y', 2);
    const read = (await state.value())!;
    expect(read).toEqual({ list: [1], map: new Map([['x', 1]]) });
    read.list.push(3);
    expect(await state.value()).toEqual({ list: [1], map: new Map([['x', 1]]) });
    // The same after a round trip through LevelDB (the other keys push 'a' out of the cache).
    const zero = backend.getState(new ValueStateDescriptor<number>('zero'));
    await zero.update(-0);
    for (let i = 0; i < 20; i++) {
      backend.setCurrentKey(`other-${i}`);
      await zero.update(i);
    }
    backend.setCurrentKey('a');
    expect(await state.value()).toEqual({ list: [1], map: new Map([['x', 1]]) });
    expect(Object.is(await zero.value(), -0)).toBe(true);
  });

  it('close waits for writes in flight and deletes the directory; a backend reopened on the same path starts empty and restores a snapshot', async () => {
    const options = { cacheSize: 50, writeBatchSize: 10 };
    const operatorId = 'reopened';
    const first = await open(options, operatorId);
    const value = first.getInternalState(new ValueStateDescriptor<number>('v'));
    for (let i = 0; i < 1000; i++) {
      first.setCurrentKey(i);
      await value.update(i * 2);
    }
    const snapshot: KeyedStateSnapshot = await first.snapshot();
    for (let i = 0; i < 1000; i++) {
      first.setCurrentKey(i);
      void value.update(-1); // writes still in flight when close() is called
    }
    await Promise.all([first.close(), first.close()]);
    expect(existsSync(first.location)).toBe(false);
    expect(readdirSync(root).some((name) => name.startsWith(`${operatorId}-`))).toBe(false);

    const second = await open(options, operatorId);
    const reopened = second.getInternalState(new ValueStateDescriptor<number>('v'));
    second.setCurrentKey(7);
    expect(await reopened.value()).toBeUndefined();
    expect(await collect(second.keys('v'))).toEqual([]);
    await second.restore([snapshot]);
    for (let i = 0; i < 1000; i++) {
      second.setCurrentKey(i);
      expect(await reopened.value()).toBe(i * 2);
    }
  });

  it('rejects a corrupt snapshot with INVALID_STATE_SNAPSHOT and restores nothing of it', async () => {
    const source = await open({ cacheSize: 8 });
    const value = source.getInternalState(new ValueStateDescriptor<string>('v'));
    for (let i = 0; i < 100; i++) {
      source.setCurrentKey(`k${i}`);
      await value.update(`value ${i}`);
    }
    const good = await source.snapshot();
    const corrupt = structuredClone(good) as any;
    const lastGroup = corrupt.keyGroups[corrupt.keyGroups.length - 1];
    lastGroup.states[0].entries.push([`not-in-this-group-${lastGroup.keyGroup}`, '', 'x']);
    const target = await open({ cacheSize: 8 });
    const error = await expectCode(() => target.restore([corrupt as KeyedStateSnapshot]), ErrorCodes.INVALID_STATE_SNAPSHOT);
    expect(error.message).toMatch(/key group/);
    expect(await collect(target.keys('v'))).toEqual([]);
    const truncated = { ...good, keyGroups: [{ keyGroup: 0, states: [{ name: 'v', type: 'value', ttl: false, entries: [['k', '']] }] }] };
    await expectCode(() => target.restore([truncated as unknown as KeyedStateSnapshot]), ErrorCodes.INVALID_STATE_SNAPSHOT);
    await target.restore([good]);
    expect(await collect(target.keys('v'))).toHaveLength(100);
  });

  it('an incremental snapshot after changing 1% of 10,000 keys holds those 100 entries', async () => {
    const keys = 10_000;
    const backend = await open({ cacheSize: 1000, writeBatchSize: 100 });
    const value = backend.getInternalState(new ValueStateDescriptor<number>('count'));
    const other = backend.getInternalState(new ListStateDescriptor<number>('other'));
    for (let i = 0; i < keys; i++) {
      backend.setCurrentKey(i);
      await value.update(i);
      if (i % 3 === 0) await other.add(i);
    }
    const full = await backend.snapshot();
    const fullEntries = full.keyGroups.flatMap((group) => group.states).reduce((n, state) => n + state.entries.length, 0);
    expect(fullEntries).toBe(keys + Math.ceil(keys / 3));

    // Read everything (reads are no changes), then change every 100th key and remove 10 others.
    for (let i = 0; i < keys; i++) {
      backend.setCurrentKey(i);
      await value.value();
    }
    for (let i = 0; i < keys; i += 100) {
      backend.setCurrentKey(i);
      await value.update(i + 0.5);
    }
    for (let i = 1; i <= 10; i++) {
      backend.setCurrentKey(i);
      await value.clear();
    }
    const delta = await backend.snapshotDelta();
    const states = delta.keyGroups.flatMap((group) => group.states);
    expect(states.every((state) => state.name === 'count')).toBe(true);
    const upserted = states.flatMap((state) => state.upserted);
    const deleted = states.flatMap((state) => state.deleted);
    expect(upserted).toHaveLength(100);
    expect(deleted).toHaveLength(10);
    for (const [key, namespace, stored] of upserted) {
      expect(namespace).toBe('');
      expect(stored).toBe((key as number) + 0.5);
    }
    expect(deleted.map(([key]) => key).sort((a, b) => (a as number) - (b as number))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const next = await backend.snapshotDelta();
    expect(next.keyGroups).toEqual([]);
  });

  it('keys() is of the moment of the call, merging cached entries with what is on disk', async () => {
    const backend = await open({ cacheSize: 4, writeBatchSize: 2 });
    const value = backend.getInternalState(new ValueStateDescriptor<number>('v'));
    const keys: Key[] = [];
    for (let i = 0; i < 40; i++) {
      const key: Key = i % 4 === 0 ? ['tuple', i] : i;
      keys.push(key);
      backend.setCurrentKey(key);
      await value.update(i);
    }
    const iterable = backend.keys('v');
    backend.setCurrentKey(1000);
    await value.update(1);
    backend.setCurrentKey(1);
    await value.clear();
    const listed = await collect(iterable);
    expect(listed).toHaveLength(40);
    expect(new Set(listed.map((key) => JSON.stringify(key)))).toEqual(new Set(keys.map((key) => JSON.stringify(key))));
  });
});

describe('LevelKeyedStateBackend against the memory backend', () => {
  /** Canonical text of a snapshot: key groups, states by name, entries by key and namespace. */
  function canonical(snapshot: KeyedStateSnapshot): string {
    return JSON.stringify(
      snapshot.keyGroups.map((group) => ({
        keyGroup: group.keyGroup,
        states: [...group.states]
          .sort((a, b) => (a.name < b.name ? -1 : 1))
          .map((state) => ({
            name: state.name,
            entries: state.entries
              .map(([key, namespace, stored]) => [key, namespace, state.type === 'map' ? [...(stored as [string, number][])].sort() : stored])
              .sort((a, b) => (JSON.stringify(a.slice(0, 2)) < JSON.stringify(b.slice(0, 2)) ? -1 : 1)),
          })),
      })),
    );
  }

  it('random operations with a cache of 3 entries end in the same state, snapshot after snapshot', async () => {
    const level = await open({ cacheSize: 3, writeBatchSize: 2 });
    const memory = await new MemoryStateBackend().createKeyedStateBackend({ operatorId: 'model', maxParallelism: 128, parallelism: 1, subtaskIndex: 0 });
    opened.push(memory);
    let seed = 42;
    const random = (n: number): number => {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      return (seed >>> 8) % n;
    };
    const both = [level, memory].map((backend) => ({
      backend,
      value: backend.getInternalState(new ValueStateDescriptor<number>('value')),
      list: backend.getInternalState(new ListStateDescriptor<number>('list')),
      map: backend.getInternalState(new MapStateDescriptor<string, number>('map')),
      sum: backend.getInternalState(new ReducingStateDescriptor<number>('sum', sum)),
    }));
    const namespaces = ['', 'w1', 'w2'];
    for (let step = 0; step < 4000; step++) {
      const key: Key = random(4) === 0 ? ['t', random(10)] : `k${random(40)}`;
      const namespace = namespaces[random(3)];
      const operation = random(10);
      const argument = random(1000);
      const results: unknown[] = [];
      for (const states of both) {
        states.backend.setCurrentKey(key);
        for (const state of [states.value, states.list, states.map, states.sum]) state.setCurrentNamespace(namespace);
        switch (operation) {
          case 0:
            await states.value.update(argument);
            break;
          case 1:
            await states.value.clear();
            break;
          case 2:
            await states.list.add(argument);
            break;
          case 3:
            await states.list.mergeNamespaces(namespace, namespaces);
            break;
          case 4:
            await states.map.put(`m${argument % 5}`, argument);
            break;
          case 5:
            await states.map.remove(`m${argument % 5}`);
            break;
          case 6:
            await states.sum.add(argument);
            break;
          case 7:
            await states.sum.mergeNamespaces('w2', ['', 'w1']);
            break;
          default:
            results.push(await states.value.value(), [...(await states.list.get())], (await states.map.entries()).sort(), await states.sum.get());
        }
      }
      if (results.length > 0) expect(results.slice(0, 4), `step ${step}`).toEqual(results.slice(4));
      if (step % 1000 === 999) expect(canonical(await level.snapshot()), `step ${step}`).toBe(canonical(await memory.snapshot()));
    }
  });
});
