/**
 * The in-process transport, the embedded default: both ends of every channel live in one Node.js process, so frames
 * are handed over as objects, without encoding.
 *
 * Delivery: frames and credits are delivered asynchronously, in the order they were sent or granted, through one
 * queue per transport that a single `queueMicrotask` drains (one microtask per burst, not one promise per frame).
 * So a listener is never called from inside `send` or `grantCredit`, and frames of a channel arrive in order.
 * Either end may be created first: credits granted before the sender exists, and frames sent before the receiver
 * exists, are held on the channel and delivered when the missing end is created.
 */
import { ErrorCodes, WeirError } from '../errors.js';
import type { Frame } from './frame.js';
import {
  channelKey,
  type ChannelAddress,
  type ChannelReceiver,
  type ChannelSender,
  type ReceiverListener,
  type SenderListener,
  type Transport,
} from './transport.js';

/** One end of a channel that deliveries target; a closed end ignores what was still queued for it. */
interface DeliveryTarget {
  deliver(payload: Frame | number): void;
}

/**
 * A FIFO of deliveries drained in a microtask. Entries are stored flat as `target, payload` pairs in a reused array,
 * so queuing a delivery allocates nothing. A drain delivers the entries present when it starts; entries queued by
 * listeners during the drain go to the next microtask, in order.
 */
class DeliveryQueue {
  private pending: (DeliveryTarget | Frame | number)[] = [];
  private spare: (DeliveryTarget | Frame | number)[] = [];
  private scheduled = false;
  private readonly drainCallback = (): void => this.drain();

  push(target: DeliveryTarget, payload: Frame | number): void {
    this.pending.push(target, payload);
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(this.drainCallback);
    }
  }

  clear(): void {
    this.pending.length = 0;
  }

  private drain(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = this.spare;
    let i = 0;
    try {
      for (; i < batch.length; i += 2) (batch[i] as DeliveryTarget).deliver(batch[i + 1] as Frame | number);
    } catch (error) {
      // A listener threw: keep the undelivered rest ahead of anything queued since, then let the error surface.
      const rest = batch.slice(i + 2);
      this.pending = rest.length === 0 ? this.pending : rest.concat(this.pending);
      batch.length = 0;
      this.spare = batch;
      if (this.pending.length > 0 && !this.scheduled) {
        this.scheduled = true;
        queueMicrotask(this.drainCallback);
      }
      throw error;
    }
    batch.length = 0;
    this.spare = batch;
  }
}

/** The shared state of one channel: its two ends and what is held for an end that does not exist yet. */
class InProcessChannel {
  sender: InProcessSender | undefined;
  receiver: InProcessReceiver | undefined;
  /** Credits granted while no sender existed. */
  heldCredits = 0;
  /** Frames sent while no receiver existed yet, in order. */
  heldFrames: Frame[] = [];
  /** The receiver was closed and none replaced it: frames sent now have no reader and are dropped. */
  receiverGone = false;

  constructor(
    readonly key: string,
    private readonly registry: Map<string, InProcessChannel>,
  ) {}

  detachSender(sender: InProcessSender): void {
    if (this.sender !== sender) return;
    this.sender = undefined;
    this.forgetIfUnused();
  }

  /** Credits held for a future sender and frames held for this receiver go with it. */
  detachReceiver(receiver: InProcessReceiver): void {
    if (this.receiver !== receiver) return;
    this.receiver = undefined;
    this.receiverGone = true;
    this.heldCredits = 0;
    this.heldFrames = [];
    this.forgetIfUnused();
  }

  private forgetIfUnused(): void {
    const unused = this.sender === undefined && this.receiver === undefined && this.heldFrames.length === 0;
    if (unused && this.registry.get(this.key) === this) {
      this.registry.delete(this.key);
    }
  }
}

/** The sending end of an in-process channel. */
class InProcessSender implements ChannelSender, DeliveryTarget {
  closed = false;

  constructor(
    readonly channel: InProcessChannel,
    private readonly listener: SenderListener,
    private readonly queue: DeliveryQueue,
  ) {}

  send(frame: Frame): void {
    if (this.closed) {
      throw new WeirError(ErrorCodes.TRANSPORT_CLOSED, `In-process channel ${this.channel.key}: the sender is closed`);
    }
    const receiver = this.channel.receiver;
    if (receiver !== undefined) this.queue.push(receiver, frame);
    else if (!this.channel.receiverGone) this.channel.heldFrames.push(frame);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.channel.detachSender(this);
  }

  deliver(credits: Frame | number): void {
    if (!this.closed) this.listener.onCredit(credits as number);
  }
}

/** The receiving end of an in-process channel. */
class InProcessReceiver implements ChannelReceiver, DeliveryTarget {
  closed = false;

  constructor(
    readonly channel: InProcessChannel,
    private readonly listener: ReceiverListener,
    private readonly queue: DeliveryQueue,
  ) {}

  grantCredit(credits: number): void {
    if (!Number.isInteger(credits) || credits < 1) {
      throw new TypeError(`credits must be a positive integer, got ${credits}`);
    }
    if (this.closed) return;
    const sender = this.channel.sender;
    if (sender !== undefined) this.queue.push(sender, credits);
    else this.channel.heldCredits += credits;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.channel.detachReceiver(this);
  }

  deliver(frame: Frame | number): void {
    if (!this.closed) this.listener.onFrame(frame as Frame);
  }
}

/**
 * The embedded transport: channels between actors of one process, keyed by {@link channelKey}. Frames are passed by
 * reference, so a sender must not modify a frame (or its arrays) after sending it.
 *
 * Threading model: all calls happen on the event loop; listeners run in a later microtask than the `send` or
 * `grantCredit` that caused them, never re-entrantly. A listener that throws does not lose other deliveries; its
 * error is rethrown from the microtask (an uncaught exception, as for any event listener).
 *
 * Lifecycle: an end's `close()` removes it (deliveries still queued for it are dropped); `send` on a closed sender
 * throws `TRANSPORT_CLOSED`, `grantCredit` on a closed receiver does nothing. `close()` of the transport closes
 * every end without calling listeners; afterwards `createSender` and `createReceiver` throw `TRANSPORT_CLOSED`.
 */
export class InProcessTransport implements Transport {
  /** The transport's name in logs. */
  readonly name = 'in-process';
  private readonly channels = new Map<string, InProcessChannel>();
  private readonly queue = new DeliveryQueue();
  private closed = false;

  /** Opens the sending end of `address`; throws `TypeError` if the channel already has an open sender. */
  createSender(address: ChannelAddress, listener: SenderListener): ChannelSender {
    const channel = this.channelFor(address);
    if (channel.sender !== undefined) throw new TypeError(`In-process channel ${channel.key} already has a sender`);
    const sender = new InProcessSender(channel, listener, this.queue);
    channel.sender = sender;
    if (channel.heldCredits > 0) {
      this.queue.push(sender, channel.heldCredits);
      channel.heldCredits = 0;
    }
    return sender;
  }

  /** Opens the receiving end of `address`; throws `TypeError` if the channel already has an open receiver. */
  createReceiver(address: ChannelAddress, listener: ReceiverListener): ChannelReceiver {
    const channel = this.channelFor(address);
    if (channel.receiver !== undefined) throw new TypeError(`In-process channel ${channel.key} already has a receiver`);
    const receiver = new InProcessReceiver(channel, listener, this.queue);
    channel.receiver = receiver;
    channel.receiverGone = false;
    const held = channel.heldFrames;
    if (held.length > 0) {
      for (const frame of held) this.queue.push(receiver, frame);
      channel.heldFrames = [];
    }
    return receiver;
  }

  /** Closes every channel end and drops pending deliveries; safe to call twice. */
  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      for (const channel of this.channels.values()) {
        if (channel.sender !== undefined) channel.sender.closed = true;
        if (channel.receiver !== undefined) channel.receiver.closed = true;
      }
      this.channels.clear();
      this.queue.clear();
    }
    return Promise.resolve();
  }

  /** The number of channels with an open end or frames held for a receiver (for tests and metrics). */
  get channelCount(): number {
    return this.channels.size;
  }

  private channelFor(address: ChannelAddress): InProcessChannel {
    if (this.closed) throw new WeirError(ErrorCodes.TRANSPORT_CLOSED, 'The in-process transport is closed');
    const key = channelKey(address);
    let channel = this.channels.get(key);
    if (channel === undefined) {
      channel = new InProcessChannel(key, this.channels);
      this.channels.set(key, channel);
    }
    return channel;
  }
}
