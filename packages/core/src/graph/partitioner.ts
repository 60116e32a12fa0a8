/**
 * How records of an edge are distributed over the receiving subtasks (Flink's `StreamPartitioner`s).
 */
import type { KeySelector, Partitioner } from '../functions/user-functions.js';

/** A partitioner as described in the graph (plain data plus user functions). */
export type PartitionerSpec =
  | { readonly type: 'forward' }
  | { readonly type: 'rebalance' }
  | { readonly type: 'rescale' }
  | { readonly type: 'shuffle' }
  | { readonly type: 'broadcast' }
  | { readonly type: 'global' }
  | { readonly type: 'hash'; readonly keySelector: KeySelector<any> }
  | { readonly type: 'custom'; readonly partitioner: Partitioner<any>; readonly keySelector: KeySelector<any> };

/** The name Flink prints for a partitioner in plans: FORWARD, REBALANCE, HASH, ... */
export function partitionerName(spec: PartitionerSpec): string {
  return spec.type === 'custom' ? 'CUSTOM' : spec.type.toUpperCase();
}

/**
 * The receivers a sender subtask is connected to. `rescale` and `forward` connect point-wise (a subset), `global`
 * only subtask 0, every other partitioner all receivers.
 */
export function connectedReceivers(spec: PartitionerSpec, senderIndex: number, senderParallelism: number, receiverParallelism: number): number[] {
  switch (spec.type) {
    case 'forward':
      return [senderIndex];
    case 'global':
      return [0];
    case 'rescale': {
      if (senderParallelism >= receiverParallelism) return [Math.floor((senderIndex * receiverParallelism) / senderParallelism)];
      const start = Math.floor((senderIndex * receiverParallelism) / senderParallelism);
      const end = Math.floor(((senderIndex + 1) * receiverParallelism) / senderParallelism);
      return range(start, end);
    }
    default:
      return range(0, receiverParallelism);
  }
}

/** The senders a receiver subtask gets records from (the inverse of {@link connectedReceivers}). */
export function connectedSenders(spec: PartitionerSpec, receiverIndex: number, senderParallelism: number, receiverParallelism: number): number[] {
  const senders: number[] = [];
  for (let s = 0; s < senderParallelism; s++) {
    if (connectedReceivers(spec, s, senderParallelism, receiverParallelism).includes(receiverIndex)) senders.push(s);
  }
  return senders;
}

function range(start: number, end: number): number[] {
  const out: number[] = [];
  for (let i = start; i < end; i++) out.push(i);
  return out;
}
