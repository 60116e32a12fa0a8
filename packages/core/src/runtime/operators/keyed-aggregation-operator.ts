/**
 * Rolling aggregations of a keyed stream: `reduce`, `sum`, `min`, `max`, `minBy`, `maxBy`. In STREAMING mode every
 * record emits the key's updated aggregate; in BATCH mode only the final aggregate per key is emitted at the end of
 * input, in the order the state backend lists its keys. The per-key aggregate lives in the job's state backend.
 *
 * Flink's semantics: `sum`/`min`/`max` emit a copy of the key's first record with the field replaced by the
 * aggregate; `minBy`/`maxBy` emit the whole record that holds the extreme value (the earlier one on ties). The
 * first record of a key is emitted as it is.
 */
import type { FieldExpression, ReduceFunction } from '../../functions/user-functions.js';
import type { Key } from '../../keys/key-group.js';
import type { AggregateFunction } from '../../state/aggregate-function.js';
import type { InternalValueState } from '../../state/internal-state.js';
import { isThenable, thenMaybe } from '../../state/maybe-async.js';
import { ValueStateDescriptor } from '../../state/value-state-descriptor.js';
import { isPromise, type MaybePromise } from '../stream-operator.js';
import { AbstractKeyedOperator } from './abstract-keyed-operator.js';
import { resolveFunction } from './abstract-stream-operator.js';

/** Which built-in aggregation to apply. */
export type AggregationKind = 'sum' | 'min' | 'max' | 'minBy' | 'maxBy';

/**
 * How an aggregation folds records into a key's state (kept in the keyed state backend) and what it emits. The state
 * is one value per key: for sum/min/max a private copy of the key's first record holding the aggregate in its field,
 * for reduce the reduced value, for minBy/maxBy the chosen record.
 */
interface Aggregator {
  /** The state after the key's first record. */
  initial(record: unknown): unknown;
  /** Folds `value` into `state` (may update it in place) and returns the new state. */
  add(state: unknown, value: unknown): unknown;
  /** The record to emit for a state (a copy when the operator updates the state in place). */
  output(state: unknown): unknown;
}

const STATE_NAME = '_weir_rolling_aggregate';
const TIMESTAMP_STATE_NAME = '_weir_rolling_aggregate_timestamp';

/** The operator of `KeyedStream.reduce` and the field aggregations. */
export class KeyedAggregationOperator extends AbstractKeyedOperator {
  private state!: InternalValueState<unknown>;
  /** BATCH mode only: the timestamp of each key's last record, for its final result. */
  private timestamps: InternalValueState<number> | undefined;
  private batch = false;
  private byReference = false;

  private constructor(
    private readonly userFunction: ReduceFunction<any> | undefined,
    private readonly aggregator: Aggregator,
  ) {
    super();
  }

  /** The operator of a user reduce function. */
  static forReduce(fn: ReduceFunction<any>): KeyedAggregationOperator {
    const reduce = resolveFunction<(a: unknown, b: unknown) => unknown>(fn, 'reduce', 'reduce()');
    // The state is the operator's own copy, and what goes out is a copy of it: a reducer that changes its first
    // argument in place changes neither an earlier result nor the user's record.
    return new KeyedAggregationOperator(fn, { initial: shallowCopy, add: reduce, output: shallowCopy });
  }

  /** The operator of a field aggregation. */
  static forField(kind: AggregationKind, field: FieldExpression): KeyedAggregationOperator {
    return new KeyedAggregationOperator(undefined, fieldAggregator(kind, field));
  }

  protected userFunctions(): readonly unknown[] {
    return this.userFunction === undefined ? [] : [this.userFunction];
  }

  protected override initializeState(): void {
    this.batch = this.context.mode === 'BATCH';
    this.byReference = this.keyedBackend.supports.valuesByReference === true;
    this.state = this.keyedBackend.getInternalState(new ValueStateDescriptor<unknown>(STATE_NAME));
    if (this.batch) this.timestamps = this.keyedBackend.getInternalState(new ValueStateDescriptor<number>(TIMESTAMP_STATE_NAME));
  }

  processElement(value: unknown, timestamp: number | undefined): MaybePromise {
    let current: unknown;
    try {
      this.setKeyOf(value, 0);
      current = this.state.value();
    } catch (e) {
      throw this.userError(e);
    }
    if (isThenable(current)) return current.then((s) => this.fold(s, value, timestamp));
    return this.fold(current, value, timestamp);
  }

  private fold(current: unknown, value: unknown, timestamp: number | undefined): MaybePromise {
    let out: unknown;
    let written: MaybePromise;
    try {
      if (current === undefined) {
        written = this.state.update(this.aggregator.initial(value));
        out = value;
      } else {
        const next = this.aggregator.add(current, value);
        // An in-place update of a value the backend holds by reference is already stored.
        written = next === current && this.byReference ? undefined : this.state.update(next);
        out = this.aggregator.output(next);
      }
    } catch (e) {
      throw this.userError(e);
    }
    if (this.batch) {
      if (timestamp === undefined) return written;
      return thenMaybe(written, () => this.timestamps!.update(timestamp));
    }
    if (isPromise(written)) return written.then(() => this.downstream.collect(out, timestamp));
    return this.downstream.collect(out, timestamp);
  }

  protected onEventTime(): MaybePromise {
    return undefined;
  }

  protected onProcessingTime(): MaybePromise {
    return undefined;
  }

  override finish(): MaybePromise {
    if (!this.batch) return undefined;
    return this.emitFinalResults();
  }

  private async emitFinalResults(): Promise<void> {
    const keys: Key[] = [];
    for await (const key of this.keyedBackend.keys(STATE_NAME)) keys.push(key);
    for (const key of keys) {
      this.keyedBackend.setCurrentKey(key);
      const state = await this.state.value();
      if (state === undefined) continue;
      const r = this.downstream.collect(this.aggregator.output(state), await this.timestamps!.value());
      if (r) await r;
    }
  }
}

/**
 * A shallow copy of an array or plain object (other values as they are). The operator never holds on to the user's
 * record: that would also make V8 pretenure every later record of the same allocation site, 2-3x slower.
 */
export function shallowCopy(record: unknown): unknown {
  if (Array.isArray(record)) return record.slice();
  if (record !== null && typeof record === 'object' && Object.getPrototypeOf(record) === Object.prototype) return { ...record };
  return record;
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

/** sum/min/max update the field of a private copy of the key's first record in place; minBy/maxBy keep a record. */
function fieldAggregator(kind: AggregationKind, field: FieldExpression): Aggregator {
  switch (kind) {
    case 'sum':
      return {
        initial: shallowCopy,
        add: (state, value) => setField(state, field, add(readField(state, field), readField(value, field))),
        output: shallowCopy,
      };
    case 'min':
    case 'max': {
      const sign = kind === 'min' ? -1 : 1;
      return {
        initial: shallowCopy,
        add(state, value) {
          const candidate = readField(value, field);
          return compare(candidate, readField(state, field)) * sign > 0 ? setField(state, field, candidate) : state;
        },
        output: shallowCopy,
      };
    }
    case 'minBy':
    case 'maxBy': {
      const sign = kind === 'minBy' ? -1 : 1;
      return {
        initial: shallowCopy,
        add: (state, value) => (compare(readField(value, field), readField(state, field)) * sign > 0 ? shallowCopy(value) : state),
        output: shallowCopy,
      };
    }
  }
}

/** Sets `field` of an operator-owned record in place (a primitive record is replaced by the value). */
function setField(record: unknown, field: FieldExpression, value: unknown): unknown {
  if (record === null || typeof record !== 'object') return value;
  (record as Record<string | number, unknown>)[field] = value;
  return record;
}

/** The accumulator of a field aggregation in a window: a private copy of a record holding the aggregate. */
export interface FieldAccumulator {
  /** The window's aggregate so far (undefined until the first element). */
  record: unknown;
}

/**
 * The same aggregations as an `AggregateFunction` (for windows): the accumulator holds a private copy of the window's
 * first record (or, for minBy/maxBy, of the chosen record) and is updated in place, so a backend that keeps values by
 * reference stores it once per window; the result is a copy.
 */
export function fieldAggregateFunction(kind: AggregationKind, field: FieldExpression): AggregateFunction<unknown, FieldAccumulator, unknown> {
  const aggregator = fieldAggregator(kind, field);
  return {
    createAccumulator: () => ({ record: undefined }),
    add(value, accumulator) {
      accumulator.record = accumulator.record === undefined ? aggregator.initial(value) : aggregator.add(accumulator.record, value);
      return accumulator;
    },
    getResult: (accumulator) => aggregator.output(accumulator.record),
    merge(a, b) {
      if (b.record === undefined) return a;
      if (a.record === undefined) return b;
      a.record = aggregator.add(a.record, b.record);
      return a;
    },
  };
}
