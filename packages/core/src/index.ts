/**
 * `@weir/core`: stream processing for TypeScript on Node.js, modelled on Apache Flink. The DataStream API, the job
 * graph with operator chaining, the actor runtime (mailbox actors, JobManager, TaskManager, credit-based flow
 * control), the in-process transport and the core sources and sinks.
 *
 * @example
 * ```ts
 * import { StreamExecutionEnvironment } from '@weir/core';
 *
 * const env = StreamExecutionEnvironment.getExecutionEnvironment();
 * env.fromCollection<[number, string]>([[1, 'a|b'], [2, 'bb|a'], [3, 'aaa|a']])
 *   .flatMap(([, words]) => words.split('|'))
 *   .map((word): [string, number] => [word, 1])
 *   .keyBy(([word]) => word)
 *   .sum(1)
 *   .print();
 * await env.execute('word count');
 * ```
 */

// KeyedStream extends DataStream: it must be evaluated after data-stream, which it imports itself.
export { KeyedStream } from './api/keyed-stream.js';
export { DataStream } from './api/data-stream.js';
export { ConnectedStreams } from './api/connected-streams.js';
export { DataStreamSink } from './api/data-stream-sink.js';
export { WindowedStream } from './api/windowed-stream.js';
export { AllWindowedStream } from './api/all-windowed-stream.js';
export { BroadcastConnectedStream, BroadcastStream } from './api/broadcast-stream.js';
export type {
  BroadcastState,
  KeyedBroadcastContext,
  KeyedBroadcastProcessFunction,
  KeyedBroadcastReadOnlyContext,
  ReadOnlyBroadcastState,
} from './functions/broadcast-functions.js';
export { CoGroupedStreams, WithKeys, WindowedCoGroup } from './api/co-grouped-streams.js';
export type { CoGroupFunction, CoGroupMode, CoGroupModeFunction, JoinFunction } from './api/co-grouped-streams.js';
export type { IntervalJoined } from './api/keyed-stream.js';
export type { IntervalJoinContext, IntervalJoinFunction } from './runtime/operators/interval-join-operator.js';
export { StreamExecutionEnvironment, DEFAULT_FRAME_SIZE } from './api/stream-execution-environment.js';
export type { EnvironmentOptions } from './api/stream-execution-environment.js';
export { ExecutionConfig } from './api/execution-config.js';
export { OutputTag } from './api/output-tag.js';
export { RuntimeExecutionMode } from './api/runtime-execution-mode.js';
export { getExecutionContext, setExecutionContext } from './api/execution-context.js';
export type { ExecutionContext } from './api/execution-context.js';

export { ErrorCodes, WeirError, UserFunctionError } from './errors.js';
export type { ErrorCode } from './errors.js';

export type {
  Collector,
  CoFlatMapFunction,
  CoMapFunction,
  CoProcessFunction,
  FieldExpression,
  FilterFunction,
  FlatMapFunction,
  KeyedProcessContext,
  KeyedProcessFunction,
  KeySelector,
  MapFunction,
  OnTimerContext,
  Partitioner,
  ProcessContext,
  ProcessFunction,
  ReduceFunction,
  RichFunction,
  RuntimeContext,
  SinkContext,
  SinkFunction,
  TimerService,
} from './functions/user-functions.js';

export { Time } from './time/time.js';
export type { KeyedStateStore, ProcessAllWindowFunction, ProcessWindowContext, ProcessWindowFunction } from './functions/window-functions.js';
export {
  ContinuousEventTimeTrigger,
  ContinuousProcessingTimeTrigger,
  CountEvictor,
  CountTrigger,
  DynamicEventTimeSessionWindows,
  DynamicProcessingTimeSessionWindows,
  EndOfStreamTrigger,
  EventTimeSessionWindows,
  EventTimeTrigger,
  GlobalWindow,
  GlobalWindows,
  MergingWindowAssigner,
  NeverTrigger,
  ProcessingTimeSessionWindows,
  ProcessingTimeTrigger,
  PurgingTrigger,
  SlidingEventTimeWindows,
  SlidingProcessingTimeWindows,
  TimeEvictor,
  TimeWindow,
  Trigger,
  TriggerResult,
  TumblingEventTimeWindows,
  TumblingProcessingTimeWindows,
  WindowAssigner,
} from './windowing/index.js';
export type {
  Evictor,
  EvictorContext,
  MergeCallback,
  OnMergeContext,
  SessionWindowTimeGapExtractor,
  TimestampedValue,
  TriggerContext,
  TriggerReducingState,
  TriggerResultName,
  TriggerStateDescriptor,
  Window,
  WindowAssignerContext,
} from './windowing/index.js';
export { WatermarkStrategy } from './eventtime/watermark-strategy.js';
export type { WatermarkGeneratorSupplier } from './eventtime/watermark-strategy.js';
export { Watermark } from './eventtime/watermark.js';
export type { TimestampAssigner, WatermarkGenerator, WatermarkGeneratorSupplierContext, WatermarkOutput } from './eventtime/watermark.js';
export { BoundedOutOfOrdernessWatermarks } from './eventtime/watermark-generators.js';
export { RestartStrategies, describeRestartStrategy } from './restart/restart-strategies.js';
export type { ExponentialDelayOptions, RestartStrategyConfiguration } from './restart/restart-strategies.js';

export type {
  Boundedness,
  InputStatus,
  ReaderOutput,
  Source,
  SourceReader,
  SourceReaderContext,
  SourceSplit,
  SplitEnumerator,
  SplitEnumeratorContext,
} from './connector/source.js';
export { END_OF_INPUT_CHECKPOINT_ID, isTwoPhaseCommittingSink } from './connector/sink.js';
export type { Committer, PrecommittingSinkWriter, Sink, SinkWriter, SinkWriterContext, TwoPhaseCommittingSink } from './connector/sink.js';
export {
  BasePathBucketAssigner,
  DEFAULT_BUCKET_CHECK_INTERVAL,
  DEFAULT_DATE_TIME_BUCKET_FORMAT,
  DateTimeBucketAssigner,
  DefaultRollingPolicy,
  DefaultRollingPolicyBuilder,
  FILE_SINK_STATE_VERSION,
  FileCommitter,
  FileSink,
  FileWriter,
  OnCheckpointRollingPolicy,
  OutputFileConfig,
  OutputFileConfigBuilder,
  RowFormatBuilder,
  SimpleStringEncoder,
} from './sinks/file-sink/index.js';
export type {
  BucketAssigner,
  BucketAssignerContext,
  Encoder,
  FileSinkCommittable,
  FileSinkSettings,
  FileWriterBucketState,
  FileWriterConfig,
  FileWriterStatus,
  InProgressFileState,
  PartFileInfo,
  RollingPolicy,
  SimpleStringEncoderCharset,
} from './sinks/file-sink/index.js';
export {
  CHECKPOINT_METADATA_VERSION,
  CheckpointStorage,
  DEFAULT_LOCAL_CHECKPOINT_DIRECTORY,
  LocalDirectoryCheckpointStorage,
  MemoryCheckpointStorage,
  checkpointStorageFromUri,
  checkpointsToDiscard,
} from './checkpoint/storage/index.js';
export type {
  CheckpointKind,
  CheckpointMetadata,
  CheckpointMetadataInput,
  CheckpointStorageLocation,
  CheckpointStorageOptions,
  CheckpointStorageStatus,
  CheckpointStorageSupports,
  CheckpointWarningListener,
  CompletedCheckpoint,
  FindLatestValidOptions,
  JobCheckpointStorage,
  LoadCheckpointOptions,
  LocalDirectoryCheckpointStorageOptions,
  MemoryCheckpointStorageOptions,
  StateHandle,
  StateHandleScope,
} from './checkpoint/storage/index.js';
export { CheckpointConfig, CheckpointingMode, ExternalizedCheckpointRetention, DEFAULT_CHECKPOINT_TIMEOUT_MS } from './api/checkpoint-config.js';
export { KEYED_STATE_DELTA_VERSION, applyKeyedStateDelta } from './state/index.js';
export type { DeletedStateEntry, KeyedStateDelta, KeyGroupDelta, StateDelta } from './state/index.js';
export { OperatorStateStore } from './state/operator-state-store.js';
export type { OperatorListState } from './state/operator-state-store.js';
export type { CheckpointedFunction, CheckpointListener, FunctionInitializationContext, FunctionSnapshotContext } from './functions/checkpointed-function.js';
export {
  CollectionSource,
  DataGeneratorSource,
  FileSource,
  FileSourceBuilder,
  NumberSequenceSource,
  RateLimiterStrategy,
  SocketTextSource,
  TextLineInputFormat,
} from './sources/index.js';
export type {
  CollectionSplit,
  FileSourceEnumeratorState,
  FileSourceSplit,
  GeneratorFunction,
  NumberSequenceSplit,
  RateLimiter,
  SocketSplit,
  StreamFormat,
} from './sources/index.js';
export { PrintSink } from './sinks/print-sink.js';
export { formatRecord } from './sinks/format-record.js';

export {
  AggregatingStateDescriptor,
  KEYED_STATE_SNAPSHOT_VERSION,
  KeyedStateBackend,
  ListStateDescriptor,
  MapStateDescriptor,
  MemoryKeyedStateBackend,
  MemoryStateBackend,
  ReducingStateDescriptor,
  StateDescriptor,
  StateTtlConfig,
  StateTtlConfigBuilder,
  StateVisibility,
  UpdateType,
  ValueStateDescriptor,
  keyGroupRangeOf,
  systemTtlTimeProvider,
} from './state/index.js';
export type {
  AggregateFunction,
  AggregatingState,
  KeyContext,
  KeyedStateBackendParameters,
  KeyedStateBackendStatus,
  KeyedStateBackendSupports,
  KeyedStateSnapshot,
  KeyGroupRange,
  KeyGroupSnapshot,
  ListState,
  MapState,
  MapStateKey,
  RawStateInfo,
  ReducingState,
  State,
  StateBackend,
  StateSnapshot,
  StateType,
  TtlTimeProvider,
  ValueState,
} from './state/index.js';

export { assignToKeyGroup, computeDefaultMaxParallelism, stableHash, murmurHash } from './keys/key-group.js';
export type { Key } from './keys/key-group.js';

export { createJobGraph, describeJobGraph, vertexName } from './graph/job-graph.js';
export type { JobEdge, JobGraph, JobVertex } from './graph/job-graph.js';
export type { StreamEdge, StreamGraph, StreamNode } from './graph/stream-graph.js';
export type { PartitionerSpec } from './graph/partitioner.js';

export type { JobClient } from './runtime/job-client.js';
export type { CheckpointStats } from './checkpoint/checkpoint-coordinator.js';
export type { JobStatus } from './runtime/job-status.js';
export { JobExecutionResult } from './runtime/job-execution-result.js';
export { EmbeddedExecutor } from './runtime/executor.js';
export type { EmbeddedExecutorOptions } from './runtime/executor.js';
export { Counter } from './runtime/metrics.js';
export type { MetricGroup } from './runtime/metrics.js';
export type { PipelineExecutor, SubmittedJob } from './runtime/executor.js';
export type { JobSubmission } from './runtime/job-master.js';
export type { Frame, ControlElement } from './runtime/frame.js';
export { MAX_WATERMARK, MIN_WATERMARK } from './runtime/frame.js';
export { channelKey } from './runtime/transport.js';
export type { ChannelAddress, ChannelReceiver, ChannelSender, ReceiverListener, SenderListener, Transport } from './runtime/transport.js';
export { InProcessTransport } from './runtime/in-process-transport.js';
export { ChannelWriter } from './runtime/channel-writer.js';
export { ChannelReader, DEFAULT_INITIAL_CREDITS } from './runtime/channel-reader.js';
export { encodeFrame, decodeFrame } from './runtime/frame-codec.js';
