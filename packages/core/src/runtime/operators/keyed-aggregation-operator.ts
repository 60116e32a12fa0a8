/**
 * Rolling aggregations of a keyed stream: `reduce`, `sum`, `min`, `max`, `minBy`, `maxBy`. In STREAMING mode every
 * record emits the key's updated aggregate; in BATCH mode only the final aggregate per key is emitted at the end of
 * input, in key-group order.
 *
 * Flink's semantics: `sum`/`min`/`max` emit a copy of the key's first record with the field replaced by the
 * aggregate; `minBy`/`maxBy` emit the whole record that holds the extreme value (the earlier one on ties). The
 * first record of a key is emitted as it is.
 */
import type { FieldExpression, ReduceFunction } from '../../functions/user-functions.js';
import { assignToKeyGroup, checkKey, keyIdentity, type Key } from '../../keys/key-group.js';
import { isPromise, type MaybePromise } from '../stream-operator.js';
import { AbstractStreamOperator, resolveFunction } from './abstract-stream-operator.js';

/** Which built-in aggregation to apply. */
export type AggregationKind = 'sum' | 'min' | 'max' | 'minBy' | 'maxBy';

/** The per-key state of an aggregation. */
interface KeyState {
  readonly key: Key;
  /** The record the output is built from: the first record (sum/min/max) or the current result (reduce, minBy/maxBy). */
  record: unknown;
  /** The aggregated field value (sum/min/max). */
  aggregate: unknown;
  timestamp: number | undefined;
}

/** How an aggregation folds records into a key's state and what it emits. */
interface Aggregator {
  /** Folds `value` into `state`; returns the record to emit. */
  add(state: KeyState, value: unknown): unknown;
  /** The record to emit for a state (BATCH mode). */
  result(state: KeyState): unknown;
  /** The initial aggregate of a key's first record. */
  initial(record: unknown): unknown;
}

/** The operator of `KeyedStream.reduce` and the field aggregations. */
export class KeyedAggregationOperator extends AbstractStreamOperator {
  private readonly state = new Map<unknown, KeyState>();
  private keySelector!: (value: unknown) => Key;
  private batch = false;

  private constructor(
    private readonly userFunction: ReduceFunction<any> | undefined,
    private readonly aggregator: Aggregator,
  ) {
    super();
  }

  /** The operator of a user reduce function. */
  static forReduce(fn: ReduceFunction<any>): KeyedAggregationOperator {
    const reduce = resolveFunction<(a: unknown, b: unknown) => unknown>(fn, 'reduce', 'reduce()');
    return new KeyedAggregationOperator(fn, {
      initial: () => undefined,
      add(state, value) {
        state.record = reduce(state.record, value);
        return state.record;
      },
      result: (state) => state.record,
    });
  }

  /** The operator of a field aggregation. */
  static forField(kind: AggregationKind, field: FieldExpression): KeyedAggregationOperator {
    return new KeyedAggregationOperator(undefined, fieldAggregator(kind, field));
  }

  protected userFunctions(): readonly unknown[] {
    return this.userFunction === undefined ? [] : [this.userFunction];
  }

  override open(): MaybePromise {
    this.keySelector = this.context.keySelectors![0]!;
    this.batch = this.context.mode === 'BATCH';
    return super.open();
  }

  processElement(value: unknown, timestamp: number | undefined): MaybePromise {
    let out: unknown;
    try {
      const key = this.keySelector(value);
      const id = typeof key === 'number' || typeof key === 'string' ? key : keyIdentity(checkKey(key, this.context.name));
      const state = this.state.get(id);
      if (state === undefined) {
        this.state.set(id, { key, record: value, aggregate: this.aggregator.initial(value), timestamp });
        out = value;
      } else {
        out = this.aggregator.add(state, value);
        if (this.batch) state.timestamp = timestamp;
      }
    } catch (e) {
      throw this.userError(e);
    }
    if (this.batch) return undefined;
    return this.downstream.collect(out, timestamp);
  }

  override finish(): MaybePromise {
    if (!this.batch) return undefined;
    const maxParallelism = this.context.maxParallelism;
    const states = [...this.state.values()]
      .map((s, i) => ({ s, i, keyGroup: assignToKeyGroup(s.key, maxParallelism) }))
      .sort((a, b) => a.keyGroup - b.keyGroup || a.i - b.i);
    let pending: Promise<void> | undefined;
    for (const { s } of states) {
      const record = this.aggregator.result(s);
      if (pending) pending = pending.then(() => this.downstream.collect(record, s.timestamp));
      else {
        const r = this.downstream.collect(record, s.timestamp);
        if (isPromise(r)) pending = r;
      }
    }
    return pending;
  }
}

function readField(record: unknown, field: FieldExpression): unknown {
  if (record === null || typeof record !== 'object') {
    if (field === 0 || field === '*') return record;
    throw new TypeError(`Cannot read field ${JSON.stringify(field)} of a ${typeof record} record`);
  }
  const value = (record as Record<string | number, unknown>)[field];
  if (value === undefined) throw new TypeError(`The record has no field ${JSON.stringify(field)}`);
  return value;
}

function withField(record: unknown, field: FieldExpression, value: unknown): unknown {
  if (record === null || typeof record !== 'object') return value;
  if (Array.isArray(record)) {
    const copy = record.slice();
    copy[field as number] = value;
    return copy;
  }
  return { ...(record), [field]: value };
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new TypeError(`Cannot compare ${typeof a} with ${typeof b}`);
}

function add(a: unknown, b: unknown): unknown {
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  if (typeof a === 'bigint' && typeof b === 'bigint') return a + b;
  throw new TypeError(`sum() needs numbers or bigints, got ${typeof a} and ${typeof b}`);
}

/**
 * sum/min/max keep the key's first record and the aggregated field value apart, and build the output from both;
 * so the per-key state changes a number, not a record, on every update.
 */
function fieldAggregator(kind: AggregationKind, field: FieldExpression): Aggregator {
  const initial = (record: unknown): unknown => readField(record, field);
  const result = (state: KeyState): unknown => withField(state.record, field, state.aggregate);
  switch (kind) {
    case 'sum':
      return {
        initial,
        result,
        add(state, value) {
          state.aggregate = add(state.aggregate, readField(value, field));
          return withField(state.record, field, state.aggregate);
        },
      };
    case 'min':
    case 'max': {
      const sign = kind === 'min' ? -1 : 1;
      return {
        initial,
        result,
        add(state, value) {
          const candidate = readField(value, field);
          if (compare(candidate, state.aggregate) * sign > 0) state.aggregate = candidate;
          return withField(state.record, field, state.aggregate);
        },
      };
    }
    case 'minBy':
    case 'maxBy': {
      const sign = kind === 'minBy' ? -1 : 1;
      return {
        initial: () => undefined,
        result: (state) => state.record,
        add(state, value) {
          if (compare(readField(value, field), readField(state.record, field)) * sign > 0) state.record = value;
          return state.record;
        },
      };
    }
  }
}
