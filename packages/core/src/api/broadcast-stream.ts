/**
 * `BroadcastStream`: a stream broadcast to every parallel instance of the operator it is connected to, together
 * with the descriptors of the broadcast state that operator keeps (Flink's `BroadcastStream` and
 * `BroadcastConnectedStream`).
 */
import type { KeyedBroadcastProcessFunction } from '../functions/broadcast-functions.js';
import { instantiateFunction } from '../functions/instantiate-function.js';
import type { Key } from '../keys/key-group.js';
import { KeyedBroadcastProcessOperator } from '../runtime/operators/keyed-broadcast-process-operator.js';
import type { MapStateDescriptor } from '../state/map-state-descriptor.js';
import { ConnectedStreams } from './connected-streams.js';
import type { DataStream } from './data-stream.js';
import type { KeyedStream } from './keyed-stream.js';

/** A stream broadcast with its broadcast-state descriptors. */
export class BroadcastStream<T> {
  /** @internal Created by `DataStream.broadcast(descriptor, ...)`. */
  constructor(
    /** @internal The broadcast-partitioned stream. */
    readonly stream: DataStream<T>,
    /** The descriptors of the broadcast state. */
    readonly descriptors: readonly MapStateDescriptor<any, any>[],
  ) {}
}

/** A keyed stream connected with a broadcast stream. */
export class BroadcastConnectedStream<T, B, K extends Key> {
  /** @internal Created by `KeyedStream.connect(broadcastStream)`. */
  constructor(
    private readonly keyed: KeyedStream<T, K>,
    private readonly broadcast: BroadcastStream<B>,
  ) {}

  /** Processes both sides with a `KeyedBroadcastProcessFunction`. */
  process<R>(fn: KeyedBroadcastProcessFunction<K, T, B, R>): DataStream<R> {
    const descriptors = this.broadcast.descriptors;
    void new KeyedBroadcastProcessOperator(fn, descriptors);
    const keySelector = this.keyed.getKeySelector();
    const connected = new ConnectedStreams<T, B>(this.keyed.getExecutionEnvironment(), this.keyed, this.broadcast.stream, [
      keySelector,
      undefined as never,
    ]);
    return connected.transform<R>('Co-Process-Broadcast-Keyed', () => new KeyedBroadcastProcessOperator(instantiateFunction(fn), descriptors));
  }
}
