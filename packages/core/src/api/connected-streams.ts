/** Two streams connected for a two-input operator (Flink's `ConnectedStreams`). */
import { instantiateFunction } from '../functions/instantiate-function.js';
import type { CoFlatMapFunction, CoMapFunction, CoProcessFunction, KeySelector } from '../functions/user-functions.js';
import { operatorTransformation } from '../graph/transformation.js';
import type { Key } from '../keys/key-group.js';
import { CoFlatMapOperator } from '../runtime/operators/co-flat-map-operator.js';
import { CoMapOperator } from '../runtime/operators/co-map-operator.js';
import { CoProcessOperator } from '../runtime/operators/co-process-operator.js';
import type { StreamOperatorFactory } from '../runtime/stream-operator.js';
import { DataStream } from './data-stream.js';
import type { StreamExecutionEnvironment } from './stream-execution-environment.js';

/** Two streams, possibly of different types, processed by one operator. */
export class ConnectedStreams<A, B> {
  /** @internal Created by `DataStream.connect`. */
  constructor(
    private readonly environment: StreamExecutionEnvironment,
    private readonly first: DataStream<A>,
    private readonly second: DataStream<B>,
    private readonly keySelectors?: readonly [KeySelector<A>, KeySelector<B>],
  ) {}

  /** The first input. */
  getFirstInput(): DataStream<A> {
    return this.first;
  }

  /** The second input. */
  getSecondInput(): DataStream<B> {
    return this.second;
  }

  /** Partitions both inputs by key, so that equal keys of both meet in the same subtask. */
  keyBy<K extends Key>(key1: KeySelector<A, K>, key2: KeySelector<B, K>): ConnectedStreams<A, B> {
    return new ConnectedStreams<A, B>(this.environment, this.first.keyBy(key1), this.second.keyBy(key2), [key1, key2]);
  }

  /** Maps each input with its own function. */
  map<R>(fn: CoMapFunction<A, B, R>): DataStream<R> {
    void new CoMapOperator(fn);
    return this.transform<R>('Co-Map', () => new CoMapOperator(instantiateFunction(fn)));
  }

  /** Flat-maps each input with its own function. */
  flatMap<R>(fn: CoFlatMapFunction<A, B, R>): DataStream<R> {
    void new CoFlatMapOperator(fn);
    return this.transform<R>('Co-Flat Map', () => new CoFlatMapOperator(instantiateFunction(fn)));
  }

  /** Processes each input with its own function, with side outputs. */
  process<R>(fn: CoProcessFunction<A, B, R>): DataStream<R> {
    void new CoProcessOperator(fn);
    return this.transform<R>('Co-Process', () => new CoProcessOperator(instantiateFunction(fn)));
  }

  /** @internal Adds a two-input operator over both inputs. */
  transform<R>(name: string, factory: StreamOperatorFactory): DataStream<R> {
    const t = operatorTransformation(this.environment.newId(), [this.first.transformation, this.second.transformation], name, factory, {
      keySelectors: this.keySelectors,
    });
    this.environment.addOperator(t);
    return new DataStream<R>(this.environment, t);
  }
}
