import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../errors.js';
import { decodeTaskSnapshot, encodeTaskSnapshot } from './task-snapshot-codec.js';
import type { TaskSnapshot } from './task-state.js';

describe('task snapshot codec', () => {
  it('keeps state values as records keep them: Maps, -0, Sets, Dates, bigints and typed arrays survive', () => {
    const value = {
      counts: new Map<string, unknown>([
        ['a', 1],
        ['nested', new Map([[1, -0]])],
      ]),
      seen: new Set([1, 2]),
      at: new Date(1_700_000_000_000),
      big: 2n ** 70n,
      bytes: new Float64Array([1.5, -0]),
      zero: -0,
    };
    const snapshot: TaskSnapshot = {
      operators: {
        counter: {
          keyed: { version: 1, maxParallelism: 128, keyGroups: [{ keyGroup: 3, states: [{ name: 's', type: 'value', ttl: false, entries: [['k', '', value]] }] }] },
          lists: { mine: { mode: 'split', items: [new Map([['x', 1]])] } },
        },
      },
    };
    const decoded = decodeTaskSnapshot(encodeTaskSnapshot(snapshot), 'in a test');
    expect(decoded).toEqual(snapshot);
    const restored = decoded.operators.counter.keyed!.keyGroups[0].states[0].entries[0][2] as typeof value;
    expect(restored.counts).toBeInstanceOf(Map);
    expect(restored.counts.get('nested')).toBeInstanceOf(Map);
    expect(Object.is((restored.counts.get('nested') as Map<number, number>).get(1), -0)).toBe(true);
    expect(Object.is(restored.zero, -0)).toBe(true);
    expect(restored.bytes).toBeInstanceOf(Float64Array);
    expect(decoded.operators.counter.lists!.mine.items[0]).toBeInstanceOf(Map);
  });

  it('bytes that are not a task snapshot are CHECKPOINT_CORRUPT, naming the source', () => {
    expect(() => decodeTaskSnapshot(new Uint8Array([0xc1]), 'of task x#0')).toThrow(expect.objectContaining({ code: ErrorCodes.CHECKPOINT_CORRUPT, message: expect.stringMatching(/of task x#0/) }));
    expect(() => decodeTaskSnapshot(encodeTaskSnapshot({ nothing: 1 } as unknown as TaskSnapshot), 'of task y#1')).toThrow(/not a task snapshot/);
  });
});
