/**
 * Window coGroup and window join of two streams (Flink's `CoGroupedStreams` and `JoinedStreams`):
 * `a.coGroup(b).where(ka).equalTo(kb).window(assigner).apply((as, bs, out) => ...)` and
 * `a.join(b).where(ka).equalTo(kb).window(assigner).apply((x, y) => r)`. Both inputs are tagged, unioned, keyed and
 * windowed; a window's elements are split by input again. A join emits one result per pair of the same key and
 * window (an inner join); results carry the window's `maxTimestamp()`.
 */
import type { Collector, KeySelector } from '../functions/user-functions.js';
import type { Key } from '../keys/key-group.js';
import type { Evictor } from '../windowing/evictor.js';
import type { Trigger } from '../windowing/trigger.js';
import type { WindowAssigner } from '../windowing/window-assigner.js';
import type { Window } from '../windowing/window.js';
import type { DataStream } from './data-stream.js';
import type { WindowedStream } from './windowed-stream.js';

type Tagged<A, B> = { readonly input: 1; readonly value: A } | { readonly input: 2; readonly value: B };

/** The function of a window coGroup: all elements of both inputs for one key and window. */
export type CoGroupFunction<A, B, R> = (first: readonly A[], second: readonly B[], out: Collector<R>) => void | Iterable<R>;

/** The function of a window join: one result per pair. */
export type JoinFunction<A, B, R> = (first: A, second: B) => R;

/** Whether the builder makes a window join or a window coGroup. */
export type CoGroupMode = 'join' | 'coGroup';

/** The function `apply` takes in a mode. */
export type CoGroupModeFunction<A, B, R, M extends CoGroupMode> = M extends 'join' ? JoinFunction<A, B, R> : CoGroupFunction<A, B, R>;

/** `a.coGroup(b)` or `a.join(b)`: pick the first input's key. */
export class CoGroupedStreams<A, B, M extends CoGroupMode = 'coGroup'> {
  /** @internal Created by `DataStream.coGroup`. */
  constructor(
    private readonly first: DataStream<A>,
    private readonly second: DataStream<B>,
    private readonly joining: boolean,
  ) {}

  /** The key of the first input. */
  where<K extends Key>(keySelector: KeySelector<A, K>): { equalTo(other: KeySelector<B, K>): WithKeys<A, B, K, M> } {
    if (typeof keySelector !== 'function') throw new TypeError('where() expects a key selector function');
    return {
      equalTo: (other) => {
        if (typeof other !== 'function') throw new TypeError('equalTo() expects a key selector function');
        return new WithKeys<A, B, K, M>(this.first, this.second, keySelector, other, this.joining);
      },
    };
  }
}

/** Both keys are known: choose the windows. */
export class WithKeys<A, B, K extends Key, M extends CoGroupMode = 'coGroup'> {
  /** @internal */
  constructor(
    private readonly first: DataStream<A>,
    private readonly second: DataStream<B>,
    private readonly firstKey: KeySelector<A, K>,
    private readonly secondKey: KeySelector<B, K>,
    private readonly joining: boolean,
  ) {}

  /** Windows both inputs with `assigner`. */
  window<W extends Window>(assigner: WindowAssigner<any, W>): WindowedCoGroup<A, B, K, W, M> {
    const tagged = this.first
      .map((value): Tagged<A, B> => ({ input: 1, value }))
      .name('Map (coGroup input 1)')
      .union(this.second.map((value): Tagged<A, B> => ({ input: 2, value })).name('Map (coGroup input 2)'));
    const firstKey = this.firstKey;
    const secondKey = this.secondKey;
    const windowed = tagged.keyBy((t): K => (t.input === 1 ? firstKey(t.value) : secondKey(t.value))).window(assigner);
    return new WindowedCoGroup<A, B, K, W, M>(windowed, this.joining);
  }
}

/** A windowed coGroup or join, ready for its function. */
export class WindowedCoGroup<A, B, K extends Key, W extends Window, M extends CoGroupMode = 'coGroup'> {
  /** @internal */
  constructor(
    private readonly windowed: WindowedStream<Tagged<A, B>, K, W>,
    private readonly joining: boolean,
  ) {}

  /** Replaces the assigner's default trigger. */
  trigger(trigger: Trigger<any, any>): this {
    this.windowed.trigger(trigger);
    return this;
  }

  /** Evicts elements before the function sees them. */
  evictor(evictor: Evictor<any, any>): this {
    this.windowed.evictor(evictor);
    return this;
  }

  /** Keeps windows open for late elements for `ms`. */
  allowedLateness(ms: number): this {
    this.windowed.allowedLateness(ms);
    return this;
  }

  /** Applies the coGroup function (for `coGroup`) or the join function (for `join`) per key and window. */
  apply<R>(fn: CoGroupModeFunction<A, B, R, M>): DataStream<R> {
    if (typeof fn !== 'function') throw new TypeError('apply() expects a function');
    const joining = this.joining;
    return this.windowed
      .process<R>((_key, _context, elements, out) => {
        const first: A[] = [];
        const second: B[] = [];
        for (const t of elements) {
          if (t.input === 1) first.push(t.value);
          else second.push(t.value);
        }
        if (!joining) return (fn as CoGroupFunction<A, B, R>)(first, second, out);
        for (const a of first) for (const b of second) out.collect((fn as JoinFunction<A, B, R>)(a, b));
        return undefined;
      })
      .name(joining ? 'Window Join' : 'Window CoGroup');
  }
}
