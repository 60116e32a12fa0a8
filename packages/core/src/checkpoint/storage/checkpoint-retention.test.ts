import { describe, expect, it } from 'vitest';
import { checkpointsToDiscard } from './checkpoint-retention.js';

describe('checkpointsToDiscard', () => {
  it('keeps the newest N and returns the rest, oldest first', () => {
    expect(checkpointsToDiscard([1, 2, 3, 4, 5], 3)).toEqual([1, 2]);
    expect(checkpointsToDiscard([5, 1, 10, 2], 1)).toEqual([1, 2, 5]);
    expect(checkpointsToDiscard(new Set([7, 8]), 2)).toEqual([]);
    expect(checkpointsToDiscard([], 1)).toEqual([]);
    expect(checkpointsToDiscard([3, 3, 2, 1], 2)).toEqual([1]);
  });

  it('throws TypeError for a retain count below 1 or a bad id', () => {
    for (const retain of [0, -1, 1.5, Number.NaN]) expect(() => checkpointsToDiscard([1], retain)).toThrow(TypeError);
    for (const id of [-1, 0.5, Number.NaN]) expect(() => checkpointsToDiscard([id], 1)).toThrow(TypeError);
  });
});
