/**
 * Windowing, as Flink's `org.apache.flink.streaming.api.windowing`: windows, window assigners, triggers and evictors
 * (the public API), and the pieces the window operator drives them with (the merging window set, lateness rules,
 * configuration checks).
 *
 * @example
 * ```ts
 * import { CountTrigger, GlobalWindows, PurgingTrigger, Time, TumblingEventTimeWindows } from '@weir/core';
 *
 * keyed.window(TumblingEventTimeWindows.of(Time.seconds(5))).sum(1);
 * keyed.window(GlobalWindows.create()).trigger(PurgingTrigger.of(CountTrigger.of(100))).reduce((a, b) => a + b);
 * ```
 */

// --- Public API -----------------------------------------------------------------------------------------------------

export type { MergeCallback, Window } from './window.js';
export { TimeWindow } from './time-window.js';
export { GlobalWindow } from './global-window.js';

export { WindowAssigner, MergingWindowAssigner } from './window-assigner.js';
export type { WindowAssignerContext } from './window-assigner.js';
export { TumblingEventTimeWindows, TumblingProcessingTimeWindows } from './tumbling-windows.js';
export { SlidingEventTimeWindows, SlidingProcessingTimeWindows } from './sliding-windows.js';
export {
  EventTimeSessionWindows,
  ProcessingTimeSessionWindows,
  DynamicEventTimeSessionWindows,
  DynamicProcessingTimeSessionWindows,
} from './session-windows.js';
export type { SessionWindowTimeGapExtractor } from './session-windows.js';
export { GlobalWindows, NeverTrigger, EndOfStreamTrigger } from './global-windows.js';

export { TriggerResult } from './trigger-result.js';
export type { TriggerResultName } from './trigger-result.js';
export { Trigger } from './trigger.js';
export type { MaybePromise, OnMergeContext, TriggerContext, TriggerReducingState, TriggerStateDescriptor } from './trigger.js';
export { EventTimeTrigger } from './event-time-trigger.js';
export { ProcessingTimeTrigger } from './processing-time-trigger.js';
export { CountTrigger } from './count-trigger.js';
export { PurgingTrigger } from './purging-trigger.js';
export { ContinuousEventTimeTrigger } from './continuous-event-time-trigger.js';
export { ContinuousProcessingTimeTrigger } from './continuous-processing-time-trigger.js';

export type { Evictor, EvictorContext, TimestampedValue } from './evictor.js';
export { CountEvictor } from './count-evictor.js';
export { TimeEvictor } from './time-evictor.js';

// --- For the window operator (internal: not for the package's public entry) ----------------------------------------

export { windowFromId } from './window-from-id.js';
export { isMergingWindowAssigner } from './window-assigner.js';
export { MergingWindowSet } from './merging-window-set.js';
export type { MergeFunction, MergingWindowSetPlain, WindowMerger } from './merging-window-set.js';
export { cleanupTime, isCleanupTime, isElementLate, isWindowLate } from './window-lateness.js';
export type { TimeDomain } from './window-lateness.js';
export { checkAllowedLateness, checkWindowConfiguration } from './window-configuration.js';
export { requireTimestamp } from './missing-timestamp.js';
