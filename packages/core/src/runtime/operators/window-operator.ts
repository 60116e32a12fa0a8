/**
 * The window operator (Flink's `WindowOperator` and `EvictingWindowOperator`): assigns each record to windows, keeps
 * the window contents in keyed state under the window's namespace (reduced, aggregated, or as a list), asks the
 * trigger on every element and timer, evaluates the window function on FIRE, clears on PURGE, drops or side-outputs
 * late records, merges session windows (and their state) through a `MergingWindowSet` kept in keyed state, and
 * cleans a window up at `maxTimestamp + allowedLateness`. Results carry the timestamp `window.maxTimestamp()` and
 * are emitted before the watermark that fired them is forwarded.
 *
 * The logic is written once as step functions run by `runSteps`, so it stays synchronous (no promise per record)
 * with the memory backend and the built-in triggers, and becomes asynchronous only where a backend or a user
 * function is.
 */
import type { OutputTag } from '../../api/output-tag.js';
import type { ProcessWindowContext, KeyedStateStore } from '../../functions/window-functions.js';
import type { AggregateFunction } from '../../state/aggregate-function.js';
import { AggregatingStateDescriptor } from '../../state/aggregating-state-descriptor.js';
import type { KeyedStateBackend } from '../../state/keyed-state-backend.js';
import type { InternalKvState, InternalMergingState, InternalListState, InternalReducingState, InternalValueState } from '../../state/internal-state.js';
import { isThenable } from '../../state/maybe-async.js';
import { checkStateValue } from '../../state/state-key.js';
import { ListStateDescriptor } from '../../state/list-state-descriptor.js';
import { ReducingStateDescriptor } from '../../state/reducing-state-descriptor.js';
import type { Timer } from '../../state/timer-queue.js';
import { ValueStateDescriptor } from '../../state/value-state-descriptor.js';
import { EventTimeTrigger } from '../../windowing/event-time-trigger.js';
import type { Evictor, TimestampedValue } from '../../windowing/evictor.js';
import { ProcessingTimeTrigger } from '../../windowing/processing-time-trigger.js';
import { PurgingTrigger } from '../../windowing/purging-trigger.js';
import { MergingWindowSet, type MergingWindowSetPlain } from '../../windowing/merging-window-set.js';
import type { OnMergeContext, Trigger, TriggerReducingState, TriggerStateDescriptor } from '../../windowing/trigger.js';
import type { TriggerResult } from '../../windowing/trigger-result.js';
import { isMergingWindowAssigner, type MergingWindowAssigner, type WindowAssigner } from '../../windowing/window-assigner.js';
import { windowFromId } from '../../windowing/window-from-id.js';
import { cleanupTime, isCleanupTime, isElementLate, isWindowLate } from '../../windowing/window-lateness.js';
import type { Window } from '../../windowing/window.js';
import { runSteps, type Steps } from '../coroutine.js';
import type { Counter } from '../metrics.js';
import { MAX_WATERMARK } from '../frame.js';
import { OrderedEmitter } from '../ordered-emitter.js';
import { isPromise, type MaybePromise, type OperatorContext, type Output } from '../stream-operator.js';
import { AbstractKeyedOperator } from './abstract-keyed-operator.js';
import type { InternalWindowFunction } from './internal-window-function.js';
import { shallowCopy } from './keyed-aggregation-operator.js';

/** How the window contents are kept. */
export type WindowContents =
  | { readonly kind: 'reduce'; readonly reduce: (a: unknown, b: unknown) => unknown }
  | { readonly kind: 'aggregate'; readonly aggregate: AggregateFunction<unknown, unknown, unknown> }
  | { readonly kind: 'list' };

/** The configuration of a window operator. */
export interface WindowOperatorConfig {
  readonly assigner: WindowAssigner<unknown, Window>;
  readonly trigger: Trigger<unknown, Window>;
  readonly evictor: Evictor<unknown, Window> | undefined;
  readonly allowedLateness: number;
  readonly lateDataTag: OutputTag<unknown> | undefined;
  readonly contents: WindowContents;
  readonly windowFunction: InternalWindowFunction;
}

const CONTENTS = '_weir_window_contents';
const MERGING_WINDOWS = '_weir_merging_windows';

type ContentsState = InternalListState<unknown> | InternalReducingState<unknown> | InternalListState<TimestampedValue<unknown>>;

/** The operator of `window(...)` on a keyed stream, and of `windowAll`, `countWindow` and window joins. */
export class WindowOperator extends AbstractKeyedOperator {
  private contents!: ContentsState;
  private mergingWindows: InternalValueState<MergingWindowSetPlain> | undefined;
  private readonly merging: boolean;
  private readonly eventTime: boolean;
  /** True when the element path may run without a step function (see `processElementFast`). */
  private synchronous = false;
  /**
   * True when the trigger's timer on CONTINUE is the cleanup timer itself (the default trigger of the assigner's time
   * domain, no allowed lateness): registering the cleanup timer again would only find the same timer.
   */
  private triggerRegistersCleanupTime = false;
  /**
   * True for the most common window of all: event time, the plain `EventTimeTrigger`, reduce or aggregate contents,
   * synchronous state. Then the element path needs no trigger call (see `processElementEventTime`).
   */
  private eventTimeAggregation = false;
  /** The backend keeps values by reference: an accumulator changed in place is already stored. */
  private byReference = false;
  /** The window of the last timer that fired (timers of one window fire one after the other, one per key). */
  private lastTimerWindow: Window | undefined;
  private emitter!: OrderedEmitter;
  private readonly triggerContext = new WindowTriggerContext(this);
  private readonly windowContext = new WindowProcessContext(this);
  private readonly assignerContext = { getCurrentProcessingTime: () => this.context.processingTimeService.getCurrentProcessingTime() };
  private lateRecordsDropped: Counter | undefined;

  /** Records dropped because every window they belong to was late (the metric `numLateRecordsDropped`). */
  get numLateRecordsDropped(): number {
    return this.lateRecordsDropped?.getCount() ?? 0;
  }

  /** Creates the operator. */
  constructor(private readonly config: WindowOperatorConfig) {
    super();
    this.merging = isMergingWindowAssigner(config.assigner);
    this.eventTime = config.assigner.isEventTime();
  }

  protected userFunctions(): readonly unknown[] {
    const f = this.config.windowFunction.userFunction;
    const contents = this.config.contents;
    return [...(f === undefined ? [] : [f]), ...(contents.kind === 'aggregate' ? [contents.aggregate] : [])];
  }

  override setup(context: OperatorContext, output: Output): void {
    super.setup(context, output);
    this.emitter = new OrderedEmitter(output);
  }

  protected override initializeState(): void {
    const backend = this.keyedBackend;
    const c = this.config.contents;
    if (this.config.evictor !== undefined || c.kind === 'list') {
      this.contents = backend.getInternalState(new ListStateDescriptor<unknown>(CONTENTS));
    } else if (c.kind === 'reduce') {
      this.contents = backend.getInternalState(new ReducingStateDescriptor<unknown>(CONTENTS, c.reduce));
    } else {
      this.contents = backend.getInternalState(new AggregatingStateDescriptor(CONTENTS, c.aggregate));
    }
    if (this.merging) this.mergingWindows = backend.getInternalState(new ValueStateDescriptor<MergingWindowSetPlain>(MERGING_WINDOWS));
    this.synchronous =
      backend.supports.synchronousAccess && !this.merging && this.config.evictor === undefined && isSynchronousTrigger(this.config.trigger);
    const base = baseTrigger(this.config.trigger);
    this.eventTimeAggregation = this.synchronous && this.eventTime && this.config.trigger instanceof EventTimeTrigger && c.kind !== 'list';
    this.byReference = backend.supports.valuesByReference === true;
    this.triggerRegistersCleanupTime =
      this.config.allowedLateness === 0 && (this.eventTime ? base instanceof EventTimeTrigger : base instanceof ProcessingTimeTrigger);
  }

  /** @internal The keyed backend, for the contexts. */
  backend(): KeyedStateBackend {
    return this.keyedBackend;
  }

  /** @internal The operator context, for the contexts. */
  contextForWindows(): OperatorContext {
    return this.context;
  }

  /** @internal The current watermark, for the contexts. */
  currentWatermarkValue(): number {
    return this.watermark;
  }

  /** @internal Timer registration for the trigger context. */
  timer(domain: 'event' | 'processing', action: 'register' | 'delete', time: number, namespace: string): void {
    if (domain === 'event') {
      if (action === 'register') this.registerEventTimeTimer(time, namespace);
      else this.deleteEventTimeTimer(time, namespace);
    } else if (action === 'register') this.registerProcessingTimeTimer(time, namespace);
    else this.deleteProcessingTimeTimer(time, namespace);
  }

  /** @internal Emits to a side output from a window function. */
  sideOutput(tagId: string, value: unknown): void {
    this.emitter.collectSide(tagId, value);
  }

  processElement(value: unknown, timestamp: number | undefined): MaybePromise {
    let windows: Window[];
    try {
      this.setKeyOf(value, 0);
      windows = this.config.assigner.assignWindows(value, timestamp, this.assignerContext);
    } catch (e) {
      throw this.userError(e);
    }
    if (this.merging) return this.guardSteps(this.processMerging(value, timestamp, windows));
    if (this.eventTimeAggregation) return this.processElementEventTime(value, timestamp, windows);
    if (this.synchronous) return this.processElementFast(value, timestamp, windows);
    return this.guardSteps(this.processElementSteps(value, timestamp, windows, 0, true));
  }

  /**
   * The common case without a generator: synchronous state (memory backend), a built-in synchronous trigger, no
   * evictor, no merging. Adding to the contents and asking the trigger happen here; a FIRE or PURGE on an element
   * (a late firing) hands the rest of the element to the step function.
   */
  private processElementFast(value: unknown, timestamp: number | undefined, windows: Window[]): MaybePromise {
    let skipped = true;
    try {
      for (let i = 0; i < windows.length; i++) {
        const window = windows[i];
        if (isWindowLate(window, this.config.allowedLateness, this.watermark, this.config.assigner)) continue;
        skipped = false;
        this.contents.setCurrentNamespace(window.id);
        void (this.contents as InternalListState<unknown>).add(value);
        this.triggerContext.window = window;
        const result = this.config.trigger.onElement(value, timestamp, window, this.triggerContext) as TriggerResult;
        if (result.isFire() || result.isPurge()) {
          return this.guardSteps(this.afterTrigger(value, timestamp, windows, i, result));
        }
        if (!this.triggerRegistersCleanupTime) this.registerCleanupTimer(window);
      }
    } catch (e) {
      throw this.userError(e);
    }
    return skipped ? this.handleLateElement(value, timestamp) : undefined;
  }

  /**
   * The element path of `eventTimeAggregation`. `EventTimeTrigger.onElement` on a window the watermark has not passed
   * registers the end-of-window timer and continues; that timer stays registered until the window fires or is
   * cleaned up, which also clears its contents. So the timers need registering only when the window's contents are
   * created: a window with contents already has them. A window the watermark has passed (a late firing within the
   * allowed lateness) takes the general path.
   */
  private processElementEventTime(value: unknown, timestamp: number | undefined, windows: Window[]): MaybePromise {
    const watermark = this.watermark;
    const lateness = this.config.allowedLateness;
    const contents = this.contents as InternalMergingState<unknown, unknown, unknown>;
    const c = this.config.contents;
    let skipped = true;
    try {
      for (let i = 0; i < windows.length; i++) {
        const window = windows[i];
        const maxTimestamp = window.maxTimestamp();
        if (cleanupTime(window, lateness, true) <= watermark) continue;
        if (maxTimestamp <= watermark) return this.guardSteps(this.processElementSteps(value, timestamp, windows, i, skipped));
        skipped = false;
        contents.setCurrentNamespace(window.id);
        const stored = contents.getInternal();
        let next: unknown;
        checkStateValue(value, CONTENTS, 'window contents');
        if (c.kind === 'aggregate') {
          next = c.aggregate.add(value, stored === undefined ? c.aggregate.createAccumulator() : stored);
        } else if (c.kind === 'reduce') {
          next = stored === undefined ? value : c.reduce(stored, value);
        }
        if (next === undefined) void contents.clear();
        else if (next !== stored || !this.byReference) void contents.updateInternal(next);
        if (stored === undefined) {
          this.registerEventTimeTimer(maxTimestamp, window.id);
          if (lateness > 0) this.registerCleanupTimer(window);
        }
      }
    } catch (e) {
      throw this.userError(e);
    }
    return skipped ? this.handleLateElement(value, timestamp) : undefined;
  }

  private *afterTrigger(value: unknown, timestamp: number | undefined, windows: Window[], index: number, result: TriggerResult): Steps {
    const window = windows[index];
    if (result.isFire()) yield* this.emitWindowContents(window, window);
    if (result.isPurge()) {
      this.contents.setCurrentNamespace(window.id);
      yield this.contents.clear();
    }
    this.registerCleanupTimer(window);
    yield* this.processElementSteps(value, timestamp, windows, index + 1, false);
  }

  private *processElementSteps(value: unknown, timestamp: number | undefined, windows: Window[], from: number, skippedSoFar: boolean): Steps {
    let skipped = skippedSoFar;
    for (let i = from; i < windows.length; i++) {
      const window = windows[i];
      if (isWindowLate(window, this.config.allowedLateness, this.watermark, this.config.assigner)) continue;
      skipped = false;
      this.contents.setCurrentNamespace(window.id);
      yield this.addToContents(value, timestamp);
      this.triggerContext.window = window;
      const result = (yield this.config.trigger.onElement(value, timestamp, window, this.triggerContext)) as TriggerResult;
      if (result.isFire()) yield* this.emitWindowContents(window, window);
      if (result.isPurge()) {
        this.contents.setCurrentNamespace(window.id);
        yield this.contents.clear();
      }
      this.registerCleanupTimer(window);
    }
    if (skipped) yield this.handleLateElement(value, timestamp);
  }

  private *processMerging(value: unknown, timestamp: number | undefined, windows: Window[]): Steps {
    const set = (yield* this.loadMergingWindows());
    let skipped = true;
    for (const window of windows) {
      const actual = (yield set.addWindow(window, (mergeResult, mergedWindows, stateWindowResult, mergedStateWindows) =>
        runSteps(this.mergeSteps(mergeResult, mergedWindows, stateWindowResult, mergedStateWindows)),
      )) as Window;
      if (isWindowLate(actual, this.config.allowedLateness, this.watermark, this.config.assigner)) {
        set.retireWindow(actual);
        continue;
      }
      skipped = false;
      const stateWindow = set.getStateWindow(actual)!;
      this.contents.setCurrentNamespace(stateWindow.id);
      yield this.addToContents(value, timestamp);
      this.triggerContext.window = actual;
      const result = (yield this.config.trigger.onElement(value, timestamp, actual, this.triggerContext)) as TriggerResult;
      if (result.isFire()) yield* this.emitWindowContents(actual, stateWindow);
      if (result.isPurge()) {
        this.contents.setCurrentNamespace(stateWindow.id);
        yield this.contents.clear();
      }
      this.registerCleanupTimer(actual);
    }
    yield this.persistMergingWindows(set);
    if (skipped) yield this.handleLateElement(value, timestamp);
  }

  private *mergeSteps(mergeResult: Window, mergedWindows: Window[], stateWindowResult: Window, mergedStateWindows: Window[]): Steps {
    if (this.eventTime && isWindowLate(mergeResult, this.config.allowedLateness, this.watermark, this.config.assigner)) {
      throw new TypeError(`The end timestamp of an event-time window cannot become earlier than the current watermark by merging (${mergeResult.toString()})`);
    }
    this.triggerContext.window = mergeResult;
    this.triggerContext.mergedWindows = mergedWindows;
    yield this.config.trigger.onMerge(mergeResult, this.triggerContext);
    for (const merged of mergedWindows) {
      this.triggerContext.window = merged;
      yield this.config.trigger.clear(merged, this.triggerContext);
      this.deleteCleanupTimer(merged);
    }
    yield (this.contents as InternalListState<unknown>).mergeNamespaces(
      stateWindowResult.id,
      mergedStateWindows.map((w) => w.id),
    );
  }

  private addToContents(value: unknown, timestamp: number | undefined): unknown {
    if (this.config.evictor !== undefined) return (this.contents as InternalListState<TimestampedValue<unknown>>).add({ value, timestamp });
    return (this.contents as InternalListState<unknown>).add(value);
  }

  private handleLateElement(value: unknown, timestamp: number | undefined): MaybePromise {
    if (timestamp === undefined || !isElementLate(timestamp, this.config.allowedLateness, this.watermark, this.config.assigner)) return undefined;
    const tag = this.config.lateDataTag;
    if (tag !== undefined) {
      this.emitter.timestamp = timestamp;
      this.emitter.collectSide(tag.id, value);
      return this.emitter.drain();
    } else {
      (this.lateRecordsDropped ??= this.context.metrics.counter('numLateRecordsDropped')).inc();
    }
    return undefined;
  }

  protected onEventTime(timer: Timer): MaybePromise {
    if (this.synchronous) return this.onTimerFast(timer, true);
    return this.guardSteps(this.onTimerSteps(timer, true));
  }

  protected onProcessingTime(timer: Timer): MaybePromise {
    if (this.synchronous) return this.onTimerFast(timer, false);
    return this.guardSteps(this.onTimerSteps(timer, false));
  }

  /** The window a timer belongs to (the last one again when it has the same id). */
  private windowOfTimer(id: string): Window {
    const last = this.lastTimerWindow;
    if (last !== undefined && last.id === id) return last;
    return (this.lastTimerWindow = windowFromId(id));
  }

  /**
   * `onTimerSteps` without a step function, for `synchronous` operators (synchronous state and trigger, no merging,
   * no evictor): only the window function may be asynchronous, and then the rest follows its promise.
   */
  private onTimerFast(timer: Timer, eventTimeTimer: boolean): MaybePromise {
    let result: TriggerResult;
    let window: Window;
    let fired: MaybePromise;
    try {
      window = this.windowOfTimer(timer.namespace);
      this.triggerContext.window = window;
      const trigger = this.config.trigger;
      result = (eventTimeTimer ? trigger.onEventTime(timer.timestamp, window, this.triggerContext) : trigger.onProcessingTime(timer.timestamp, window, this.triggerContext)) as TriggerResult;
      fired = result.isFire() ? this.emitWindowContentsNow(window) : undefined;
    } catch (e) {
      throw this.userError(e);
    }
    if (isPromise(fired)) return fired.then(() => this.afterTimerFired(timer, window, result, eventTimeTimer), (e: unknown) => {
      throw this.userError(e);
    });
    return this.afterTimerFired(timer, window, result, eventTimeTimer);
  }

  private afterTimerFired(timer: Timer, window: Window, result: TriggerResult, eventTimeTimer: boolean): MaybePromise {
    let cleared: unknown;
    try {
      if (this.eventTimeAggregation) {
        // EventTimeTrigger.clear would delete the end-of-window timer, which has always fired by the cleanup time.
        if (timer.timestamp !== cleanupTime(window, this.config.allowedLateness, true)) return undefined;
        this.contents.setCurrentNamespace(window.id);
        void this.contents.clear();
        this.windowContext.window_ = window;
        cleared = this.config.windowFunction.clear(this.windowContext);
        return isPromise(cleared) ? cleared.then(undefined, (e: unknown) => { throw this.userError(e); }) : undefined;
      }
      if (result.isPurge()) {
        this.contents.setCurrentNamespace(window.id);
        void this.contents.clear();
      }
      if (this.eventTime !== eventTimeTimer || !isCleanupTime(window, timer.timestamp, this.config.allowedLateness, this.eventTime)) return undefined;
      this.contents.setCurrentNamespace(window.id);
      void this.contents.clear();
      this.triggerContext.window = window;
      void this.config.trigger.clear(window, this.triggerContext);
      this.windowContext.window_ = window;
      cleared = this.config.windowFunction.clear(this.windowContext);
    } catch (e) {
      throw this.userError(e);
    }
    if (isPromise(cleared)) return cleared.then(undefined, (e: unknown) => {
      throw this.userError(e);
    });
    return undefined;
  }

  /** `emitWindowContents` for synchronous state without an evictor: returns a promise only for an asynchronous window function. */
  private emitWindowContentsNow(window: Window): MaybePromise {
    this.contents.setCurrentNamespace(window.id);
    const input = this.windowInput((this.contents as InternalKvState & { get(): unknown }).get());
    if (input === undefined) return undefined;
    const returned = this.callWindowFunction(window, input);
    const emitter = this.emitter;
    if (isThenable(returned)) return Promise.resolve(returned).then(() => emitter.drain());
    return emitter.drain();
  }

  /** What the window function gets from the stored contents (without an evictor), or undefined for an empty window. */
  private windowInput(stored: unknown): readonly unknown[] | undefined {
    if (this.config.contents.kind === 'list') {
      // A copy: the stored list keeps growing, and what the function emits must not change afterwards.
      const input = [...(stored as readonly unknown[])];
      return input.length === 0 ? undefined : input;
    }
    if (stored === undefined) return undefined;
    return [this.config.contents.kind === 'reduce' ? shallowCopy(stored) : stored];
  }

  /**
   * Calls the window function on `input` with the emitter's timestamp set to the window's; items of an iterable it
   * returns are emitted. Returns what else it returned (a promise of an asynchronous function), for the caller to
   * wait on before `emitter.drain()`.
   */
  private callWindowFunction(window: Window, input: readonly unknown[]): unknown {
    const emitter = this.emitter;
    emitter.timestamp = window.maxTimestamp();
    this.windowContext.window_ = window;
    let returned: unknown;
    try {
      returned = this.config.windowFunction.process(this.currentKey(), this.windowContext, input, emitter);
    } catch (e) {
      emitter.abandon();
      throw e;
    }
    if (returned !== undefined && returned !== null && typeof (returned as Iterable<unknown>)[Symbol.iterator] === 'function') {
      emitter.collectAll(returned as Iterable<unknown>);
      return undefined;
    }
    return returned;
  }

  private *onTimerSteps(timer: Timer, eventTimeTimer: boolean): Steps {
    const window = windowFromId(timer.namespace);
    let set: MergingWindowSet<Window> | undefined;
    let stateWindow: Window | undefined = window;
    if (this.merging) {
      set = (yield* this.loadMergingWindows());
      stateWindow = set.getStateWindow(window);
      if (stateWindow === undefined) return; // the window merged away; its timer is stale
    }
    this.triggerContext.window = window;
    const trigger = this.config.trigger;
    const result = (yield eventTimeTimer
      ? trigger.onEventTime(timer.timestamp, window, this.triggerContext)
      : trigger.onProcessingTime(timer.timestamp, window, this.triggerContext)) as TriggerResult;
    if (result.isFire()) yield* this.emitWindowContents(window, stateWindow);
    if (result.isPurge()) {
      this.contents.setCurrentNamespace(stateWindow.id);
      yield this.contents.clear();
    }
    if (this.eventTime === eventTimeTimer && isCleanupTime(window, timer.timestamp, this.config.allowedLateness, this.eventTime)) {
      yield* this.clearAllState(window, stateWindow, set);
    }
    if (set !== undefined) yield this.persistMergingWindows(set);
  }

  private *clearAllState(window: Window, stateWindow: Window, set: MergingWindowSet<Window> | undefined): Steps {
    this.contents.setCurrentNamespace(stateWindow.id);
    yield this.contents.clear();
    this.triggerContext.window = window;
    yield this.config.trigger.clear(window, this.triggerContext);
    this.windowContext.window_ = window;
    yield this.config.windowFunction.clear(this.windowContext);
    set?.retireWindow(window);
  }

  private *emitWindowContents(window: Window, stateWindow: Window): Steps {
    this.contents.setCurrentNamespace(stateWindow.id);
    const stored = yield (this.contents as InternalKvState & { get(): unknown }).get();
    let input: readonly unknown[];
    let elements: TimestampedValue<unknown>[] | undefined;
    const evictor = this.config.evictor;
    if (evictor !== undefined) {
      elements = [...(stored as readonly TimestampedValue<unknown>[])];
      if (elements.length === 0) return;
      yield evictor.evictBefore(elements, elements.length, window, this.windowContext);
      input = elements.map((e) => e.value);
    } else {
      const contents = this.windowInput(stored);
      if (contents === undefined) return;
      input = contents;
    }
    const emitter = this.emitter;
    let returned: unknown;
    try {
      returned = this.callWindowFunction(window, input);
    } catch (e) {
      throw this.userError(e);
    }
    if (returned !== undefined) {
      yield returned;
    }
    yield emitter.drain();
    if (evictor !== undefined && elements !== undefined) {
      yield evictor.evictAfter(elements, elements.length, window, this.windowContext);
      this.contents.setCurrentNamespace(stateWindow.id);
      yield (this.contents as InternalListState<TimestampedValue<unknown>>).update(elements);
    }
  }

  private registerCleanupTimer(window: Window): void {
    const time = cleanupTime(window, this.config.allowedLateness, this.eventTime);
    if (time === MAX_WATERMARK) return;
    this.timer(this.eventTime ? 'event' : 'processing', 'register', time, window.id);
  }

  private deleteCleanupTimer(window: Window): void {
    const time = cleanupTime(window, this.config.allowedLateness, this.eventTime);
    if (time === MAX_WATERMARK) return;
    this.timer(this.eventTime ? 'event' : 'processing', 'delete', time, window.id);
  }

  private *loadMergingWindows(): Generator<unknown, MergingWindowSet<Window>, any> {
    const plain = (yield this.mergingWindows!.value()) as MergingWindowSetPlain | undefined;
    return MergingWindowSet.fromPlain(this.config.assigner as MergingWindowAssigner<unknown, Window>, plain);
  }

  private persistMergingWindows(set: MergingWindowSet<Window>): unknown {
    if (!set.hasChanged()) return undefined;
    return set.size === 0 ? this.mergingWindows!.clear() : this.mergingWindows!.update(set.toPlain());
  }

  private guardSteps(steps: Steps): MaybePromise {
    let r: MaybePromise;
    try {
      r = runSteps(steps);
    } catch (e) {
      throw this.userError(e);
    }
    if (r === undefined) return undefined;
    return r.then(undefined, (e: unknown) => {
      throw this.userError(e);
    });
  }
}

/** The built-in triggers whose `onElement` never returns a promise (and whose wrappers keep that). */
function isSynchronousTrigger(trigger: Trigger<unknown, Window>): boolean {
  const base = baseTrigger(trigger);
  return base instanceof EventTimeTrigger || base instanceof ProcessingTimeTrigger;
}

/** The trigger inside any `PurgingTrigger`s. */
function baseTrigger(trigger: Trigger<unknown, Window>): Trigger<unknown, Window> {
  return trigger instanceof PurgingTrigger ? baseTrigger(trigger.nestedTrigger as Trigger<unknown, Window>) : trigger;
}

/** The trigger context of the current key and window. */
class WindowTriggerContext implements OnMergeContext {
  window!: Window;
  mergedWindows: Window[] = [];
  private readonly states = new Map<string, InternalReducingState<number>>();

  constructor(private readonly operator: WindowOperator) {}

  getCurrentProcessingTime(): number {
    return this.operator.contextForWindows().processingTimeService.getCurrentProcessingTime();
  }

  getCurrentWatermark(): number {
    return this.operator.currentWatermarkValue();
  }

  registerProcessingTimeTimer(time: number): void {
    this.operator.timer('processing', 'register', time, this.window.id);
  }

  registerEventTimeTimer(time: number): void {
    this.operator.timer('event', 'register', time, this.window.id);
  }

  deleteProcessingTimeTimer(time: number): void {
    this.operator.timer('processing', 'delete', time, this.window.id);
  }

  deleteEventTimeTimer(time: number): void {
    this.operator.timer('event', 'delete', time, this.window.id);
  }

  getPartitionedState(descriptor: TriggerStateDescriptor): TriggerReducingState {
    const state = this.state(descriptor);
    const namespace = this.window.id;
    return {
      get: () => {
        state.setCurrentNamespace(namespace);
        return state.get();
      },
      add: (v) => {
        state.setCurrentNamespace(namespace);
        return state.add(v);
      },
      clear: () => {
        state.setCurrentNamespace(namespace);
        return state.clear();
      },
    };
  }

  mergePartitionedState(descriptor: TriggerStateDescriptor): MaybePromise {
    if (this.mergedWindows.length === 0) return undefined;
    const r = this.state(descriptor).mergeNamespaces(
      this.window.id,
      this.mergedWindows.map((w) => w.id),
    );
    return r instanceof Promise ? r : undefined;
  }

  private state(descriptor: TriggerStateDescriptor): InternalReducingState<number> {
    let state = this.states.get(descriptor.name);
    if (state === undefined) {
      state = this.operator.backend().getInternalState(new ReducingStateDescriptor<number>(`_weir_trigger_${descriptor.name}`, descriptor.reduceFn));
      this.states.set(descriptor.name, state);
    }
    return state;
  }
}

/** The context handed to window functions and evictors. */
class WindowProcessContext implements ProcessWindowContext {
  window_!: Window;

  constructor(private readonly operator: WindowOperator) {}

  window(): Window {
    return this.window_;
  }

  currentProcessingTime(): number {
    return this.operator.contextForWindows().processingTimeService.getCurrentProcessingTime();
  }

  getCurrentProcessingTime(): number {
    return this.currentProcessingTime();
  }

  currentWatermark(): number {
    return this.operator.currentWatermarkValue();
  }

  getCurrentWatermark(): number {
    return this.currentWatermark();
  }

  windowState(): KeyedStateStore {
    return this.store(this.window_.id);
  }

  globalState(): KeyedStateStore {
    return this.store('');
  }

  output<X>(tag: OutputTag<X>, value: X): void {
    this.operator.sideOutput(tag.id, value);
  }

  private store(namespace: string): KeyedStateStore {
    const backend = this.operator.backend();
    return {
      getState: (d) => backend.getState(d, namespace),
      getListState: (d) => backend.getListState(d, namespace),
      getMapState: (d) => backend.getMapState(d, namespace),
      getReducingState: (d) => backend.getReducingState(d, namespace),
      getAggregatingState: (d) => backend.getAggregatingState(d, namespace),
    };
  }
}
