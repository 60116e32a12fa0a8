/**
 * `@weir/core/internal`: building blocks for backends, connectors and the runtime packages of weir. Unstable: these
 * names may change between minor versions; jobs should use `@weir/core`.
 */
export {
  afterMaybe,
  checkStateValue,
  isKey,
  isThenable,
  isTtlValue,
  keyGroupRangeContains,
  mapKeyIdentity,
  selectKeyGroups,
  thenMaybe,
  TimerQueue,
  TIMER_QUEUE_SNAPSHOT_VERSION,
  toPromise,
} from './state/index.js';
export type {
  InternalAggregatingState,
  InternalAppendingState,
  InternalKeyedState,
  InternalKvState,
  InternalListState,
  InternalMapState,
  InternalMergingState,
  InternalReducingState,
  InternalStateOf,
  InternalValueState,
  KeyIdentity,
  MaybeAsync,
  SelectedKeyGroups,
  StateEntry,
  StateShape,
  Timer,
  TimerKeyGroupSnapshot,
  TimerQueueOptions,
  TimerQueueSnapshot,
  TtlValue,
} from './state/index.js';
export { StreamTask } from './runtime/stream-task.js';
export { TaskManager } from './runtime/task-manager.js';
export type { DeployedTask, TaskManagerGateway } from './runtime/task-manager.js';
export { JobMaster } from './runtime/job-master.js';
export type { JobSubmission } from './runtime/job-master.js';
export type { TaskDeployment, TaskHandle, TaskMail, TaskOutcome, TaskServices, TaskSettings } from './runtime/task-deployment.js';
export { ManualProcessingTimeService } from './runtime/processing-time-service.js';
export type { ProcessingTimeService } from './runtime/processing-time-service.js';
export type { MaybePromise, OperatorContext, Output, StreamOperator, StreamOperatorFactory } from './runtime/stream-operator.js';
export { FRAME_FORMAT_VERSION } from './runtime/frame-codec.js';
export { MAP_EXTENSION_TYPE, NEGATIVE_ZERO_EXTENSION_TYPE, packValue, prepareValue, prepareValues, unpackValue, valuePackr } from './codec/value-packr.js';
