/**
 * Runs a `KeyedBroadcastProcessFunction`: input 0 is the keyed stream (keyed state, timers, read-only broadcast
 * state), input 1 the broadcast stream (every instance receives every record; it may update broadcast state).
 * Broadcast state lives in the operator instance, one map per descriptor name; checkpoints hold each instance's copy
 * (operator list state `broadcast-state/<name>` of [key, value] entries, mode `broadcast`), and on restore new
 * subtask `i` takes the copy of old subtask `i % oldParallelism`, as in Flink.
 */
import type { OutputTag } from '../../api/output-tag.js';
import type {
  BroadcastState,
  KeyedBroadcastContext,
  KeyedBroadcastProcessFunction,
  KeyedBroadcastReadOnlyContext,
} from '../../functions/broadcast-functions.js';
import type { ListStateSnapshot, OperatorSnapshot } from '../../checkpoint/task-state.js';
import type { OnTimerContext, TimerService } from '../../functions/user-functions.js';
import { keyIdentity, type Key } from '../../keys/key-group.js';
import type { MapStateDescriptor } from '../../state/map-state-descriptor.js';
import type { MapStateKey } from '../../state/state.js';
import type { Timer } from '../../state/timer-queue.js';
import { OrderedEmitter } from '../ordered-emitter.js';
import type { MaybePromise, OperatorContext, Output } from '../stream-operator.js';
import { AbstractKeyedOperator } from './abstract-keyed-operator.js';
import { settle } from './process-operator.js';

/** The operator list state that holds broadcast state `name` in checkpoints. */
const listStateName = (name: string): string => `broadcast-state/${name}`;

class MemoryBroadcastState<K extends MapStateKey, V> implements BroadcastState<K, V> {
  private readonly entriesById = new Map<unknown, [K, V]>();
  constructor(
    private readonly writable: () => boolean,
    restored: readonly unknown[],
  ) {
    for (const entry of restored as readonly [K, V][]) this.entriesById.set(keyIdentity(entry[0]), [entry[0], entry[1]]);
  }
  /** The entries, for a checkpoint. */
  snapshot(): [K, V][] {
    return [...this.entriesById.values()].map(([k, v]) => [k, v]);
  }
  get(key: K): Promise<V | undefined> {
    return Promise.resolve(this.entriesById.get(keyIdentity(key))?.[1]);
  }
  contains(key: K): Promise<boolean> {
    return Promise.resolve(this.entriesById.has(keyIdentity(key)));
  }
  entries(): Promise<[K, V][]> {
    return Promise.resolve([...this.entriesById.values()].map(([k, v]) => [k, v] as [K, V]));
  }
  put(key: K, value: V): Promise<void> {
    this.checkWritable();
    this.entriesById.set(keyIdentity(key), [key, value]);
    return Promise.resolve();
  }
  remove(key: K): Promise<void> {
    this.checkWritable();
    this.entriesById.delete(keyIdentity(key));
    return Promise.resolve();
  }
  clear(): Promise<void> {
    this.checkWritable();
    this.entriesById.clear();
    return Promise.resolve();
  }
  private checkWritable(): void {
    if (!this.writable()) throw new TypeError('Broadcast state is read only on the keyed side; change it in processBroadcastElement');
  }
}

/** The operator of `keyed.connect(broadcastStream).process(...)`. */
export class KeyedBroadcastProcessOperator
  extends AbstractKeyedOperator
  implements KeyedBroadcastReadOnlyContext<Key>, KeyedBroadcastContext, OnTimerContext<Key>
{
  private emitter!: OrderedEmitter;
  private timers: TimerService | undefined;
  private readonly states = new Map<string, MemoryBroadcastState<any, any>>();
  private broadcastSide = false;
  private domain: 'EVENT_TIME' | 'PROCESSING_TIME' = 'EVENT_TIME';

  /** Wraps the function; `descriptors` are the broadcast states declared by `broadcast(...)`. */
  constructor(
    private readonly fn: KeyedBroadcastProcessFunction<any, any, any, any>,
    private readonly descriptors: readonly MapStateDescriptor<any, any>[],
  ) {
    super();
    if (typeof fn?.processElement !== 'function' || typeof fn.processBroadcastElement !== 'function') {
      throw new TypeError('process() on a broadcast connection expects processElement() and processBroadcastElement()');
    }
  }

  protected userFunctions(): readonly unknown[] {
    return [this.fn];
  }

  override setup(context: OperatorContext, output: Output): void {
    super.setup(context, output);
    this.emitter = new OrderedEmitter(output);
    const restored = context.restored?.lists;
    for (const d of this.descriptors) this.states.set(d.name, new MemoryBroadcastState(() => this.broadcastSide, restored?.get(listStateName(d.name)) ?? []));
  }

  override snapshotState(...args: Parameters<AbstractKeyedOperator['snapshotState']>): Promise<OperatorSnapshot> {
    return this.snapshotWithBroadcastState(super.snapshotState(...args));
  }

  private async snapshotWithBroadcastState(base: OperatorSnapshot | Promise<OperatorSnapshot>): Promise<OperatorSnapshot> {
    const snapshot = await base;
    const lists: Record<string, ListStateSnapshot> = { ...snapshot.lists };
    for (const [name, state] of this.states) lists[listStateName(name)] = { mode: 'broadcast', items: state.snapshot() };
    return { ...snapshot, lists };
  }

  getBroadcastState<MK extends MapStateKey, V>(descriptor: MapStateDescriptor<MK, V>): BroadcastState<MK, V> {
    const state = this.states.get(descriptor.name);
    if (state === undefined) {
      throw new TypeError(`No broadcast state "${descriptor.name}": declare its descriptor in broadcast(descriptor)`);
    }
    return state as BroadcastState<MK, V>;
  }

  getCurrentKey(): Key {
    if (this.broadcastSide) throw new TypeError('There is no current key in processBroadcastElement');
    return this.currentKey();
  }

  timestamp(): number | undefined {
    return this.emitter.timestamp;
  }

  output<X>(tag: OutputTag<X>, value: X): void {
    this.emitter.collectSide(tag.id, value);
  }

  timerService(): TimerService {
    return (this.timers ??= this.userTimerService());
  }

  currentProcessingTime(): number {
    return this.context.processingTimeService.getCurrentProcessingTime();
  }

  currentWatermark(): number {
    return this.watermark;
  }

  timeDomain(): 'EVENT_TIME' | 'PROCESSING_TIME' {
    return this.domain;
  }

  processElement(value: unknown, timestamp: number | undefined, inputIndex: number): MaybePromise {
    const emitter = this.emitter;
    emitter.timestamp = timestamp;
    let r: unknown;
    try {
      if (inputIndex === 0) {
        this.broadcastSide = false;
        this.setKeyOf(value, 0);
        r = this.fn.processElement(value, this, emitter);
      } else {
        this.broadcastSide = true;
        r = this.fn.processBroadcastElement(value, this, emitter);
      }
    } catch (e) {
      emitter.abandon();
      throw this.userError(e);
    }
    const done = settle(this.guard(r), emitter);
    if (done === undefined) {
      this.broadcastSide = false;
      return undefined;
    }
    return done.then(() => {
      this.broadcastSide = false;
    });
  }

  protected onEventTime(timer: Timer): MaybePromise {
    return this.fire(timer, 'EVENT_TIME', timer.timestamp);
  }

  protected onProcessingTime(timer: Timer): MaybePromise {
    return this.fire(timer, 'PROCESSING_TIME', undefined);
  }

  private fire(timer: Timer, domain: 'EVENT_TIME' | 'PROCESSING_TIME', timestamp: number | undefined): MaybePromise {
    if (this.fn.onTimer === undefined) return undefined;
    this.broadcastSide = false;
    this.domain = domain;
    const emitter = this.emitter;
    emitter.timestamp = timestamp;
    let r: unknown;
    try {
      r = this.fn.onTimer(timer.timestamp, this, emitter);
    } catch (e) {
      emitter.abandon();
      throw this.userError(e, 'in onTimer()');
    }
    return settle(this.guard(r), emitter);
  }
}
