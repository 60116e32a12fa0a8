/**
 * `DataStream<T>`: a stream of records of type `T` and the operations that build a pipeline on it (Flink's
 * `DataStream` and `SingleOutputStreamOperator`).
 */
import { instantiateFunction } from '../functions/instantiate-function.js';
import { isTwoPhaseCommittingSink, type Sink, type TwoPhaseCommittingSink } from '../connector/sink.js';
import { WatermarkStrategy } from '../eventtime/watermark-strategy.js';
import { TimestampsAndWatermarksOperator } from '../runtime/operators/timestamps-and-watermarks-operator.js';
import type {
  FilterFunction,
  FlatMapFunction,
  KeySelector,
  MapFunction,
  Partitioner,
  ProcessFunction,
  SinkFunction,
} from '../functions/user-functions.js';
import type { PartitionerSpec } from '../graph/partitioner.js';
import { operatorTransformation, type OperatorTransformation, type Transformation } from '../graph/transformation.js';
import type { Key } from '../keys/key-group.js';
import { createCollectSinkOperator } from '../runtime/operators/collect-sink-operator.js';
import { FilterOperator } from '../runtime/operators/filter-operator.js';
import { FlatMapOperator } from '../runtime/operators/flat-map-operator.js';
import { MapOperator } from '../runtime/operators/map-operator.js';
import { ProcessOperator } from '../runtime/operators/process-operator.js';
import { SinkFunctionOperator, SinkWriterOperator } from '../runtime/operators/sink-operator.js';
import { TwoPhaseCommitSinkOperator, twoPhaseCommitSinkFactories } from '../runtime/operators/two-phase-commit-sink-operator.js';
import type { StreamOperatorFactory } from '../runtime/stream-operator.js';
import { PrintSink } from '../sinks/print-sink.js';
import { AllWindowedStream } from './all-windowed-stream.js';
import { ConnectedStreams } from './connected-streams.js';
import { BroadcastStream } from './broadcast-stream.js';
import type { MapStateDescriptor } from '../state/map-state-descriptor.js';
import { CoGroupedStreams } from './co-grouped-streams.js';
import { WindowedStream } from './windowed-stream.js';
import type { WindowAssigner } from '../windowing/window-assigner.js';
import type { Window } from '../windowing/window.js';
import { DataStreamSink } from './data-stream-sink.js';
import { KeyedStream } from './keyed-stream.js';
import type { OutputTag } from './output-tag.js';
import type { StreamExecutionEnvironment } from './stream-execution-environment.js';

/** A stream of records of type `T`. */
export class DataStream<T> {
  /** @internal Wraps a transformation of `environment`. */
  constructor(
    protected readonly environment: StreamExecutionEnvironment,
    /** @internal The node of the logical graph this stream comes from. */
    readonly transformation: Transformation,
  ) {}

  /** The environment the stream belongs to. */
  getExecutionEnvironment(): StreamExecutionEnvironment {
    return this.environment;
  }

  /** The id of the stream's node in the logical graph. */
  getId(): number {
    return this.transformation.id;
  }

  /** The parallelism of the stream's operator (the environment default when not set). */
  getParallelism(): number {
    return this.transformation.parallelism ?? this.environment.getParallelism();
  }

  /** Applies `fn` to every record. */
  map<R>(fn: MapFunction<T, R>): DataStream<R> {
    void new MapOperator(fn); // validates fn now, not at run time
    return this.transform<R>('Map', () => new MapOperator(instantiateFunction(fn)));
  }

  /** Applies `fn` to every record; it may emit any number of records. */
  flatMap<R>(fn: FlatMapFunction<T, R>): DataStream<R> {
    void new FlatMapOperator(fn);
    return this.transform<R>('Flat Map', () => new FlatMapOperator(instantiateFunction(fn)));
  }

  /** Keeps the records for which `fn` returns true. */
  filter(fn: FilterFunction<T>): DataStream<T> {
    void new FilterOperator(fn);
    return this.transform<T>('Filter', () => new FilterOperator(instantiateFunction(fn)));
  }

  /** Applies a ProcessFunction: records, side outputs (`ctx.output(tag, v)`) and timestamps. */
  process<R>(fn: ProcessFunction<T, R>): DataStream<R> {
    void new ProcessOperator(fn);
    return this.transform<R>('Process', () => new ProcessOperator(instantiateFunction(fn)));
  }

  /**
   * Gives the records timestamps and emits watermarks with `strategy`, replacing upstream watermarks (the maximum
   * watermark at the end of bounded input still passes).
   */
  assignTimestampsAndWatermarks(strategy: WatermarkStrategy<T>): DataStream<T> {
    if (!(strategy instanceof WatermarkStrategy)) throw new TypeError('assignTimestampsAndWatermarks() expects a WatermarkStrategy');
    return this.transform<T>('Timestamps/Watermarks', () => new TimestampsAndWatermarksOperator(strategy as WatermarkStrategy<unknown>), undefined, {
      watermarks: strategy.emitsNoWatermarks ? 'replaces-with-none' : 'generates',
    });
  }

  /** Partitions the stream by key: records with equal keys go to the same subtask (by key group). */
  keyBy<K extends Key>(keySelector: KeySelector<T, K>): KeyedStream<T, K> {
    if (typeof keySelector !== 'function') throw new TypeError('keyBy() expects a key selector function');
    return new KeyedStream<T, K>(this.environment, this.partition({ type: 'hash', keySelector }), keySelector);
  }

  /** Cuts the whole stream into windows, evaluated by one parallel instance (`windowAll`). */
  windowAll<W extends Window>(assigner: WindowAssigner<any, W>): AllWindowedStream<T, W> {
    if (typeof assigner?.assignWindows !== 'function') throw new TypeError('windowAll() expects a WindowAssigner');
    const keySelector = (): number => 0;
    const keyed = this.keyBy(keySelector);
    const windowed = new WindowedStream<T, number, W>(
      (name, factory, selector, needsWatermarks) => keyed.transform(name, factory, selector, { needsWatermarks }),
      keySelector,
      assigner,
      (result) => {
        result.setParallelism(1);
      },
    );
    return new AllWindowedStream<T, W>(windowed);
  }

  /** Merges this stream with others of the same type. */
  union(...others: DataStream<T>[]): DataStream<T> {
    for (const o of others) {
      if (o.environment !== this.environment) throw new TypeError('union() needs streams of the same environment');
    }
    return new DataStream<T>(this.environment, {
      kind: 'union',
      id: this.environment.newId(),
      name: 'Union',
      uid: undefined,
      parallelism: undefined,
      maxParallelism: undefined,
      inputs: [this.transformation, ...others.map((o) => o.transformation)],
    });
  }

  /** Connects this stream with another (of any type) for a two-input operator. */
  connect<U>(other: DataStream<U>): ConnectedStreams<T, U> {
    if (other.environment !== this.environment) throw new TypeError('connect() needs streams of the same environment');
    return new ConnectedStreams<T, U>(this.environment, this, other);
  }

  /** A window coGroup with `other`: `.where(k1).equalTo(k2).window(assigner).apply((as, bs, out) => ...)`. */
  coGroup<U>(other: DataStream<U>): CoGroupedStreams<T, U> {
    if (other.environment !== this.environment) throw new TypeError('coGroup() needs streams of the same environment');
    return new CoGroupedStreams<T, U>(this, other, false);
  }

  /** A window join with `other`: `.where(k1).equalTo(k2).window(assigner).apply((a, b) => r)` (inner join). */
  join<U>(other: DataStream<U>): CoGroupedStreams<T, U, 'join'> {
    if (other.environment !== this.environment) throw new TypeError('join() needs streams of the same environment');
    return new CoGroupedStreams<T, U, 'join'>(this, other, true);
  }

  /** The records the operator emitted to side output `tag`. */
  getSideOutput<X>(tag: OutputTag<X>): DataStream<X> {
    return new DataStream<X>(this.environment, {
      kind: 'side-output',
      id: this.environment.newId(),
      name: `SideOutput(${tag.id})`,
      uid: undefined,
      parallelism: undefined,
      maxParallelism: undefined,
      input: this.transformation,
      tag,
    });
  }

  /** Round-robin over all downstream subtasks. */
  rebalance(): DataStream<T> {
    return new DataStream<T>(this.environment, this.partition({ type: 'rebalance' }));
  }

  /** Round-robin over a local subset of downstream subtasks. */
  rescale(): DataStream<T> {
    return new DataStream<T>(this.environment, this.partition({ type: 'rescale' }));
  }

  /** A uniformly random downstream subtask per record. */
  shuffle(): DataStream<T> {
    return new DataStream<T>(this.environment, this.partition({ type: 'shuffle' }));
  }

  /** Every record to every downstream subtask. */
  broadcast(): DataStream<T>;
  /** A broadcast stream with broadcast state, for `keyed.connect(broadcastStream).process(...)`. */
  broadcast(...descriptors: MapStateDescriptor<any, any>[]): BroadcastStream<T>;
  broadcast(...descriptors: MapStateDescriptor<any, any>[]): DataStream<T> | BroadcastStream<T> {
    const broadcastStream = new DataStream<T>(this.environment, this.partition({ type: 'broadcast' }));
    if (descriptors.length === 0) return broadcastStream;
    for (const d of descriptors) {
      if (d?.type !== 'map') throw new TypeError('broadcast(...) expects MapStateDescriptors for its broadcast state');
    }
    return new BroadcastStream<T>(broadcastStream, descriptors);
  }

  /** Each subtask to the downstream subtask of the same index (equal parallelism required). */
  forward(): DataStream<T> {
    return new DataStream<T>(this.environment, this.partition({ type: 'forward' }));
  }

  /** Every record to the first downstream subtask. */
  global(): DataStream<T> {
    return new DataStream<T>(this.environment, this.partition({ type: 'global' }));
  }

  /** A user partitioner chooses the downstream subtask from the record's key. */
  partitionCustom<K>(partitioner: Partitioner<K>, keySelector: (value: T) => K): DataStream<T> {
    if (typeof partitioner !== 'function' && typeof (partitioner as { partition?: unknown })?.partition !== 'function') {
      throw new TypeError('partitionCustom() expects a partitioner function or an object with partition()');
    }
    if (typeof keySelector !== 'function') throw new TypeError('partitionCustom() expects a key selector function');
    return new DataStream<T>(this.environment, this.partition({ type: 'custom', partitioner, keySelector: keySelector as KeySelector<any> }));
  }

  /** Sets the operator's parallelism. */
  setParallelism(parallelism: number): this {
    if (!Number.isInteger(parallelism) || parallelism < 1) throw new TypeError(`parallelism must be a positive integer, got ${parallelism}`);
    this.physical('setParallelism').parallelism = parallelism;
    return this;
  }

  /** Sets the operator's max parallelism (its number of key groups). */
  setMaxParallelism(maxParallelism: number): this {
    if (!Number.isInteger(maxParallelism) || maxParallelism < 1) throw new TypeError(`maxParallelism must be a positive integer, got ${maxParallelism}`);
    this.physical('setMaxParallelism').maxParallelism = maxParallelism;
    return this;
  }

  /** Names the operator (shown in plans, logs and errors). */
  name(name: string): this {
    if (typeof name !== 'string' || name.length === 0) throw new TypeError('name() expects a non-empty string');
    this.physical('name').name = name;
    return this;
  }

  /** Sets the operator's stable uid, which savepoints use to match state. */
  uid(uid: string): this {
    if (typeof uid !== 'string' || uid.length === 0) throw new TypeError('uid() expects a non-empty string');
    this.physical('uid').uid = uid;
    return this;
  }

  /** Keeps this operator out of any chain. */
  disableChaining(): this {
    this.physical('disableChaining').chainingStrategy = 'NEVER';
    return this;
  }

  /** Starts a new chain at this operator. */
  startNewChain(): this {
    this.physical('startNewChain').chainingStrategy = 'HEAD';
    return this;
  }

  /** Prints every record to standard output, prefixed `i> ` by subtask when the parallelism is above 1. */
  print(prefix?: string): DataStreamSink<T> {
    return this.sinkTo(new PrintSink<T>(prefix)).name('Print to Std. Out');
  }

  /** Prints every record to standard error. */
  printToErr(prefix?: string): DataStreamSink<T> {
    return this.sinkTo(new PrintSink<T>(prefix, true)).name('Print to Std. Err');
  }

  /** Writes the stream to a `Sink`. */
  sinkTo(sink: Sink<T>): DataStreamSink<T> {
    if (isTwoPhaseCommittingSink(sink as Sink<unknown>)) {
      // Exactly-once: the sink stages its output and commits it when checkpoints complete.
      const factory = (): TwoPhaseCommitSinkOperator => new TwoPhaseCommitSinkOperator(instantiateFunction(sink as TwoPhaseCommittingSink<unknown, unknown, unknown>));
      twoPhaseCommitSinkFactories.add(factory);
      return this.addSinkOperator('Sink: Writer', factory);
    }
    void new SinkWriterOperator(sink);
    return this.addSinkOperator('Sink: Writer', () => new SinkWriterOperator(instantiateFunction(sink as Sink<unknown>)));
  }

  /** Writes the stream with a sink function called once per record. */
  addSink(fn: SinkFunction<T>): DataStreamSink<T> {
    void new SinkFunctionOperator(fn);
    return this.addSinkOperator('Sink: Unnamed', () => new SinkFunctionOperator(instantiateFunction(fn)));
  }

  /**
   * Runs the job (everything built on the environment plus a collect sink on this stream) and resolves to the
   * records of this stream. With `limit`, resolves once `limit` records arrived and cancels the job.
   */
  async executeAndCollect(limit?: number, jobName = 'weir collect job'): Promise<T[]> {
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) throw new TypeError(`limit must be a non-negative integer, got ${limit}`);
    const sinkId = `collect-${this.transformation.id}`;
    const sink = this.addSinkOperator('Sink: Collect', () => createCollectSinkOperator(sinkId));
    sink.setParallelism(this.getParallelism());
    if (limit === 0) {
      return [];
    }
    const job = this.environment.submit(jobName);
    if (limit === undefined) {
      await job.client.getJobExecutionResult();
      return [...job.getCollected(sinkId)] as T[];
    }
    let stopListening: () => void = () => undefined;
    const reachedLimit = new Promise<void>((resolve) => {
      stopListening = job.onCollect((id) => {
        if (id === sinkId && job.getCollected(sinkId).length >= limit) resolve();
      });
    });
    try {
      await Promise.race([job.client.getJobExecutionResult(), reachedLimit]);
    } finally {
      stopListening();
    }
    const collected = job.getCollected(sinkId).slice(0, limit) as T[];
    await job.client.cancel();
    return collected;
  }

  /** @internal Adds a one-input operator after this stream. */
  transform<R>(
    name: string,
    factory: StreamOperatorFactory,
    keySelector?: KeySelector<any>,
    watermarks?: Pick<OperatorTransformation, 'watermarks' | 'needsWatermarks'>,
  ): DataStream<R> {
    const t = operatorTransformation(this.environment.newId(), [this.transformation], name, factory, {
      ...watermarks,
      keySelectors: keySelector === undefined ? undefined : [keySelector],
    });
    this.environment.addOperator(t);
    return new DataStream<R>(this.environment, t);
  }

  private addSinkOperator(name: string, factory: StreamOperatorFactory): DataStreamSink<T> {
    const t = operatorTransformation(this.environment.newId(), [this.transformation], name, factory, { isSink: true });
    this.environment.addOperator(t);
    return new DataStreamSink<T>(t);
  }

  /** @internal A partition transformation of this stream. */
  protected partition(partitioner: PartitionerSpec): Transformation {
    return {
      kind: 'partition',
      id: this.environment.newId(),
      name: partitioner.type,
      uid: undefined,
      parallelism: undefined,
      maxParallelism: undefined,
      input: this.transformation,
      partitioner,
    };
  }

  private physical(method: string): Extract<Transformation, { kind: 'source' | 'operator' }> {
    const t = this.transformation;
    if (t.kind !== 'source' && t.kind !== 'operator') {
      throw new TypeError(`${method}() applies to an operator or a source, not to the result of ${t.kind === 'partition' ? 'a partitioning' : `a ${t.kind}`}`);
    }
    return t;
  }
}
