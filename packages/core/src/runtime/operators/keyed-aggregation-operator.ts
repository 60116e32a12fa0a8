/**
 * Rolling aggregations of a keyed stream: `reduce`, `sum`, `min`, `max`, `minBy`, `maxBy`. In STREAMING mode every
 * record emits the key's updated aggregate; in BATCH mode only the final aggregate per key is emitted at the end of
 * input, in key-group order.
 */
import type { FieldExpression, ReduceFunction } from '../../functions/user-functions.js';
import { assignToKeyGroup, checkKey, keyIdentity, type Key } from '../../keys/key-group.js';
import { isPromise, type MaybePromise } from '../stream-operator.js';
import { AbstractStreamOperator, resolveFunction } from './abstract-stream-operator.js';

/** Which built-in aggregation to apply. */
export type AggregationKind = 'sum' | 'min' | 'max' | 'minBy' | 'maxBy';

interface Entry {
  key: Key;
  value: unknown;
  timestamp: number | undefined;
}

/** The operator of `KeyedStream.reduce` and the field aggregations. */
export class KeyedAggregationOperator extends AbstractStreamOperator {
  private readonly reduceFn: (a: unknown, b: unknown) => unknown;
  private readonly state = new Map<unknown, Entry>();

  /** Wraps a reduce function (user or built-in). */
  constructor(private readonly userFunction: ReduceFunction<any> | undefined, builtIn?: (a: unknown, b: unknown) => unknown) {
    super();
    this.reduceFn = builtIn ?? resolveFunction(userFunction, 'reduce', 'reduce()');
  }

  /** Creates the operator of a field aggregation. */
  static forField(kind: AggregationKind, field: FieldExpression): KeyedAggregationOperator {
    return new KeyedAggregationOperator(undefined, fieldAggregator(kind, field));
  }

  protected userFunctions(): readonly unknown[] {
    return this.userFunction === undefined ? [] : [this.userFunction];
  }

  processElement(value: unknown, timestamp: number | undefined): MaybePromise {
    let entry: Entry | undefined;
    try {
      const key = checkKey(this.context.keySelectors![0]!(value), this.context.name);
      const id = keyIdentity(key);
      entry = this.state.get(id);
      if (entry === undefined) {
        entry = { key, value, timestamp };
        this.state.set(id, entry);
      } else {
        entry.value = this.reduceFn(entry.value, value);
        entry.timestamp = timestamp;
      }
    } catch (e) {
      throw this.userError(e);
    }
    if (this.context.mode === 'BATCH') return undefined;
    return this.downstream.collect(entry.value, timestamp);
  }

  override finish(): MaybePromise {
    if (this.context.mode !== 'BATCH') return undefined;
    const maxParallelism = this.context.maxParallelism;
    const entries = [...this.state.values()]
      .map((e, i) => ({ e, i, kg: assignToKeyGroup(e.key, maxParallelism) }))
      .sort((a, b) => a.kg - b.kg || a.i - b.i);
    let pending: Promise<void> | undefined;
    for (const { e } of entries) {
      if (pending) pending = pending.then(() => this.downstream.collect(e.value, e.timestamp));
      else {
        const r = this.downstream.collect(e.value, e.timestamp);
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
 * Flink's aggregation semantics: `sum`/`min`/`max` update the field of the first record of the key and keep its
 * other fields; `minBy`/`maxBy` keep the whole record holding the extreme value (the earlier one on ties).
 */
function fieldAggregator(kind: AggregationKind, field: FieldExpression): (acc: unknown, value: unknown) => unknown {
  switch (kind) {
    case 'sum':
      return (acc, value) => withField(acc, field, add(readField(acc, field), readField(value, field)));
    case 'min':
      return (acc, value) => {
        const a = readField(acc, field);
        const b = readField(value, field);
        return compare(b, a) < 0 ? withField(acc, field, b) : acc;
      };
    case 'max':
      return (acc, value) => {
        const a = readField(acc, field);
        const b = readField(value, field);
        return compare(b, a) > 0 ? withField(acc, field, b) : acc;
      };
    case 'minBy':
      return (acc, value) => (compare(readField(value, field), readField(acc, field)) < 0 ? value : acc);
    case 'maxBy':
      return (acc, value) => (compare(readField(value, field), readField(acc, field)) > 0 ? value : acc);
  }
}
