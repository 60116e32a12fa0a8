/**
 * Routes what an operator emits: to chained operators (a direct call) and to record writers (channels to other
 * actors), main output and side outputs separately. One consumer is the fast path; several are called in order,
 * queued behind one another when a consumer is asynchronous.
 */
import { isPromise, type MaybePromise, type Output, type StreamOperator } from './stream-operator.js';

/** Something that takes an operator's records: the next chained operator, or a record writer. */
export interface RecordConsumer {
  /** Takes a record. */
  push(value: unknown, timestamp: number | undefined): MaybePromise;
  /** Takes a watermark. */
  pushWatermark(watermark: number): MaybePromise;
  /** Takes a change of watermark status. */
  pushWatermarkStatus(idle: boolean): MaybePromise;
}

const NO_CONSUMERS: readonly RecordConsumer[] = [];

/** A chained operator as a consumer: records go to its input `inputIndex` by a direct call. */
export class ChainedConsumer implements RecordConsumer {
  /** Feeds `operator`'s input `inputIndex`. */
  constructor(
    private readonly operator: StreamOperator,
    private readonly inputIndex = 0,
  ) {}

  push(value: unknown, timestamp: number | undefined): MaybePromise {
    return this.operator.processElement(value, timestamp, this.inputIndex);
  }

  pushWatermark(watermark: number): MaybePromise {
    return this.operator.processWatermark(watermark);
  }

  pushWatermarkStatus(idle: boolean): MaybePromise {
    return this.operator.processWatermarkStatus(idle);
  }
}

/** The output of one operator in a chain. */
export class OperatorOutput implements Output {
  private readonly single: RecordConsumer | undefined;
  private readonly all: readonly RecordConsumer[];

  /** Creates an output over main consumers and side-output consumers by tag id. */
  constructor(
    private readonly main: readonly RecordConsumer[],
    private readonly side: ReadonlyMap<string, readonly RecordConsumer[]>,
  ) {
    this.single = main.length === 1 ? main[0] : undefined;
    this.all = [...main, ...[...side.values()].flat()];
  }

  collect(value: unknown, timestamp: number | undefined): MaybePromise {
    if (this.single !== undefined) return this.single.push(value, timestamp);
    return pushAll(this.main, value, timestamp);
  }

  collectSide(tagId: string, value: unknown, timestamp: number | undefined): MaybePromise {
    return pushAll(this.side.get(tagId) ?? NO_CONSUMERS, value, timestamp);
  }

  emitWatermark(watermark: number): MaybePromise {
    return forEachConsumer(this.all, (c) => c.pushWatermark(watermark));
  }

  emitWatermarkStatus(idle: boolean): MaybePromise {
    return forEachConsumer(this.all, (c) => c.pushWatermarkStatus(idle));
  }
}

function pushAll(consumers: readonly RecordConsumer[], value: unknown, timestamp: number | undefined): MaybePromise {
  let pending: Promise<void> | undefined;
  for (let i = 0; i < consumers.length; i++) {
    const c = consumers[i];
    if (pending) pending = pending.then(() => c.push(value, timestamp));
    else {
      const r = c.push(value, timestamp);
      if (isPromise(r)) pending = r;
    }
  }
  return pending;
}

function forEachConsumer(consumers: readonly RecordConsumer[], call: (c: RecordConsumer) => MaybePromise): MaybePromise {
  let pending: Promise<void> | undefined;
  for (const c of consumers) {
    if (pending) pending = pending.then(() => call(c));
    else {
      const r = call(c);
      if (isPromise(r)) pending = r;
    }
  }
  return pending;
}
