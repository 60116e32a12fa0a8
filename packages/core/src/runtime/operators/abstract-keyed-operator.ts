/**
 * The base of keyed operators: a keyed state backend of the job's `StateBackend` for the operator's key-group
 * range, the current key set before every record and timer, and event-time and processing-time timers per key and
 * namespace (deduplicated, fired in timestamp order). Event-time timers fire when the watermark reaches them, before
 * the watermark is forwarded; processing-time timers fire as mail of the task. In BATCH mode the processing-time
 * timers still pending fire at the end of input.
 */
import type { OperatorSnapshot } from '../../checkpoint/task-state.js';
import { keyGroupRangeForSubtask, type Key } from '../../keys/key-group.js';
import type { RuntimeContext, TimerService } from '../../functions/user-functions.js';
import type { KeyedStateBackend } from '../../state/keyed-state-backend.js';
import { TimerQueue, type Timer } from '../../state/timer-queue.js';
import { MIN_WATERMARK } from '../frame.js';
import { isPromise, type MaybePromise } from '../stream-operator.js';
import { AbstractStreamOperator } from './abstract-stream-operator.js';

/** A keyed operator: state, current key and timers. */
export abstract class AbstractKeyedOperator extends AbstractStreamOperator {
  protected keyedBackend!: KeyedStateBackend;
  protected eventTimeTimers!: TimerQueue;
  protected processingTimeTimers!: TimerQueue;
  /** The operator's current event-time watermark. */
  protected watermark = MIN_WATERMARK;
  private keySelectors!: readonly ((value: unknown) => Key)[];
  private scheduledWakeup: number | undefined;
  private cancelWakeup: (() => void) | undefined;

  /** Called when an event-time timer fires; the timer's key is the current key. */
  protected abstract onEventTime(timer: Timer): MaybePromise;

  /** Called when a processing-time timer fires; the timer's key is the current key. */
  protected abstract onProcessingTime(timer: Timer): MaybePromise;

  override open(): MaybePromise {
    return this.openKeyed();
  }

  private async openKeyed(): Promise<void> {
    const c = this.context;
    this.keySelectors = (c.keySelectors ?? []).map(
      (k, i) =>
        (k as ((value: unknown) => Key) | undefined) ??
        (() => {
          throw new TypeError(`Input ${i} of operator "${c.name}" is not keyed`);
        }),
    );
    this.keyedBackend = await c.stateBackend.createKeyedStateBackend({
      operatorId: c.operatorId,
      maxParallelism: c.maxParallelism,
      parallelism: c.parallelism,
      subtaskIndex: c.subtaskIndex,
    });
    const options = { maxParallelism: c.maxParallelism, keyGroupRange: keyGroupRangeForSubtask(c.maxParallelism, c.parallelism, c.subtaskIndex) };
    this.eventTimeTimers = new TimerQueue(options);
    this.processingTimeTimers = new TimerQueue(options);
    const restored = c.restored;
    if (restored !== undefined) {
      if (restored.keyed.length > 0) await this.keyedBackend.restore(restored.keyed);
      this.eventTimeTimers.restore(restored.eventTimers);
      this.processingTimeTimers.restore(restored.processingTimers);
      const next = this.processingTimeTimers.peek();
      if (next !== undefined) this.scheduleWakeup(next.timestamp);
    }
    this.initializeState();
    const r = super.open();
    if (r) await r;
  }

  /**
   * Called once the keyed state backend exists and before user functions open (Flink's `initializeState`): the place
   * where operators get their internal states.
   */
  protected initializeState(): void {}

  protected override userRuntimeContext(): RuntimeContext {
    const backend = (): KeyedStateBackend => this.keyedBackend;
    return {
      ...this.context.runtimeContext,
      getState: (d) => backend().getState(d),
      getListState: (d) => backend().getListState(d),
      getMapState: (d) => backend().getMapState(d),
      getReducingState: (d) => backend().getReducingState(d),
      getAggregatingState: (d) => backend().getAggregatingState(d),
    };
  }

  /** Adds the keyed state and the timers to the operator's part of a checkpoint. */
  override snapshotState(checkpointId: number, timestamp: number): Promise<OperatorSnapshot> {
    return this.snapshotKeyed(checkpointId, timestamp);
  }

  private async snapshotKeyed(checkpointId: number, timestamp: number): Promise<OperatorSnapshot> {
    const base = await super.snapshotState(checkpointId, timestamp);
    return {
      ...base,
      keyed: await this.keyedBackend.snapshot(),
      eventTimers: this.eventTimeTimers.snapshot(),
      processingTimers: this.processingTimeTimers.snapshot(),
    };
  }

  /** The operator's keyed state backend (for the test harness and tools). */
  getKeyedStateBackend(): KeyedStateBackend {
    return this.keyedBackend;
  }

  /**
   * The timer service user functions get: timers of the current key in the default namespace, the current watermark
   * and processing time.
   */
  protected userTimerService(): TimerService {
    const checkTime = (time: number): number => {
      if (typeof time !== 'number' || Number.isNaN(time)) throw new TypeError(`A timer needs a numeric timestamp, got ${String(time)}`);
      return time;
    };
    return {
      currentProcessingTime: () => this.context.processingTimeService.getCurrentProcessingTime(),
      currentWatermark: () => this.watermark,
      registerEventTimeTimer: (time) => this.registerEventTimeTimer(checkTime(time)),
      registerProcessingTimeTimer: (time) => this.registerProcessingTimeTimer(checkTime(time)),
      deleteEventTimeTimer: (time) => this.deleteEventTimeTimer(time),
      deleteProcessingTimeTimer: (time) => this.deleteProcessingTimeTimer(time),
    };
  }

  /** Extracts the key of a record of input `inputIndex` and makes it the current key. */
  protected setKeyOf(value: unknown, inputIndex: number): Key {
    // The backend rejects a value that is not a key (TypeError); the caller wraps it with the operator's name.
    const key = this.keySelectors[inputIndex](value);
    this.keyedBackend.setCurrentKey(key);
    return key;
  }

  /** The current key. */
  protected currentKey(): Key {
    return this.keyedBackend.getCurrentKey()!;
  }

  /** Registers an event-time timer for the current key. */
  protected registerEventTimeTimer(time: number, namespace = ''): void {
    this.eventTimeTimers.add(time, this.currentKey(), namespace, this.keyedBackend.currentKeyGroupIndex);
  }

  /** Deletes an event-time timer of the current key. */
  protected deleteEventTimeTimer(time: number, namespace = ''): void {
    this.eventTimeTimers.delete(time, this.currentKey(), namespace, this.keyedBackend.currentKeyGroupIndex);
  }

  /** Registers a processing-time timer for the current key. */
  protected registerProcessingTimeTimer(time: number, namespace = ''): void {
    if (this.processingTimeTimers.add(time, this.currentKey(), namespace, this.keyedBackend.currentKeyGroupIndex)) this.scheduleWakeup(time);
  }

  /** Deletes a processing-time timer of the current key. */
  protected deleteProcessingTimeTimer(time: number, namespace = ''): void {
    this.processingTimeTimers.delete(time, this.currentKey(), namespace, this.keyedBackend.currentKeyGroupIndex);
  }

  override processWatermark(watermark: number): MaybePromise {
    this.watermark = watermark;
    const r = this.fireTimers(this.eventTimeTimers, watermark, (t) => this.onEventTime(t));
    if (r !== undefined) return r.then(() => this.downstream.emitWatermark(watermark));
    return this.downstream.emitWatermark(watermark);
  }

  override finish(): MaybePromise {
    if (this.context.mode !== 'BATCH') return undefined;
    return this.fireTimers(this.processingTimeTimers, Number.POSITIVE_INFINITY, (t) => this.onProcessingTime(t));
  }

  override close(): MaybePromise {
    this.cancelWakeup?.();
    const r = super.close();
    const backend = this.keyedBackend as KeyedStateBackend | undefined;
    if (backend === undefined) return r;
    if (isPromise(r)) return r.then(() => backend.close());
    return backend.close();
  }

  /** Fires every timer of `queue` due at `time`, in order; returns a promise only when a firing is asynchronous. */
  private fireTimers(queue: TimerQueue, time: number, fire: (timer: Timer) => MaybePromise): Promise<void> | undefined {
    let timer: Timer | undefined;
    while ((timer = queue.pollIfDue(time)) !== undefined) {
      this.keyedBackend.setCurrentKey(timer.key);
      const r = fire(timer);
      if (r !== undefined && isPromise(r)) return r.then(() => this.fireTimers(queue, time, fire));
    }
    return undefined;
  }

  private scheduleWakeup(time: number): void {
    if (this.scheduledWakeup !== undefined && this.scheduledWakeup <= time) return;
    this.cancelWakeup?.();
    this.scheduledWakeup = time;
    this.cancelWakeup = this.context.processingTimeService.registerTimer(time, (now) => this.onWakeup(now));
  }

  private onWakeup(time: number): MaybePromise {
    this.scheduledWakeup = undefined;
    this.cancelWakeup = undefined;
    const now = Math.max(time, this.context.processingTimeService.getCurrentProcessingTime());
    const r = this.fireTimers(this.processingTimeTimers, now, (t) => this.onProcessingTime(t));
    const reschedule = (): void => {
      const next = this.processingTimeTimers.peek();
      if (next !== undefined) this.scheduleWakeup(next.timestamp);
    };
    if (r !== undefined) return r.then(reschedule);
    reschedule();
    return undefined;
  }
}
