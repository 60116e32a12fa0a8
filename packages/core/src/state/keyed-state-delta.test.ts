import { describe, expect, it } from 'vitest';
import { ErrorCodes, WeirError } from '../errors.js';
import { assignToKeyGroup, type Key } from '../keys/key-group.js';
import {
  applyKeyedStateDelta,
  KEYED_STATE_DELTA_VERSION,
  KEYED_STATE_SNAPSHOT_VERSION,
  type KeyedStateDelta,
  type KeyedStateSnapshot,
  type StateDelta,
  type StateEntry,
} from './keyed-state-snapshot.js';

const MAX_PARALLELISM = 16;

/** The first `count` keys `k<i>` of `keyGroup`. */
function keysOf(keyGroup: number, count: number): string[] {
  const keys: string[] = [];
  for (let i = 0; keys.length < count; i++) if (assignToKeyGroup(`k${i}`, MAX_PARALLELISM) === keyGroup) keys.push(`k${i}`);
  return keys;
}

const [a, b, c] = keysOf(3, 3);
const [d] = keysOf(5, 1);
const [e] = keysOf(9, 1);

const base: KeyedStateSnapshot = {
  version: KEYED_STATE_SNAPSHOT_VERSION,
  maxParallelism: MAX_PARALLELISM,
  keyGroups: [
    {
      keyGroup: 3,
      states: [
        { name: 'count', type: 'value', ttl: false, entries: [[a, '', 1], [b, '', 2], [b, 'window', 20]] },
        { name: 'items', type: 'list', ttl: false, entries: [[a, '', ['x']]] },
      ],
    },
    { keyGroup: 5, states: [{ name: 'count', type: 'value', ttl: false, entries: [[d, '', 4]] }] },
  ],
};

function delta(keyGroups: KeyedStateDelta['keyGroups']): KeyedStateDelta {
  return { version: KEYED_STATE_DELTA_VERSION, maxParallelism: MAX_PARALLELISM, keyGroups };
}

function change(name: string, upserted: StateEntry[], deleted: (readonly [Key, string])[] = [], type: StateDelta['type'] = 'value'): StateDelta {
  return { name, type, ttl: false, upserted, deleted };
}

function expectInvalid(action: () => unknown, message: RegExp, what = String(message)): void {
  let error: unknown;
  try {
    action();
  } catch (caught) {
    error = caught;
  }
  expect(error, what).toBeInstanceOf(WeirError);
  expect((error as WeirError).code, what).toBe(ErrorCodes.INVALID_STATE_SNAPSHOT);
  expect((error as Error).message, what).toMatch(message);
}

describe('applyKeyedStateDelta', () => {
  it('replaces, adds and removes entries, drops empty states and key groups, adds new key groups in order', () => {
    const before = structuredClone(base);
    const theDelta = delta([
      { keyGroup: 3, states: [change('count', [[a, '', 10], [c, '', 3]], [[b, 'window']]), change('items', [], [[a, '']], 'list')] },
      { keyGroup: 5, states: [change('count', [], [[d, '']])] },
      { keyGroup: 9, states: [change('count', [[e, '', 9]])] },
    ]);
    const deltaBefore = structuredClone(theDelta);
    const result = applyKeyedStateDelta(base, theDelta);
    expect(result).toEqual({
      version: KEYED_STATE_SNAPSHOT_VERSION,
      maxParallelism: MAX_PARALLELISM,
      keyGroups: [
        { keyGroup: 3, states: [{ name: 'count', type: 'value', ttl: false, entries: [[a, '', 10], [b, '', 2], [c, '', 3]] }] },
        { keyGroup: 9, states: [{ name: 'count', type: 'value', ttl: false, entries: [[e, '', 9]] }] },
      ],
    });
    expect(base).toEqual(before);
    expect(theDelta).toEqual(deltaBefore);
  });

  it('returns the base content for an empty delta and ignores deletions of pairs the base lacks', () => {
    expect(applyKeyedStateDelta(base, delta([]))).toEqual(base);
    expect(applyKeyedStateDelta(base, delta([{ keyGroup: 3, states: [change('count', [], [[c, ''], [a, 'other']])] }]))).toEqual(base);
  });

  it('adds a state the base does not have and keeps tuple and number keys apart from strings', () => {
    const [tuple] = (() => {
      for (let i = 0; ; i++) if (assignToKeyGroup(['t', i], MAX_PARALLELISM) === 5) return [['t', i] as Key];
    })();
    const result = applyKeyedStateDelta(base, delta([{ keyGroup: 5, states: [change('map', [[tuple, '', [['x', 1]]]], [], 'map')] }]));
    expect(result.keyGroups[1].states.map((s) => s.name)).toEqual(['count', 'map']);
    expect(result.keyGroups[1].states[1].entries).toEqual([[tuple, '', [['x', 1]]]]);
  });

  it('rejects corrupt deltas with INVALID_STATE_SNAPSHOT', () => {
    const good = delta([{ keyGroup: 3, states: [change('count', [[a, '', 1]])] }]);
    const corruptions: [string, (d: any) => unknown, RegExp][] = [
      ['not an object', () => null, /not an object/],
      ['another version', (x) => ({ ...x, version: 7 }), /format version 7/],
      ['another max parallelism', (x) => ({ ...x, maxParallelism: 32 }), /maxParallelism 32/],
      ['keyGroups not an array', (x) => ({ ...x, keyGroups: 'no' }), /keyGroups/],
      ['a key group out of range', (x) => { x.keyGroups[0].keyGroup = MAX_PARALLELISM; }, /key group 16/],
      ['a key group twice', (x) => { x.keyGroups.push(structuredClone(x.keyGroups[0])); }, /twice/],
      ['an unknown type', (x) => { x.keyGroups[0].states[0].type = 'bogus'; }, /unknown type/],
      ['another type than in the base', (x) => { x.keyGroups[0].states[0].type = 'reducing'; }, /reducing state, but in the base it is a value state/],
      ['another ttl flag than in the base', (x) => { x.keyGroups[0].states[0].ttl = true; }, /TTL/],
      ['no upserted array', (x) => { delete x.keyGroups[0].states[0].upserted; }, /upserted/],
      ['no deleted array', (x) => { x.keyGroups[0].states[0].deleted = {}; }, /deleted/],
      ['an entry in the wrong key group', (x) => { x.keyGroups[0].states[0].upserted[0][0] = d; }, /belongs to key group 5, not 3/],
      ['an undefined value', (x) => { x.keyGroups[0].states[0].upserted[0][2] = undefined; }, /not a value/],
      ['a deletion that is not a pair', (x) => { x.keyGroups[0].states[0].deleted = [[a]]; }, /not a \[key, namespace\] pair/],
      ['a deleted key that is not a key', (x) => { x.keyGroups[0].states[0].deleted = [[{}, '']]; }, /not a string, number/],
      ['a deleted namespace that is not a string', (x) => { x.keyGroups[0].states[0].deleted = [[a, 1]]; }, /namespace 1/],
      ['a pair both upserted and deleted', (x) => { x.keyGroups[0].states[0].deleted = [[a, '']]; }, /listed twice/],
      ['a state listed twice', (x) => { x.keyGroups[0].states.push(structuredClone(x.keyGroups[0].states[0])); }, /twice/],
      ['an empty list', (x) => { x.keyGroups[0].states[0] = change('items', [[a, '', []]], [], 'list'); }, /non-empty list/],
    ];
    for (const [what, corrupt, message] of corruptions) {
      const copy: any = structuredClone(good);
      const replaced = corrupt(copy);
      expectInvalid(() => applyKeyedStateDelta(base, (replaced === undefined ? copy : replaced) as KeyedStateDelta), message, what);
    }
  });

  it('rejects a corrupt base with INVALID_STATE_SNAPSHOT', () => {
    const good = delta([]);
    expectInvalid(() => applyKeyedStateDelta(null as unknown as KeyedStateSnapshot, good), /base/);
    expectInvalid(() => applyKeyedStateDelta({ ...base, maxParallelism: 0 }, good), /maxParallelism 0/);
    expectInvalid(() => applyKeyedStateDelta({ ...base, version: 3 }, good), /format version 3/);
    const wrongGroup = structuredClone(base) as any;
    wrongGroup.keyGroups[1].keyGroup = 6;
    expectInvalid(() => applyKeyedStateDelta(wrongGroup as KeyedStateSnapshot, good), /belongs to key group 5, not 6/);
  });
});
