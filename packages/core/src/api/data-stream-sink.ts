/** The end of a pipeline (Flink's `DataStreamSink`): name, uid and parallelism of the sink operator. */
import type { OperatorTransformation } from '../graph/transformation.js';

/** A sink added to a stream. */
export class DataStreamSink<T> {
  /** Phantom field that carries the element type. */
  declare readonly __type?: T;

  /** @internal Wraps the sink's transformation. */
  constructor(private readonly transformation: OperatorTransformation) {}

  /** Names the sink. */
  name(name: string): this {
    if (typeof name !== 'string' || name.length === 0) throw new TypeError('name() expects a non-empty string');
    this.transformation.name = name;
    return this;
  }

  /** Sets the sink's stable uid. */
  uid(uid: string): this {
    if (typeof uid !== 'string' || uid.length === 0) throw new TypeError('uid() expects a non-empty string');
    this.transformation.uid = uid;
    return this;
  }

  /** Sets the sink's parallelism. */
  setParallelism(parallelism: number): this {
    if (!Number.isInteger(parallelism) || parallelism < 1) throw new TypeError(`parallelism must be a positive integer, got ${parallelism}`);
    this.transformation.parallelism = parallelism;
    return this;
  }

  /** Keeps the sink out of any chain. */
  disableChaining(): this {
    this.transformation.chainingStrategy = 'NEVER';
    return this;
  }
}
