/**
 * Emits records in order even when a downstream operator is asynchronous: while a previous emission is pending,
 * later ones are queued behind it. Synchronous chains allocate nothing.
 */
import type { Collector } from '../functions/user-functions.js';
import { isPromise, type MaybePromise, type Output } from './stream-operator.js';

/** A collector that user functions emit to; the operator takes the pending work with `drain()` afterwards. */
export class OrderedEmitter implements Collector<unknown> {
  /** The timestamp that emitted records carry. */
  timestamp: number | undefined = undefined;
  private pending: Promise<void> | undefined = undefined;

  /** Creates an emitter in front of `output`. */
  constructor(private readonly output: Output) {}

  /** Emits a record with the current timestamp. */
  collect(value: unknown): void {
    const ts = this.timestamp;
    if (this.pending !== undefined) {
      this.pending = this.pending.then(() => this.output.collect(value, ts));
      return;
    }
    const r = this.output.collect(value, ts);
    if (isPromise(r)) this.pending = r;
  }

  /** Emits a record to a side output with the current timestamp. */
  collectSide(tagId: string, value: unknown): void {
    const ts = this.timestamp;
    if (this.pending !== undefined) {
      this.pending = this.pending.then(() => this.output.collectSide(tagId, value, ts));
      return;
    }
    const r = this.output.collectSide(tagId, value, ts);
    if (isPromise(r)) this.pending = r;
  }

  /** Runs `step` after whatever is pending (used for watermarks and status changes). */
  run(step: () => MaybePromise): void {
    if (this.pending !== undefined) {
      this.pending = this.pending.then(step);
      return;
    }
    const r = step();
    if (isPromise(r)) this.pending = r;
  }

  /** Emits every item of an iterable. */
  collectAll(items: Iterable<unknown>): void {
    for (const item of items) this.collect(item);
  }

  /** Drops pending work after the user function failed (its failure is the one reported). */
  abandon(): void {
    const p = this.pending;
    this.pending = undefined;
    p?.catch(() => undefined);
  }

  /** Returns what is still pending (undefined when everything was synchronous) and resets. */
  drain(): MaybePromise {
    const p = this.pending;
    this.pending = undefined;
    return p;
  }
}
