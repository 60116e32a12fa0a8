/**
 * The entry point of a job (Flink's `StreamExecutionEnvironment`): sets the job's defaults, creates sources, and
 * runs the pipeline built on it with `execute()`.
 */
// KeyedStream extends DataStream: load it first so that the class it extends is defined when it is evaluated.
import './keyed-stream.js';
import { availableParallelism } from 'node:os';
import { randomUUID } from 'node:crypto';
import { checkpointStorageFromUri } from '../checkpoint/storage/checkpoint-storage-from-uri.js';
import type { CheckpointStorage } from '../checkpoint/storage/checkpoint-storage.js';
import { DEFAULT_LOCAL_CHECKPOINT_DIRECTORY } from '../checkpoint/storage/local-directory-checkpoint-storage.js';
import { twoPhaseCommitSinkFactories } from '../runtime/operators/two-phase-commit-sink-operator.js';
import { ErrorCodes, WeirError } from '../errors.js';
import type { Source } from '../connector/source.js';
import { WatermarkStrategy } from '../eventtime/watermark-strategy.js';
import { MemoryStateBackend } from '../state/memory-state-backend.js';
import type { StateBackend } from '../state/state-backend.js';
import { createJobGraph, type JobGraph } from '../graph/job-graph.js';
import { generateStreamGraph, windowsThatCannotFire, type StreamGraph } from '../graph/stream-graph.js';
import type { Transformation } from '../graph/transformation.js';
import { UPPER_BOUND_MAX_PARALLELISM } from '../keys/key-group.js';
import { RestartStrategies, type RestartStrategyConfiguration } from '../restart/restart-strategies.js';
import { EmbeddedExecutor, type SubmittedJob } from '../runtime/executor.js';
import { DEFAULT_INITIAL_CREDITS } from '../runtime/channel-reader.js';
import type { JobClient } from '../runtime/job-client.js';
import type { JobExecutionResult } from '../runtime/job-execution-result.js';
import type { JobSubmission } from '../runtime/job-master.js';
import type { ExecutionMode } from '../runtime/stream-operator.js';
import { CollectionSource } from '../sources/collection-source.js';
import { NumberSequenceSource } from '../sources/number-sequence-source.js';
import { SocketTextSource } from '../sources/socket-text-source.js';
import { DataStream } from './data-stream.js';
import { getExecutionContext } from './execution-context.js';
import { ExecutionConfig } from './execution-config.js';
import { CheckpointConfig, CheckpointingMode, ExternalizedCheckpointRetention } from './checkpoint-config.js';
import { RuntimeExecutionMode } from './runtime-execution-mode.js';

/** Options of {@link StreamExecutionEnvironment.getExecutionEnvironment}. */
export interface EnvironmentOptions {
  /** Default parallelism; default: the CLI's `-p`, else the number of CPU cores (as Flink's local environment). */
  parallelism?: number;
  /** Default max parallelism (number of key groups). */
  maxParallelism?: number;
  /** STREAMING, BATCH or AUTOMATIC; default: the CLI's `--mode`, else STREAMING. */
  runtimeMode?: RuntimeExecutionMode;
  /** Buffer timeout in ms (default 100): > 0 flush period, 0 flush every record, -1 only full frames. */
  bufferTimeout?: number;
  /** A savepoint or retained checkpoint (its directory) to start from; default: the CLI's `--from-savepoint`. */
  fromSavepoint?: string;
  /** Start even if the savepoint holds state of operators the job lacks (that state is dropped). */
  allowNonRestoredState?: boolean;
}

/** Records per frame between actors. */
export const DEFAULT_FRAME_SIZE = 1024;

/** Builds and runs a job. */
export class StreamExecutionEnvironment {
  private parallelism: number;
  private maxParallelism: number | undefined;
  private runtimeMode: RuntimeExecutionMode;
  private bufferTimeout: number;
  private chainingEnabled = true;
  private restartStrategy: RestartStrategyConfiguration | undefined;
  private readonly checkpointConfig = new CheckpointConfig();
  private readonly fromSavepoint: string | undefined;
  private readonly allowNonRestoredState: boolean;
  private stateBackend: StateBackend = new MemoryStateBackend();
  private readonly config = new ExecutionConfig();
  private transformations: Transformation[] = [];
  private nextId = 1;

  private constructor(options: EnvironmentOptions) {
    const context = getExecutionContext();
    this.parallelism = checkParallelism(context?.parallelism ?? options.parallelism ?? availableParallelism());
    this.maxParallelism = options.maxParallelism;
    this.runtimeMode = context?.runtimeMode ?? options.runtimeMode ?? RuntimeExecutionMode.STREAMING;
    this.bufferTimeout = checkBufferTimeout(options.bufferTimeout ?? 100);
    this.fromSavepoint = context?.fromSavepoint ?? options.fromSavepoint;
    this.allowNonRestoredState = context?.allowNonRestoredState ?? options.allowNonRestoredState ?? false;
  }

  /** Creates the environment for the context the program runs in (the CLI's settings, or local defaults). */
  static getExecutionEnvironment(options: EnvironmentOptions = {}): StreamExecutionEnvironment {
    return new StreamExecutionEnvironment(options);
  }

  /** Sets the default parallelism of operators. */
  setParallelism(parallelism: number): this {
    this.parallelism = checkParallelism(parallelism);
    return this;
  }

  /** The default parallelism of operators. */
  getParallelism(): number {
    return this.parallelism;
  }

  /** Sets the default max parallelism (the number of key groups; the upper limit of rescaling). */
  setMaxParallelism(maxParallelism: number): this {
    if (!Number.isInteger(maxParallelism) || maxParallelism < 1 || maxParallelism > UPPER_BOUND_MAX_PARALLELISM) {
      throw new TypeError(`maxParallelism must be an integer in [1, ${UPPER_BOUND_MAX_PARALLELISM}], got ${maxParallelism}`);
    }
    this.maxParallelism = maxParallelism;
    return this;
  }

  /** The default max parallelism, or undefined when derived from each operator's parallelism. */
  getMaxParallelism(): number | undefined {
    return this.maxParallelism;
  }

  /** Sets STREAMING, BATCH or AUTOMATIC. */
  setRuntimeMode(mode: RuntimeExecutionMode): this {
    if (!Object.values(RuntimeExecutionMode).includes(mode)) throw new TypeError(`Unknown runtime mode ${String(mode)}`);
    this.runtimeMode = mode;
    return this;
  }

  /** The configured runtime mode. */
  getRuntimeMode(): RuntimeExecutionMode {
    return this.runtimeMode;
  }

  /** Sets the buffer timeout in ms: > 0 flush period, 0 flush after every record, -1 flush only full frames. */
  setBufferTimeout(timeoutMs: number): this {
    this.bufferTimeout = checkBufferTimeout(timeoutMs);
    return this;
  }

  /** The buffer timeout in ms. */
  getBufferTimeout(): number {
    return this.bufferTimeout;
  }

  /** Turns operator chaining off: every operator runs in its own actor. */
  disableOperatorChaining(): this {
    this.chainingEnabled = false;
    return this;
  }

  /** Whether operator chaining is on. */
  isChainingEnabled(): boolean {
    return this.chainingEnabled;
  }

  /**
   * Turns on periodic checkpoints every `intervalMs` (Flink's `enableCheckpointing`); `mode` is EXACTLY_ONCE (the
   * default, barriers aligned) or AT_LEAST_ONCE. More settings in {@link getCheckpointConfig}.
   */
  enableCheckpointing(intervalMs: number, mode: CheckpointingMode = CheckpointingMode.EXACTLY_ONCE): this {
    this.checkpointConfig.setCheckpointInterval(intervalMs).setCheckpointingMode(mode);
    return this;
  }

  /** The checkpointing settings (timeout, pauses, storage, retention...). */
  getCheckpointConfig(): CheckpointConfig {
    return this.checkpointConfig;
  }

  /**
   * Sets what happens when a task fails. The default is no restart without checkpoints, and with checkpoints a
   * restart every second without limit (as in Flink).
   */
  setRestartStrategy(strategy: RestartStrategyConfiguration): this {
    this.restartStrategy = strategy;
    return this;
  }

  /** Sets where keyed state lives: `MemoryStateBackend` (the default) or a disk backend such as LevelDB. */
  setStateBackend(backend: StateBackend): this {
    if (typeof backend?.createKeyedStateBackend !== 'function') throw new TypeError('setStateBackend() expects a StateBackend');
    this.stateBackend = backend;
    return this;
  }

  /** The state backend. */
  getStateBackend(): StateBackend {
    return this.stateBackend;
  }

  /** The restart strategy (the default depends on whether checkpointing is on). */
  getRestartStrategy(): RestartStrategyConfiguration {
    if (this.restartStrategy !== undefined) return this.restartStrategy;
    return this.checkpointConfig.isCheckpointingEnabled() ? RestartStrategies.fixedDelayRestart(Number.MAX_SAFE_INTEGER, 1000) : RestartStrategies.noRestart();
  }

  /** The execution config (auto-watermark interval and other settings). */
  getConfig(): ExecutionConfig {
    return this.config;
  }

  /** A bounded, non-parallel stream of the given elements, in order. */
  fromCollection<T>(elements: Iterable<T>): DataStream<T> {
    if (elements === null || elements === undefined || typeof (elements)[Symbol.iterator] !== 'function') {
      throw new TypeError('fromCollection() expects an iterable (an array, a Set, a generator, ...)');
    }
    return this.fromSource(new CollectionSource<T>([...elements]), undefined, 'Collection Source');
  }

  /** A bounded, non-parallel stream of the arguments, in order. */
  fromElements<T>(...elements: T[]): DataStream<T> {
    return this.fromSource(new CollectionSource<T>(elements), undefined, 'Collection Source');
  }

  /** A bounded, parallel stream of the numbers `from..to` (inclusive). */
  fromSequence(from: number, to: number): DataStream<number> {
    return this.fromSource(new NumberSequenceSource(from, to), undefined, 'Sequence Source');
  }

  /** An unbounded stream of the text records read from a TCP socket, split at `delimiter` (default newline). */
  socketTextStream(host: string, port: number, delimiter = '\n'): DataStream<string> {
    return this.fromSource(new SocketTextSource(host, port, delimiter), undefined, 'Socket Stream');
  }

  /**
   * A stream from a `Source`. The watermark strategy gives the records timestamps and generates watermarks;
   * `undefined` (or `WatermarkStrategy.noWatermarks()`) keeps the source's own timestamps and emits no watermarks
   * until the end of bounded input.
   */
  fromSource<T>(source: Source<T, any, any>, watermarkStrategy: WatermarkStrategy<T> | undefined, sourceName: string): DataStream<T> {
    if (watermarkStrategy !== undefined && !(watermarkStrategy instanceof WatermarkStrategy)) {
      throw new TypeError('fromSource() expects a WatermarkStrategy (or undefined) as its second argument');
    }
    if (typeof source?.createReader !== 'function' || typeof source.createEnumerator !== 'function') {
      throw new TypeError('fromSource() expects a Source with createEnumerator() and createReader()');
    }
    const t: Transformation = {
      kind: 'source',
      id: this.nextId++,
      name: `Source: ${sourceName}`,
      uid: undefined,
      parallelism: undefined,
      maxParallelism: undefined,
      source: source as Source<unknown, any, any>,
      watermarkStrategy: watermarkStrategy as WatermarkStrategy<unknown> | undefined,
      chainingStrategy: 'HEAD',
    };
    return new DataStream<T>(this, t);
  }

  /** @internal Registers a transformation so that `execute` runs it. */
  addOperator(t: Transformation): void {
    this.transformations.push(t);
  }

  /** @internal The next transformation id. */
  newId(): number {
    return this.nextId++;
  }

  /** The stream graph of the pipeline built so far. */
  getStreamGraph(): StreamGraph {
    return generateStreamGraph(this.transformations, { defaultParallelism: this.parallelism, maxParallelism: this.maxParallelism });
  }

  /** The job graph (chained vertices and partitioned edges) of the pipeline built so far. */
  getJobGraph(): JobGraph {
    return createJobGraph(this.getStreamGraph(), this.chainingEnabled);
  }

  /** Runs the job and resolves when it finishes; rejects with a WeirError when it fails or is cancelled. */
  async execute(jobName = 'weir job'): Promise<JobExecutionResult> {
    const client = await this.executeAsync(jobName);
    return client.getJobExecutionResult();
  }

  /** Submits the job and resolves at once with its {@link JobClient}. */
  executeAsync(jobName = 'weir job'): Promise<JobClient> {
    return Promise.resolve(this.submit(jobName).client);
  }

  /** @internal Compiles and submits the pipeline; clears it from the environment, as Flink does. */
  submit(jobName: string): SubmittedJob {
    if (this.transformations.length === 0) {
      throw new WeirError(ErrorCodes.NO_JOB_DEFINED, 'No operators defined in the job: add a sink (print(), sinkTo(), addSink()) before execute()');
    }
    const jobGraph = this.getJobGraph();
    const mode = this.resolveMode(jobGraph);
    for (const warning of windowsThatCannotFire(jobGraph.streamGraph)) console.warn(warning);
    this.transformations = [];
    const context = getExecutionContext();
    if (context?.interceptPlan?.(jobGraph, jobName) === true) {
      const never = new Promise<never>(() => undefined);
      return {
        client: {
          getJobId: () => 'plan-only',
          getJobStatus: () => Promise.resolve('CREATED'),
          cancel: () => Promise.resolve(),
          getMetrics: () => Promise.resolve(new Map()),
          triggerSavepoint: () => never,
          stopWithSavepoint: () => never,
          getCheckpointStats: () => Promise.resolve([]),
          getJobExecutionResult: () => never,
        },
        getCollected: () => [],
        onCollect: () => () => undefined,
      };
    }
    const checkpointing = this.checkpointingSettings(mode);
    const submission: JobSubmission = {
      jobId: randomUUID().replaceAll('-', ''),
      jobName,
      jobGraph,
      mode,
      settings: {
        frameSize: DEFAULT_FRAME_SIZE,
        bufferTimeoutMs: this.bufferTimeout,
        initialCredits: DEFAULT_INITIAL_CREDITS,
        autoWatermarkIntervalMs: this.config.getAutoWatermarkInterval(),
      },
      restartStrategy: this.getRestartStrategy(),
      stateBackend: this.stateBackend,
      checkpointing,
      savepointStorage: checkpointing === undefined ? this.savepointStorage() : undefined,
      restoreFrom: this.fromSavepoint === undefined ? undefined : { pointer: this.fromSavepoint, allowNonRestoredState: this.allowNonRestoredState },
    };
    if (mode === 'STREAMING' && submission.checkpointing === undefined) {
      const committing = [...jobGraph.streamGraph.nodes.values()].filter((n) => n.operatorFactory !== undefined && twoPhaseCommitSinkFactories.has(n.operatorFactory));
      for (const n of committing) {
        console.warn(`Warning: "${n.name}" commits its output on checkpoints, but checkpointing is off: it writes nothing final until the end of bounded input. Call env.enableCheckpointing(intervalMs).`);
      }
    }
    return (context?.executor ?? new EmbeddedExecutor()).submit(submission);
  }

  /** The storage that writes savepoints when checkpointing is off: the configured checkpoint storage, if any. */
  private savepointStorage(): CheckpointStorage | undefined {
    const storage = this.checkpointConfig.getCheckpointStorage();
    return typeof storage === 'string' ? checkpointStorageFromUri(storage) : storage;
  }

  private checkpointingSettings(mode: ExecutionMode): JobSubmission['checkpointing'] {
    const c = this.checkpointConfig;
    // BATCH mode takes no checkpoints (semantics.md); it still ends with a final commit.
    if (!c.isCheckpointingEnabled() || mode === 'BATCH') return undefined;
    const storage = c.getCheckpointStorage() ?? DEFAULT_LOCAL_CHECKPOINT_DIRECTORY;
    return {
      interval: c.getCheckpointInterval(),
      timeout: c.getCheckpointTimeout(),
      minPause: c.getMinPauseBetweenCheckpoints(),
      maxConcurrent: c.getMaxConcurrentCheckpoints(),
      tolerableFailures: c.getTolerableCheckpointFailureNumber(),
      retained: c.getNumRetainedCheckpoints(),
      mode: c.getCheckpointingMode(),
      storage: typeof storage === 'string' ? checkpointStorageFromUri(storage) : storage,
      retainOnCancellation: c.getExternalizedCheckpointRetention() === ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION,
    };
  }

  private resolveMode(jobGraph: JobGraph): ExecutionMode {
    const sources = jobGraph.streamGraph.sources;
    const unbounded = sources.filter((s) => s.source!.getBoundedness() !== 'BOUNDED');
    switch (this.runtimeMode) {
      case 'STREAMING':
        return 'STREAMING';
      case 'AUTOMATIC':
        return unbounded.length === 0 ? 'BATCH' : 'STREAMING';
      case 'BATCH':
        if (unbounded.length > 0) {
          throw new WeirError(
            ErrorCodes.UNBOUNDED_SOURCE_IN_BATCH,
            `BATCH mode needs bounded sources, but ${unbounded.map((s) => `"${s.name}"`).join(', ')} ${unbounded.length === 1 ? 'is' : 'are'} unbounded; use STREAMING mode`,
          );
        }
        return 'BATCH';
    }
  }
}

function checkParallelism(p: number): number {
  if (!Number.isInteger(p) || p < 1) throw new TypeError(`parallelism must be a positive integer, got ${p}`);
  return p;
}

function checkBufferTimeout(ms: number): number {
  if (typeof ms !== 'number' || Number.isNaN(ms) || (ms < 0 && ms !== -1)) throw new TypeError(`bufferTimeout must be >= 0 or -1, got ${ms}`);
  return ms;
}
