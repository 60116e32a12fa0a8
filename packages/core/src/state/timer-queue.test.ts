import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../errors.js';
import { assignKeyToParallelOperator, keyGroupRangeForSubtask, type Key } from '../keys/key-group.js';
import { TimerQueue, type Timer, type TimerQueueSnapshot } from './timer-queue.js';

const MAX = 128;
const whole = (): TimerQueue => new TimerQueue({ maxParallelism: MAX, keyGroupRange: { start: 0, end: MAX - 1 } });
const brief = (timer: Timer | undefined): unknown => (timer === undefined ? undefined : [timer.timestamp, timer.key, timer.namespace]);

function codeOf(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return (error as { code?: unknown }).code ?? (error as Error).constructor.name;
  }
  return undefined;
}

describe('TimerQueue', () => {
  it('returns timers in timestamp order, ties in registration order', () => {
    const queue = whole();
    queue.add(30, 'a');
    queue.add(10, 'b');
    queue.add(20, 'c', 'w1');
    queue.add(10, 'a');
    queue.add(10, ['t', 1], 'w2');
    expect(queue.size).toBe(5);
    expect(brief(queue.peek())).toEqual([10, 'b', '']);
    const order: unknown[] = [];
    let timer: Timer | undefined;
    while ((timer = queue.poll()) !== undefined) order.push(brief(timer));
    expect(order).toEqual([
      [10, 'b', ''],
      [10, 'a', ''],
      [10, ['t', 1], 'w2'],
      [20, 'c', 'w1'],
      [30, 'a', ''],
    ]);
    expect(queue.size).toBe(0);
    expect(queue.peek()).toBeUndefined();
  });

  it('deduplicates by (key, namespace, timestamp) and deletes', () => {
    const queue = whole();
    expect(queue.add(5, ['k', 1])).toBe(true);
    expect(queue.add(5, ['k', 1])).toBe(false);
    expect(queue.add(5, ['k', 1], 'other')).toBe(true);
    expect(queue.add(5, 'k')).toBe(true);
    expect(queue.size).toBe(3);
    expect(queue.contains(5, ['k', 1])).toBe(true);
    expect(queue.delete(5, ['k', 1])).toBe(true);
    expect(queue.delete(5, ['k', 1])).toBe(false);
    expect(queue.contains(5, ['k', 1])).toBe(false);
    expect(queue.size).toBe(2);
    expect(queue.pollUntil(100).map(brief)).toEqual([
      [5, ['k', 1], 'other'],
      [5, 'k', ''],
    ]);
    queue.add(7, 'x');
    queue.delete(7, 'x');
    queue.add(7, 'x');
    expect(queue.pollUntil(100).map(brief)).toEqual([[7, 'x', '']]);
  });

  it('pollIfDue and pollUntil stop at the given timestamp; timers added while firing fire if due', () => {
    const queue = whole();
    for (const t of [1, 2, 3, 10]) queue.add(t, `k${t}`);
    expect(queue.pollIfDue(0)).toBeUndefined();
    const fired: number[] = [];
    let timer: Timer | undefined;
    while ((timer = queue.pollIfDue(5)) !== undefined) {
      fired.push(timer.timestamp);
      if (timer.timestamp === 1) queue.add(4, 'late');
    }
    expect(fired).toEqual([1, 2, 3, 4]);
    expect(queue.pollUntil(9)).toEqual([]);
    expect(queue.pollUntil(10).map((t) => t.timestamp)).toEqual([10]);
  });

  it('stays a correct priority queue under random adds, deletes and polls', () => {
    const queue = whole();
    const model = new Map<string, { timestamp: number; key: string; seq: number }>();
    let seed = 42;
    const random = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
      return seed % n;
    };
    let seq = 0;
    for (let step = 0; step < 5000; step++) {
      const op = random(10);
      const timestamp = random(200);
      const key = `k${random(20)}`;
      const id = `${key}|${timestamp}`;
      if (op < 5) {
        const added = queue.add(timestamp, key);
        expect(added).toBe(!model.has(id));
        if (added) model.set(id, { timestamp, key, seq: seq++ });
      } else if (op < 8) {
        expect(queue.delete(timestamp, key)).toBe(model.delete(id));
      } else {
        const expected = [...model.values()].sort((a, b) => a.timestamp - b.timestamp || a.seq - b.seq)[0];
        const polled = queue.poll();
        expect(brief(polled)).toEqual(expected === undefined ? undefined : [expected.timestamp, expected.key, '']);
        if (expected !== undefined) model.delete(`${expected.key}|${expected.timestamp}`);
      }
      expect(queue.size).toBe(model.size);
    }
  });

  it('rejects keys outside its key groups and bad arguments', () => {
    const range = keyGroupRangeForSubtask(MAX, 2, 0);
    const queue = new TimerQueue({ maxParallelism: MAX, keyGroupRange: range });
    let foreign = '';
    for (let i = 0; foreign === ''; i++) if (assignKeyToParallelOperator(`k${i}`, MAX, 2) === 1) foreign = `k${i}`;
    expect(codeOf(() => queue.add(1, foreign))).toBe(ErrorCodes.KEY_GROUP_OUT_OF_RANGE);
    expect(codeOf(() => queue.add(Number.NaN, 'a'))).toBe('TypeError');
    expect(codeOf(() => queue.add(1, null as unknown as Key))).toBe('TypeError');
    expect(codeOf(() => queue.add(1, 'a', 5 as unknown as string))).toBe('TypeError');
    expect(() => new TimerQueue({ maxParallelism: 8, keyGroupRange: { start: 0, end: 8 } })).toThrow(TypeError);
  });

  it('snapshots by key group and restores with rescaling (2 -> 3 subtasks)', () => {
    const keys = Array.from({ length: 40 }, (_, i): Key => (i % 4 === 0 ? ['t', i] : `key-${i}`));
    const old = [0, 1].map((subtask) => new TimerQueue({ maxParallelism: MAX, keyGroupRange: keyGroupRangeForSubtask(MAX, 2, subtask) }));
    keys.forEach((key, i) => {
      const queue = old[assignKeyToParallelOperator(key, MAX, 2)];
      queue.add(100 + (i % 7), key, 'w');
      queue.add(50, key);
    });
    const snapshots = old.map((queue) => structuredClone(queue.snapshot()));
    for (const snapshot of snapshots) {
      const groups = snapshot.keyGroups.map((g) => g.keyGroup);
      expect(groups).toEqual([...groups].sort((a, b) => a - b));
    }
    const rescaled = [0, 1, 2].map((subtask) => new TimerQueue({ maxParallelism: MAX, keyGroupRange: keyGroupRangeForSubtask(MAX, 3, subtask) }));
    for (const queue of rescaled) queue.restore(snapshots);
    expect(rescaled.reduce((n, q) => n + q.size, 0)).toBe(keys.length * 2);
    rescaled.forEach((queue, subtask) => {
      const timers = queue.pollUntil(Infinity);
      for (const timer of timers) expect(assignKeyToParallelOperator(timer.key, MAX, 3)).toBe(subtask);
      const timestamps = timers.map((t) => t.timestamp);
      expect(timestamps).toEqual([...timestamps].sort((a, b) => a - b));
    });
  });

  it('rejects corrupt snapshots and restores nothing', () => {
    const source = whole();
    for (const key of ['a', 'b', 'c', 'd']) source.add(1, key);
    const good = source.snapshot();
    const corruptions: ((s: any) => unknown)[] = [
      () => null,
      (s) => ({ ...s, version: 2 }),
      (s) => ({ ...s, keyGroups: 'x' }),
      (s) => { s.keyGroups[s.keyGroups.length - 1].timers[0] = ['a', '', 'soon']; },
      (s) => { s.keyGroups[s.keyGroups.length - 1].timers[0][0] = {}; },
      (s) => { s.keyGroups[s.keyGroups.length - 1].keyGroup = (s.keyGroups[s.keyGroups.length - 1].keyGroup + 1) % MAX; },
      (s) => { s.keyGroups[s.keyGroups.length - 1].timers = null; },
    ];
    const target = whole();
    for (const corrupt of corruptions) {
      const snapshot = structuredClone(good) as any;
      const replaced = corrupt(snapshot);
      expect(codeOf(() => target.restore([(replaced === undefined ? snapshot : replaced) as TimerQueueSnapshot]))).toBe(ErrorCodes.INVALID_STATE_SNAPSHOT);
      expect(target.size).toBe(0);
    }
    expect(codeOf(() => target.restore([good, good]))).toBe(ErrorCodes.INVALID_STATE_SNAPSHOT);
    expect(codeOf(() => target.restore([{ ...good, maxParallelism: 64 }]))).toBe(ErrorCodes.STATE_INCOMPATIBLE);
    target.restore([good]);
    expect(target.size).toBe(4);
  });
});
