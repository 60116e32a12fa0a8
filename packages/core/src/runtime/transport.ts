/**
 * The `Transport` interface: a dumb, ordered pipe per channel carrying frames from a sender to a receiver and credit
 * grants back from the receiver to the sender. Credit accounting, sequence checking and backpressure live in core
 * above this interface, so every transport behaves the same; `@weir/core/testing` ships a conformance suite.
 *
 * Threading model: a transport calls listeners on the Node.js event loop, never re-entrantly from inside `send` or
 * `grantCredit` of the same channel end. Either end may be created first; frames and credits sent before the other
 * end exists are held (frames only up to the credit the receiver granted, which cannot happen before it exists).
 */
import type { Frame } from './frame.js';

/** Identifies one channel: one edge of the job graph between one sending and one receiving subtask. */
export interface ChannelAddress {
  /** The job's id. */
  readonly jobId: string;
  /** The execution attempt of the job (increments on every restart), so stale frames never mix with new ones. */
  readonly attempt: number;
  /** The id of the edge in the job graph. */
  readonly edgeId: string;
  /** The subtask index of the sender. */
  readonly senderSubtask: number;
  /** The subtask index of the receiver. */
  readonly receiverSubtask: number;
}

/** A stable string key of a channel address, usable as a map key or (with dots) as a NATS subject suffix. */
export function channelKey(address: ChannelAddress): string {
  return `${address.jobId}.${address.attempt}.${address.edgeId}.${address.senderSubtask}.${address.receiverSubtask}`;
}

/** Callbacks of the sending end. */
export interface SenderListener {
  /** The receiver granted `credits` more frames. */
  onCredit(credits: number): void;
  /** The channel failed (the other side or the transport is gone). */
  onError(error: Error): void;
}

/** Callbacks of the receiving end. */
export interface ReceiverListener {
  /** A frame arrived, in the order it was sent. */
  onFrame(frame: Frame): void;
  /** The channel failed (for example a frame could not be decoded). */
  onError(error: Error): void;
}

/** The sending end of a channel. */
export interface ChannelSender {
  /** Sends a frame. The caller must hold credit for it; the transport does not check. */
  send(frame: Frame): void;
  /** Releases the sending end; safe to call twice. */
  close(): void;
}

/** The receiving end of a channel. */
export interface ChannelReceiver {
  /** Grants the sender `credits` more frames. */
  grantCredit(credits: number): void;
  /** Releases the receiving end; safe to call twice. */
  close(): void;
}

/** Carries frames and credits between actors; the in-process transport is the embedded default. */
export interface Transport {
  /** A short name for logs, such as `in-process` or `nats`. */
  readonly name: string;
  /**
   * The frames a receiver lets each sender have in flight per channel on this transport (default
   * `DEFAULT_INITIAL_CREDITS`, 4). A transport with network latency needs more to keep a channel busy: one round trip
   * of credit per `initialCredits` frames.
   */
  readonly initialCredits?: number;
  /** Opens the sending end of a channel. */
  createSender(address: ChannelAddress, listener: SenderListener): ChannelSender;
  /** Opens the receiving end of a channel. */
  createReceiver(address: ChannelAddress, listener: ReceiverListener): ChannelReceiver;
  /** Closes the transport and every channel end it opened; safe to call twice. */
  close(): Promise<void>;
}
