/**
 * A test harness for operators and small pipelines, the feature Flink users miss most: feed explicit records with
 * timestamps and watermarks, move a manual processing-time clock, and read the output, the side outputs, the
 * watermarks that went out, and the keyed state of any operator. Everything runs in the calling test, at
 * parallelism 1, without actors or a transport; the operators are the same ones a job runs.
 *
 * @example
 * ```ts
 * const harness = await StreamTestHarness.create<[string, number]>((input) =>
 *   input.keyBy((t) => t[0]).window(TumblingEventTimeWindows.of(3000)).sum(1));
 * await harness.processElement(['a', 1], 1000);
 * await harness.processWatermark(2999);
 * expect(harness.extractOutputValues()).toEqual([['a', 1]]);
 * await harness.close();
 * ```
 */
import type { DataStream } from '../api/data-stream.js';
import type { OutputTag } from '../api/output-tag.js';
import { StreamExecutionEnvironment } from '../api/stream-execution-environment.js';
import type { Source } from '../connector/source.js';
import type { RuntimeContext } from '../functions/user-functions.js';
import type { StreamNode } from '../graph/stream-graph.js';
import { MAX_WATERMARK } from '../runtime/frame.js';
import { ChainedConsumer, OperatorOutput, type RecordConsumer } from '../runtime/operator-output.js';
import { AbstractKeyedOperator } from '../runtime/operators/abstract-keyed-operator.js';
import { JobMetrics } from '../runtime/metrics.js';
import { ManualProcessingTimeService } from '../runtime/processing-time-service.js';
import { isPromise, type OperatorContext, type Output, type StreamOperator } from '../runtime/stream-operator.js';
import type { KeyedStateBackend } from '../state/keyed-state-backend.js';
import { MemoryStateBackend } from '../state/memory-state-backend.js';

/** A record as the harness saw it leave the pipeline. */
export interface HarnessRecord<T> {
  readonly value: T;
  readonly timestamp: number | undefined;
}

/** Options of {@link StreamTestHarness.create}. */
export interface StreamTestHarnessOptions {
  /** The processing time the manual clock starts at (default 0). */
  readonly processingTime?: number;
  /** The auto-watermark interval of `assignTimestampsAndWatermarks` operators, in processing time (default 0: off). */
  readonly autoWatermarkIntervalMs?: number;
  /** BATCH or STREAMING semantics (default STREAMING). */
  readonly mode?: 'STREAMING' | 'BATCH';
}

const placeholderSource: Source<unknown> = {
  getBoundedness: () => 'CONTINUOUS_UNBOUNDED',
  createEnumerator: () => {
    throw new TypeError('The harness input is fed by the test');
  },
  restoreEnumerator: () => {
    throw new TypeError('The harness input is fed by the test');
  },
  createReader: () => {
    throw new TypeError('The harness input is fed by the test');
  },
};

/** Drives a pipeline built on a test input, one call at a time. */
export class StreamTestHarness<IN, OUT = unknown> {
  /** The manual processing-time clock. */
  readonly processingTime: ManualProcessingTimeService;
  private readonly output: HarnessRecord<OUT>[] = [];
  private readonly sideOutputs = new Map<string, HarnessRecord<unknown>[]>();
  private readonly watermarks: number[] = [];
  private readonly operators = new Map<string, StreamOperator>();
  private heads: ChainedConsumer[] = [];
  private order: StreamOperator[] = [];
  private recordsIn = 0;
  private readonly jobMetrics = new JobMetrics();
  private closed = false;

  private constructor(options: StreamTestHarnessOptions) {
    this.processingTime = new ManualProcessingTimeService(options.processingTime ?? 0);
  }

  /**
   * Builds the pipeline `build(input)` on a test input of type `IN` and opens its operators. The stream that `build`
   * returns is the output the harness records (its side outputs too).
   */
  static async create<IN, OUT = unknown>(build: (input: DataStream<IN>) => DataStream<OUT>, options: StreamTestHarnessOptions = {}): Promise<StreamTestHarness<IN, OUT>> {
    const harness = new StreamTestHarness<IN, OUT>(options);
    await harness.init(build, options);
    return harness;
  }

  private async init(build: (input: DataStream<IN>) => DataStream<OUT>, options: StreamTestHarnessOptions): Promise<void> {
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 1 });
    const input = env.fromSource(placeholderSource as Source<IN>, undefined, 'Test Input');
    const result = build(input);
    const graph = env.getStreamGraph();
    const resultNode = graph.nodes.get(result.transformation.id);
    if (resultNode === undefined || resultNode.kind !== 'operator') {
      throw new TypeError('The harness records the output of an operator: end the pipeline with one (map, process, window, ...), not a partitioning');
    }
    const nodes = [...graph.nodes.values()].filter((n) => n.kind === 'operator');
    for (const node of nodes) this.operators.set(String(node.id), node.operatorFactory!());
    const backend = new MemoryStateBackend();
    for (const node of nodes) {
      const op = this.operators.get(String(node.id))!;
      const main: RecordConsumer[] = [];
      const side = new Map<string, RecordConsumer[]>();
      for (const edge of node.outEdges) {
        const target = this.operators.get(String(edge.targetId))!;
        const step = new ChainedConsumer(target, edge.inputIndex);
        if (edge.sideOutputTag === undefined) main.push(step);
        else side.set(edge.sideOutputTag, [...(side.get(edge.sideOutputTag) ?? []), step]);
      }
      let output: Output = new OperatorOutput(main, side);
      if (node === resultNode) output = this.recording(output);
      op.setup(this.contextFor(node, backend, options), output);
    }
    const source = graph.sources[0];
    this.heads = source.outEdges.map((e) => new ChainedConsumer(this.operators.get(String(e.targetId))!, e.inputIndex));
    this.order = topologicalOrder(nodes).map((n) => this.operators.get(String(n.id))!);
    for (let i = this.order.length - 1; i >= 0; i--) await this.order[i].open();
  }

  private recording(forward: Output): Output {
    return {
      collect: (value, timestamp) => {
        this.output.push({ value: value as OUT, timestamp });
        return forward.collect(value, timestamp);
      },
      collectSide: (tagId, value, timestamp) => {
        const list = this.sideOutputs.get(tagId) ?? [];
        list.push({ value, timestamp });
        this.sideOutputs.set(tagId, list);
        return forward.collectSide(tagId, value, timestamp);
      },
      emitWatermark: (watermark) => {
        this.watermarks.push(watermark);
        return forward.emitWatermark(watermark);
      },
      emitWatermarkStatus: (idle) => forward.emitWatermarkStatus(idle),
    };
  }

  private contextFor(node: StreamNode, backend: MemoryStateBackend, options: StreamTestHarnessOptions): OperatorContext {
    const fail = (): never => {
      throw new TypeError(`Keyed state is only available on a keyed stream (after keyBy); "${node.name}" is not keyed`);
    };
    const runtimeContext: RuntimeContext = {
      getIndexOfThisSubtask: () => 0,
      getNumberOfParallelSubtasks: () => 1,
      getMaxNumberOfParallelSubtasks: () => node.maxParallelism,
      getAttemptNumber: () => 0,
      getTaskName: () => node.name,
      getJobId: () => 'test-harness',
      getState: fail,
      getListState: fail,
      getMapState: fail,
      getReducingState: fail,
      getAggregatingState: fail,
    };
    return {
      name: node.name,
      uid: node.uid,
      subtaskIndex: 0,
      parallelism: 1,
      maxParallelism: node.maxParallelism,
      attempt: 0,
      jobId: 'test-harness',
      mode: options.mode ?? 'STREAMING',
      keySelectors: node.keySelectors as OperatorContext['keySelectors'],
      recordPosition: () => this.recordsIn,
      currentProcessingTime: () => this.processingTime.getCurrentProcessingTime(),
      processingTimeService: this.processingTime,
      autoWatermarkIntervalMs: options.autoWatermarkIntervalMs ?? 0,
      stateBackend: backend,
      operatorId: node.uid ?? `operator-${node.id}`,
      metrics: this.jobMetrics.group(node.uid ?? node.name),
      sendToClient: () => undefined,
      runtimeContext,
    };
  }

  /** Feeds a record with an optional event timestamp. */
  async processElement(value: IN, timestamp?: number): Promise<void> {
    this.recordsIn++;
    for (const h of this.heads) {
      const r = h.push(value, timestamp);
      if (isPromise(r)) await r;
    }
  }

  /** Feeds a watermark (fires event-time timers and windows up to it). */
  async processWatermark(watermark: number): Promise<void> {
    for (const h of this.heads) {
      const r = h.pushWatermark(watermark);
      if (isPromise(r)) await r;
    }
  }

  /** Moves the manual processing-time clock to `time`, firing the processing-time timers due by then. */
  async setProcessingTime(time: number): Promise<void> {
    await this.processingTime.advanceTo(time);
  }

  /** Ends the input as a bounded source would: the maximum watermark, then end of input through the pipeline. */
  async endInput(): Promise<void> {
    await this.processWatermark(MAX_WATERMARK);
    for (const op of this.order) {
      const e = op.endInput(0);
      if (isPromise(e)) await e;
      const f = op.finish();
      if (isPromise(f)) await f;
    }
  }

  /** The records the output stream emitted so far, with timestamps. */
  getOutput(): readonly HarnessRecord<OUT>[] {
    return this.output;
  }

  /** The values the output stream emitted so far. */
  extractOutputValues(): OUT[] {
    return this.output.map((r) => r.value);
  }

  /** Takes (and clears) the values emitted so far. */
  takeOutputValues(): OUT[] {
    return this.output.splice(0).map((r) => r.value);
  }

  /** The records of side output `tag` of the output stream's operator. */
  getSideOutput<X>(tag: OutputTag<X>): readonly HarnessRecord<X>[] {
    return (this.sideOutputs.get(tag.id) ?? []) as HarnessRecord<X>[];
  }

  /** The watermarks the output stream's operator emitted. */
  getEmittedWatermarks(): readonly number[] {
    return this.watermarks;
  }

  /** The keyed state backend of the keyed operator named `operatorName` (its `name()` or default name). */
  getKeyedStateBackend(operatorName: string): KeyedStateBackend {
    for (const op of this.operators.values()) {
      if (op instanceof AbstractKeyedOperator && (op as unknown as { context: OperatorContext }).context.name === operatorName) return op.getKeyedStateBackend();
    }
    throw new TypeError(`No keyed operator named "${operatorName}" in the harness`);
  }

  /** The number of records the late-data logic of a window operator dropped (its `numLateRecordsDropped`). */
  getNumLateRecordsDropped(operatorName: string): number {
    for (const op of this.operators.values()) {
      const o = op as unknown as { context: OperatorContext; numLateRecordsDropped?: number };
      if (o.context.name === operatorName && typeof o.numLateRecordsDropped === 'number') return o.numLateRecordsDropped;
    }
    throw new TypeError(`No window operator named "${operatorName}" in the harness`);
  }

  /** The operators' metrics by `<operator uid or name>.<metric>`. */
  getMetrics(): ReadonlyMap<string, number> {
    return this.jobMetrics.snapshot();
  }

  /** Closes every operator; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const op of this.order) await op.close();
  }
}

function topologicalOrder(nodes: StreamNode[]): StreamNode[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const done = new Set<number>();
  const out: StreamNode[] = [];
  const visit = (n: StreamNode): void => {
    if (done.has(n.id)) return;
    done.add(n.id);
    for (const e of n.inEdges) {
      const upstream = byId.get(e.sourceId);
      if (upstream !== undefined) visit(upstream);
    }
    out.push(n);
  };
  nodes.forEach(visit);
  return out;
}
