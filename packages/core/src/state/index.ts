/**
 * Keyed state of weir (Flink's keyed state): descriptors, the public async state interfaces, time-to-live, the
 * `StateBackend` / `KeyedStateBackend` template for pluggable backends with the in-memory one, the internal
 * maybe-async interfaces that built-in operators use, snapshots grouped by key group (rescaling) and incremental
 * snapshot deltas folded into them, and timer queues.
 *
 * @example
 * ```ts
 * import { MemoryStateBackend, ValueStateDescriptor } from './state/index.js';
 *
 * const backend = await new MemoryStateBackend().createKeyedStateBackend({
 *   operatorId: 'counter', maxParallelism: 128, parallelism: 1, subtaskIndex: 0,
 * });
 * const count = backend.getState(new ValueStateDescriptor<number>('count', 0));
 * backend.setCurrentKey('alice');
 * await count.update((await count.value())! + 1);
 * const snapshot = await backend.snapshot(); // plain data, grouped by key group
 * await backend.close();
 * ```
 */

// Descriptors and time-to-live
export { StateDescriptor, STATE_TYPES, isStateType } from './state-descriptor.js';
export type { StateType } from './state-descriptor.js';
export { ValueStateDescriptor } from './value-state-descriptor.js';
export { ListStateDescriptor } from './list-state-descriptor.js';
export { MapStateDescriptor } from './map-state-descriptor.js';
export { ReducingStateDescriptor } from './reducing-state-descriptor.js';
export { AggregatingStateDescriptor } from './aggregating-state-descriptor.js';
export type { AggregateFunction } from './aggregate-function.js';
export { StateTtlConfig, StateTtlConfigBuilder, StateVisibility, UpdateType } from './state-ttl-config.js';
export { systemTtlTimeProvider } from './ttl-time-provider.js';
export type { TtlTimeProvider } from './ttl-time-provider.js';

// The public, async state interfaces
export type { AggregatingState, ListState, MapState, MapStateKey, ReducingState, State, ValueState } from './state.js';

// Backends
export type { KeyedStateBackendParameters, StateBackend } from './state-backend.js';
export { KeyedStateBackend } from './keyed-state-backend.js';
export type { KeyContext, KeyedStateBackendStatus, KeyedStateBackendSupports, RawStateInfo } from './keyed-state-backend.js';
export { MemoryStateBackend } from './memory-state-backend.js';
export { MemoryKeyedStateBackend } from './memory-keyed-state-backend.js';
export { keyGroupRangeContains, keyGroupRangeOf } from './key-group-range.js';
export type { KeyGroupRange } from './key-group-range.js';

// Snapshots
export {
  KEYED_STATE_DELTA_VERSION,
  KEYED_STATE_SNAPSHOT_VERSION,
  applyKeyedStateDelta,
  isTtlValue,
  selectKeyGroups,
} from './keyed-state-snapshot.js';
export type {
  DeletedStateEntry,
  KeyedStateDelta,
  KeyedStateSnapshot,
  KeyGroupDelta,
  KeyGroupSnapshot,
  SelectedKeyGroups,
  StateEntry,
  StateDelta,
  StateShape,
  StateSnapshot,
  TtlValue,
} from './keyed-state-snapshot.js';

// Internal, maybe-async state (for built-in operators and backend implementations)
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
} from './internal-state.js';
export { afterMaybe, isThenable, thenMaybe, toPromise } from './maybe-async.js';
export type { MaybeAsync } from './maybe-async.js';
export { checkStateValue, isKey, mapKeyIdentity } from './state-key.js';
export type { KeyIdentity } from './state-key.js';

// Timers
export { TimerQueue, TIMER_QUEUE_SNAPSHOT_VERSION } from './timer-queue.js';
export type { Timer, TimerKeyGroupSnapshot, TimerQueueOptions, TimerQueueSnapshot } from './timer-queue.js';
