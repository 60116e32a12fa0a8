/**
 * `TimerQueue`: the timers of one operator instance in one time domain (Flink's `InternalTimerService` queues, one
 * for event time, one for processing time). A timer is `{ timestamp, key, namespace }`; registering the same timer
 * twice keeps one, deleting removes it. Timers come out in timestamp order, ties in registration order.
 *
 * Timers are partitioned by key group like keyed state, so they are snapshotted and restored per key group, and a
 * subtask restoring at another parallelism takes the timers of the key groups it owns. `add` and `poll` are
 * O(log n) (a binary heap); `delete` is O(1) (O(k) for a key with k timers in one namespace) and lazy (the heap drops deleted timers when they reach the top, and
 * compacts itself when they become the majority).
 *
 * Threading model: used from the owning operator's mailbox only.
 *
 * @example
 * ```ts
 * const eventTimeTimers = new TimerQueue({ maxParallelism: backend.maxParallelism, keyGroupRange: backend.keyGroupRange });
 * eventTimeTimers.add(window.maxTimestamp(), key, windowId);
 * let timer;
 * while ((timer = eventTimeTimers.pollIfDue(watermark)) !== undefined) fire(timer);
 * ```
 */
import { ErrorCodes, WeirError } from '../errors.js';
import { assignToKeyGroup, keyIdentity, type Key } from '../keys/key-group.js';
import { keyGroupRangeContains, type KeyGroupRange } from './key-group-range.js';
import { describeValue, isKey, type KeyIdentity } from './state-key.js';

/** A registered timer. */
export interface Timer {
  /** When it fires (event time or processing time, in milliseconds). */
  readonly timestamp: number;
  /** The key it belongs to. */
  readonly key: Key;
  /** Its namespace (`''` for keyed process functions; a window id for windows). */
  readonly namespace: string;
}

/** The version of the format written by {@link TimerQueue.snapshot}. */
export const TIMER_QUEUE_SNAPSHOT_VERSION = 1;

/** The timers of one key group: `[key, namespace, timestamp]` triples in firing order. */
export interface TimerKeyGroupSnapshot {
  /** The key group. */
  readonly keyGroup: number;
  /** Its timers; never empty. */
  readonly timers: readonly (readonly [key: Key, namespace: string, timestamp: number])[];
}

/** A snapshot of a timer queue: plain, msgpack-able data grouped by key group (ascending). */
export interface TimerQueueSnapshot {
  /** {@link TIMER_QUEUE_SNAPSHOT_VERSION}. */
  readonly version: number;
  /** The number of key groups of the operator. */
  readonly maxParallelism: number;
  /** The non-empty key groups, in ascending order. */
  readonly keyGroups: readonly TimerKeyGroupSnapshot[];
}

/** Where a timer queue sits: the operator's key groups and the range this instance owns. */
export interface TimerQueueOptions {
  /** The number of key groups. */
  readonly maxParallelism: number;
  /** The key groups of this instance (a keyed state backend's `keyGroupRange`). */
  readonly keyGroupRange: KeyGroupRange;
}

/** A timer in the heap. */
class TimerEntry implements Timer {
  removed = false;
  constructor(
    readonly timestamp: number,
    readonly key: Key,
    readonly namespace: string,
    readonly keyGroup: number,
    readonly keyIdentity: KeyIdentity,
    readonly sequence: number,
  ) {}
}

/**
 * The dedup index: namespace -> key identity -> the timer, or the timers (distinct timestamps) when a key has more
 * than one in a namespace. Namespace first: a window's timers (one per key) share one map that lives as long as the
 * window, and the common case of one timer per key and namespace needs no map of its own.
 */
type TimerIndex = Map<string, Map<KeyIdentity, TimerEntry | TimerEntry[]>>;

/** Whether `a` fires before `b`. */
function before(a: TimerEntry, b: TimerEntry): boolean {
  return a.timestamp < b.timestamp || (a.timestamp === b.timestamp && a.sequence < b.sequence);
}

/** A deduplicated priority queue of timers, partitioned by key group; see the module documentation. */
export class TimerQueue {
  /** The number of key groups. */
  readonly maxParallelism: number;
  /** The key groups this queue accepts. */
  readonly keyGroupRange: KeyGroupRange;
  private readonly index: TimerIndex = new Map();
  private heap: TimerEntry[] = [];
  private removedInHeap = 0;
  private live = 0;
  private nextSequence = 0;

  /** An empty queue for the key groups `options.keyGroupRange` of `options.maxParallelism`. */
  constructor(options: TimerQueueOptions) {
    const { maxParallelism, keyGroupRange } = options ?? ({} as TimerQueueOptions);
    if (!Number.isInteger(maxParallelism) || maxParallelism < 1) {
      throw new TypeError(`TimerQueue needs an integer maxParallelism of at least 1; got ${describeValue(maxParallelism)}`);
    }
    if (
      typeof keyGroupRange !== 'object' ||
      keyGroupRange === null ||
      !Number.isInteger(keyGroupRange.start) ||
      !Number.isInteger(keyGroupRange.end) ||
      keyGroupRange.start < 0 ||
      keyGroupRange.end < keyGroupRange.start ||
      keyGroupRange.end >= maxParallelism
    ) {
      throw new TypeError(`TimerQueue needs a key group range within 0..${maxParallelism - 1}; got ${describeValue(keyGroupRange)}`);
    }
    this.maxParallelism = maxParallelism;
    this.keyGroupRange = Object.freeze({ start: keyGroupRange.start, end: keyGroupRange.end });
  }

  /** The number of registered timers. */
  get size(): number {
    return this.live;
  }

  /**
   * Registers the timer (`timestamp`, `key`, `namespace`); returns false when it was already registered. `keyGroup`
   * may be passed when known (the state backend's `currentKeyGroupIndex`), else it is computed. Throws `TypeError`
   * for a bad argument and `KEY_GROUP_OUT_OF_RANGE` for a key of another subtask.
   */
  add(timestamp: number, key: Key, namespace = '', keyGroup?: number): boolean {
    const group = this.checkTimer(timestamp, key, namespace, keyGroup);
    const id = keyIdentity(key);
    let byKey = this.index.get(namespace);
    if (byKey === undefined) this.index.set(namespace, (byKey = new Map()));
    const existing = byKey.get(id);
    let entry: TimerEntry;
    if (existing === undefined) {
      byKey.set(id, (entry = new TimerEntry(timestamp, key, namespace, group, id, this.nextSequence++)));
    } else if (Array.isArray(existing)) {
      for (const e of existing) if (e.timestamp === timestamp) return false;
      existing.push((entry = new TimerEntry(timestamp, key, namespace, group, id, this.nextSequence++)));
    } else {
      if (existing.timestamp === timestamp) return false;
      byKey.set(id, [existing, (entry = new TimerEntry(timestamp, key, namespace, group, id, this.nextSequence++))]);
    }
    this.push(entry);
    this.live++;
    return true;
  }

  /** Deletes the timer; returns false when it was not registered. */
  delete(timestamp: number, key: Key, namespace = '', keyGroup?: number): boolean {
    this.checkTimer(timestamp, key, namespace, keyGroup);
    const entry = this.find(keyIdentity(key), namespace, timestamp);
    if (entry === undefined) return false;
    this.unindex(entry);
    entry.removed = true;
    this.removedInHeap++;
    this.live--;
    this.compactIfWasteful();
    return true;
  }

  /** Whether the timer is registered. */
  contains(timestamp: number, key: Key, namespace = ''): boolean {
    this.checkTimer(timestamp, key, namespace, undefined);
    return this.find(keyIdentity(key), namespace, timestamp) !== undefined;
  }

  /** The next timer to fire, without removing it; undefined when empty. */
  peek(): Timer | undefined {
    this.dropRemovedHead();
    return this.heap[0];
  }

  /** Removes and returns the next timer to fire; undefined when empty. */
  poll(): Timer | undefined {
    this.dropRemovedHead();
    const head = this.heap[0];
    if (head === undefined) return undefined;
    this.popHead();
    this.unindex(head);
    this.live--;
    return head;
  }

  /**
   * Removes and returns the next timer if it is due (its timestamp `<= timestamp`), else undefined. Loop on it to fire
   * timers: timers that firing registers and that are due fire in the same loop, as in Flink.
   */
  pollIfDue(timestamp: number): Timer | undefined {
    this.dropRemovedHead();
    const head = this.heap[0];
    return head !== undefined && head.timestamp <= timestamp ? this.poll() : undefined;
  }

  /** Removes and returns every timer due at `timestamp` (`<= timestamp`), in firing order. */
  pollUntil(timestamp: number): Timer[] {
    const due: Timer[] = [];
    let timer: Timer | undefined;
    while ((timer = this.pollIfDue(timestamp)) !== undefined) due.push(timer);
    return due;
  }

  /** Removes every timer. */
  clear(): void {
    this.index.clear();
    this.heap = [];
    this.removedInHeap = 0;
    this.live = 0;
  }

  /** A snapshot of the registered timers, grouped by key group; plain data that later changes do not affect. */
  snapshot(): TimerQueueSnapshot {
    const byGroup = new Map<number, TimerEntry[]>();
    for (const entry of this.heap) {
      if (entry.removed) continue;
      const entries = byGroup.get(entry.keyGroup);
      if (entries === undefined) byGroup.set(entry.keyGroup, [entry]);
      else entries.push(entry);
    }
    const keyGroups: TimerKeyGroupSnapshot[] = [...byGroup.keys()]
      .sort((a, b) => a - b)
      .map((keyGroup) => ({
        keyGroup,
        timers: byGroup
          .get(keyGroup)!
          .sort((a, b) => (before(a, b) ? -1 : 1))
          .map((entry) => [entry.key, entry.namespace, entry.timestamp] as const),
      }));
    return { version: TIMER_QUEUE_SNAPSHOT_VERSION, maxParallelism: this.maxParallelism, keyGroups };
  }

  /**
   * Adds the timers of this queue's key groups from `snapshots` (the snapshots of all old subtasks when rescaling).
   * Everything taken is validated first: corrupt data is `INVALID_STATE_SNAPSHOT` and nothing is added; a snapshot
   * of another max parallelism is `STATE_INCOMPATIBLE`.
   */
  restore(snapshots: readonly TimerQueueSnapshot[]): void {
    const selected = selectTimerKeyGroups(snapshots, this.maxParallelism, this.keyGroupRange);
    for (const group of selected) for (const [key, namespace, timestamp] of group.timers) this.add(timestamp, key, namespace, group.keyGroup);
  }

  private checkTimer(timestamp: number, key: Key, namespace: string, keyGroup: number | undefined): number {
    if (typeof timestamp !== 'number' || Number.isNaN(timestamp)) throw new TypeError(`A timer timestamp must be a number; got ${describeValue(timestamp)}`);
    if (typeof namespace !== 'string') throw new TypeError(`A timer namespace must be a string; got ${describeValue(namespace)}`);
    const group = keyGroup ?? assignToKeyGroup(key, this.maxParallelism);
    if (!keyGroupRangeContains(this.keyGroupRange, group)) {
      throw new WeirError(
        ErrorCodes.KEY_GROUP_OUT_OF_RANGE,
        `Timer key ${describeValue(key)} belongs to key group ${group}, outside the key groups ${this.keyGroupRange.start}..${this.keyGroupRange.end} of this timer queue`,
      );
    }
    return group;
  }

  private find(id: KeyIdentity, namespace: string, timestamp: number): TimerEntry | undefined {
    const existing = this.index.get(namespace)?.get(id);
    if (existing === undefined) return undefined;
    if (!Array.isArray(existing)) return existing.timestamp === timestamp ? existing : undefined;
    for (const e of existing) if (e.timestamp === timestamp) return e;
    return undefined;
  }

  /** Removes `entry` from the dedup index (not from the heap). */
  private unindex(entry: TimerEntry): void {
    const byKey = this.index.get(entry.namespace);
    if (byKey === undefined) return;
    const id = entry.keyIdentity;
    const existing = byKey.get(id);
    if (existing === entry) {
      byKey.delete(id);
      if (byKey.size === 0) this.index.delete(entry.namespace);
    } else if (Array.isArray(existing)) {
      const i = existing.indexOf(entry);
      if (i < 0) return;
      existing.splice(i, 1);
      if (existing.length === 1) byKey.set(id, existing[0]);
    }
  }

  private dropRemovedHead(): void {
    while (this.heap.length > 0 && this.heap[0].removed) {
      this.popHead();
      this.removedInHeap--;
    }
  }

  private compactIfWasteful(): void {
    if (this.removedInHeap < 64 || this.removedInHeap * 2 < this.heap.length) return;
    this.heap = this.heap.filter((entry) => !entry.removed);
    this.removedInHeap = 0;
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  private push(entry: TimerEntry): void {
    const heap = this.heap;
    let i = heap.length;
    heap.push(entry);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(entry, heap[parent])) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = entry;
  }

  private popHead(): void {
    const heap = this.heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    heap[0] = last;
    this.siftDown(0);
  }

  private siftDown(start: number): void {
    const heap = this.heap;
    const n = heap.length;
    const entry = heap[start];
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && before(heap[right], heap[left]) ? right : left;
      if (!before(heap[child], entry)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = entry;
  }
}

function invalid(message: string): WeirError {
  return new WeirError(ErrorCodes.INVALID_STATE_SNAPSHOT, `Invalid timer snapshot: ${message}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validates timer snapshots and returns the key groups in `range` (ascending); changes nothing. */
function selectTimerKeyGroups(snapshots: readonly unknown[], maxParallelism: number, range: KeyGroupRange): TimerKeyGroupSnapshot[] {
  if (!Array.isArray(snapshots)) throw new TypeError('restore expects an array of timer snapshots');
  const selected = new Map<number, { group: TimerKeyGroupSnapshot; snapshotIndex: number }>();
  snapshots.forEach((snapshot: unknown, snapshotIndex) => {
    const at = `snapshot #${snapshotIndex}`;
    if (!isRecord(snapshot)) throw invalid(`${at} is ${describeValue(snapshot)}, not an object`);
    if (snapshot.version !== TIMER_QUEUE_SNAPSHOT_VERSION) {
      throw invalid(`${at} has format version ${describeValue(snapshot.version)}; this version of weir reads version ${TIMER_QUEUE_SNAPSHOT_VERSION}`);
    }
    if (snapshot.maxParallelism !== maxParallelism) {
      if (typeof snapshot.maxParallelism !== 'number' || !Number.isInteger(snapshot.maxParallelism) || snapshot.maxParallelism < 1) {
        throw invalid(`${at} has maxParallelism ${describeValue(snapshot.maxParallelism)}`);
      }
      throw new WeirError(
        ErrorCodes.STATE_INCOMPATIBLE,
        `Timer ${at} was taken with maxParallelism ${snapshot.maxParallelism}, but the operator has maxParallelism ${maxParallelism}`,
      );
    }
    if (!Array.isArray(snapshot.keyGroups)) throw invalid(`${at} has no keyGroups array`);
    const seen = new Set<number>();
    (snapshot.keyGroups as unknown[]).forEach((group: unknown, groupIndex) => {
      if (!isRecord(group)) throw invalid(`${at}, keyGroups[${groupIndex}] is ${describeValue(group)}, not an object`);
      const keyGroup = group.keyGroup;
      if (typeof keyGroup !== 'number' || !Number.isInteger(keyGroup) || keyGroup < 0 || keyGroup >= maxParallelism) {
        throw invalid(`${at}, keyGroups[${groupIndex}] has key group ${describeValue(keyGroup)}, not an integer from 0 to ${maxParallelism - 1}`);
      }
      if (seen.has(keyGroup)) throw invalid(`${at} lists key group ${keyGroup} twice`);
      seen.add(keyGroup);
      if (!Array.isArray(group.timers)) throw invalid(`${at}, key group ${keyGroup} has no timers array`);
      if (!keyGroupRangeContains(range, keyGroup)) return;
      const previous = selected.get(keyGroup);
      if (previous !== undefined) throw invalid(`key group ${keyGroup} appears in snapshot #${previous.snapshotIndex} and in snapshot #${snapshotIndex}`);
      (group.timers as unknown[]).forEach((timer: unknown, i) => {
        const where = `${at}, key group ${keyGroup}, timer ${i}`;
        if (!Array.isArray(timer) || timer.length !== 3) throw invalid(`${where} is ${describeValue(timer)}, not a [key, namespace, timestamp] triple`);
        const [key, namespace, timestamp] = timer as [unknown, unknown, unknown];
        if (!isKey(key)) throw invalid(`${where} has key ${describeValue(key)}, not a string, number, bigint, boolean or array of those`);
        const actual = assignToKeyGroup(key, maxParallelism);
        if (actual !== keyGroup) throw invalid(`${where} has key ${describeValue(key)}, which belongs to key group ${actual}, not ${keyGroup}`);
        if (typeof namespace !== 'string') throw invalid(`${where} has namespace ${describeValue(namespace)}, not a string`);
        if (typeof timestamp !== 'number' || Number.isNaN(timestamp)) throw invalid(`${where} has timestamp ${describeValue(timestamp)}, not a number`);
      });
      selected.set(keyGroup, { group: group as unknown as TimerKeyGroupSnapshot, snapshotIndex });
    });
  });
  return [...selected.values()].map((s) => s.group).sort((a, b) => a.keyGroup - b.keyGroup);
}
