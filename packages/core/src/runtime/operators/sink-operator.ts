/** Runs a `Sink`'s writer or a `SinkFunction`: the end of a pipeline. */
import type { Sink, SinkWriter } from '../../connector/sink.js';
import type { SinkContext, SinkFunction } from '../../functions/user-functions.js';
import { isPromise, type MaybePromise, type OperatorContext } from '../stream-operator.js';
import { AbstractStreamOperator, resolveFunction } from './abstract-stream-operator.js';

/** The end of a pipeline: watermarks and their status stop here. */
abstract class AbstractSinkOperator extends AbstractStreamOperator {
  override processWatermark(): MaybePromise {
    return undefined;
  }

  override processWatermarkStatus(): MaybePromise {
    return undefined;
  }
}

/** The operator of `DataStream.sinkTo`. */
export class SinkWriterOperator extends AbstractSinkOperator {
  private writer: SinkWriter<unknown> | undefined;

  /** Wraps a sink. */
  constructor(private readonly sink: Sink<unknown>) {
    super();
    if (typeof sink?.createWriter !== 'function') throw new TypeError('sinkTo() expects a Sink with createWriter()');
  }

  protected userFunctions(): readonly unknown[] {
    return [];
  }

  /** The operator's context, for the collect sink's writer. */
  contextForCollect(): OperatorContext {
    return this.context;
  }

  override open(): MaybePromise {
    const c = this.context;
    let w: SinkWriter<unknown> | Promise<SinkWriter<unknown>>;
    try {
      w = this.sink.createWriter({ subtaskIndex: c.subtaskIndex, parallelism: c.parallelism, attempt: c.attempt, jobId: c.jobId });
    } catch (e) {
      throw this.userError(e, 'while creating its writer');
    }
    if (isPromise(w)) {
      return (w as Promise<SinkWriter<unknown>>).then(
        (writer) => {
          this.writer = writer;
        },
        (e: unknown) => {
          throw this.userError(e, 'while creating its writer');
        },
      );
    }
    this.writer = w as SinkWriter<unknown>;
    return undefined;
  }

  processElement(value: unknown, timestamp: number | undefined): MaybePromise {
    const writer = this.writer!;
    // callUser calls it with `writer` as `this`; a bound copy per record would allocate.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    return this.callUser(writer.write, writer, value, timestamp);
  }

  override finish(): MaybePromise {
    let r: unknown;
    try {
      r = this.writer!.flush(true);
    } catch (e) {
      throw this.userError(e, 'while flushing');
    }
    return this.guard(r);
  }

  override close(): MaybePromise {
    const writer = this.writer;
    this.writer = undefined;
    if (writer === undefined) return undefined;
    try {
      return this.guard(writer.close());
    } catch (e) {
      throw this.userError(e, 'while closing');
    }
  }
}

/** The operator of `DataStream.addSink`. */
export class SinkFunctionOperator extends AbstractSinkOperator implements SinkContext {
  private readonly invoke: (value: unknown, context: SinkContext) => unknown;
  private currentTimestamp: number | undefined;

  /** Wraps a sink function. */
  constructor(private readonly fn: SinkFunction<any>) {
    super();
    this.invoke = resolveFunction(fn, 'invoke', 'addSink()');
  }

  protected userFunctions(): readonly unknown[] {
    return [this.fn];
  }

  timestamp(): number | undefined {
    return this.currentTimestamp;
  }

  currentProcessingTime(): number {
    return this.context.currentProcessingTime();
  }

  processElement(value: unknown, timestamp: number | undefined): MaybePromise {
    this.currentTimestamp = timestamp;
    return this.callUser(this.invoke, undefined, value, this);
  }
}
