/**
 * `NatsTransport`: weir's channels over NATS subjects, so actors in different processes and hosts exchange frames.
 * It implements core's `Transport` (a dumb ordered pipe per channel) and passes its conformance suite; credit
 * accounting and sequence checks stay in core above it.
 *
 * Subjects: every channel has three, `<prefix>.ch.<jobId>.<attempt>.<edgeId>.<sender>.<receiver>.{f,c,s}`:
 * - `f`: frames, msgpack (core's frame codec), sender to receiver. NATS keeps the order of one connection's
 *   messages on one subject. Frames go out only against credit, so a slow receiver never makes the server drop
 *   them; a frame lost anyway (a server restart) shows as a sequence gap, which fails the task and triggers
 *   recovery instead of passing silently.
 * - `c`: credit, receiver to sender, as the receiver's cumulative total of granted frames (a decimal string). A lost
 *   or repeated credit message therefore never miscounts: the sender adds only what exceeds the total it knows.
 *   Grants made in one turn of the event loop (one batch of frames handled) go out as one message.
 * - `s`: sync, sender to receiver: "I sent n frames; tell me your total". A sender sends one when it opens, after
 *   its subscription is in place, then every `creditResyncMs` if it sent frames since its last sync or has used up
 *   its credit (a credit message may have been lost); a receiver answers with its total. Either end may open first: whichever publishes second is heard. A sync comes after the
 *   frames sent before it (one connection's messages keep their order), so a receiver that got fewer frames than
 *   the sync says knows frames were lost, even the last ones (an end of input, a barrier), and fails the channel
 *   with `CHANNEL_SEQUENCE` within one period instead of waiting forever.
 * The attempt number is part of every subject, so frames of an older attempt of a task never reach a newer one
 * (fencing).
 *
 * Threading model: listeners run on the event loop from the NATS client's message callbacks, never re-entrantly from
 * `send` or `grantCredit`. Lifecycle: an end's `close()` unsubscribes; the transport's `close()` closes every end
 * without calling listeners and, when it opened the connection itself, drains and closes it. If the connection
 * closes under it, every open end gets a `TRANSPORT_CLOSED` error.
 */
import { connect, PermissionViolationError, type ConnectionOptions, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import {
  decodeFrame,
  encodeFrame,
  ErrorCodes,
  WeirError,
  type ChannelAddress,
  type ChannelReceiver,
  type ChannelSender,
  type Frame,
  type ReceiverListener,
  type SenderListener,
  type Transport,
} from '@weir/core';

/** Options of {@link NatsTransport}. */
export interface NatsTransportOptions {
  /** The first token of every subject (default `weir`); tokens of letters, digits, `_` and `-`, dot-separated. */
  readonly subjectPrefix?: string;
  /**
   * Frames in flight per channel (default 32): credit comes back after a round trip through the server, so a channel
   * with few credits waits on latency (4 credits give about a third of raw NATS throughput, 32 about three quarters).
   */
  readonly initialCredits?: number;
  /**
   * How often a sender that sent frames since its last sync, or used up its credit, sends a sync (its frame count,
   * asking for the receiver's credit total), in ms (default 500): the bound on noticing a lost frame or credit.
   */
  readonly creditResyncMs?: number;
}

const TOKEN = /^[A-Za-z0-9_-]+$/;
/** The default frames in flight per channel over NATS. */
const DEFAULT_NATS_CREDITS = 32;
const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

function checkToken(what: string, value: string | number): string {
  const token = String(value);
  if (!TOKEN.test(token)) throw new TypeError(`${what} must consist of letters, digits, "_" and "-" to be part of a NATS subject; got ${JSON.stringify(token)}`);
  return token;
}

/** The three subjects of a channel. */
interface ChannelSubjects {
  readonly key: string;
  readonly frames: string;
  readonly credit: string;
  readonly sync: string;
}

/** An open channel end, closed with the transport. */
interface ChannelEnd {
  readonly subjects: ChannelSubjects;
  closeQuietly(): void;
  fail(error: Error): void;
}

/** The error of a channel whose subject the server refused (the user lacks the permission). */
function permissionDenied(subjects: ChannelSubjects, error: PermissionViolationError): WeirError {
  return new WeirError(
    ErrorCodes.NATS_PERMISSION_DENIED,
    `NATS channel ${subjects.key}: the server refused to let this user ${error.operation === 'publish' ? 'publish to' : 'subscribe to'} ${error.subject} (permissions violation)`,
    { cause: error },
  );
}

/** A subscription's error as the channel's error. */
function subscriptionError(subjects: ChannelSubjects, what: string, error: Error): WeirError {
  if (error instanceof PermissionViolationError) return permissionDenied(subjects, error);
  return new WeirError(ErrorCodes.TRANSPORT_CLOSED, `NATS channel ${subjects.key}: the ${what} subscription failed: ${error.message}`, { cause: error });
}

/** Weir's channels over NATS; see the module documentation. */
export class NatsTransport implements Transport {
  /** The transport's name in logs. */
  readonly name = 'nats';
  /** Frames in flight per channel; see {@link NatsTransportOptions.initialCredits}. */
  readonly initialCredits: number;
  private readonly prefix: string;
  private readonly creditResyncMs: number;
  private readonly ends = new Set<ChannelEnd>();
  private closed = false;

  /**
   * A transport over `connection`. With `ownsConnection` the transport drains and closes it on {@link close}
   * (as {@link NatsTransport.connect} does).
   */
  constructor(
    readonly connection: NatsConnection,
    options: NatsTransportOptions = {},
    private readonly ownsConnection = false,
  ) {
    const prefix = options.subjectPrefix ?? 'weir';
    for (const token of prefix.split('.')) checkToken('Each token of subjectPrefix', token);
    this.prefix = prefix;
    const resync = options.creditResyncMs ?? 500;
    if (!Number.isFinite(resync) || resync <= 0) throw new TypeError(`creditResyncMs must be a positive number; got ${resync}`);
    this.creditResyncMs = resync;
    const credits = options.initialCredits ?? DEFAULT_NATS_CREDITS;
    if (!Number.isSafeInteger(credits) || credits < 1) throw new TypeError(`initialCredits must be a positive integer; got ${credits}`);
    this.initialCredits = credits;
    connection.closed().then(
      (error) => this.connectionClosed(error),
      (error: unknown) => this.connectionClosed(error instanceof Error ? error : new Error(String(error))),
    );
    void this.watchPermissions();
  }

  /** A publish the server refused shows only as a status event: it fails the channel ends of that subject. */
  private async watchPermissions(): Promise<void> {
    try {
      for await (const status of this.connection.status()) {
        if (status.type !== 'error' || !(status.error instanceof PermissionViolationError)) continue;
        const error = status.error;
        for (const end of [...this.ends]) {
          const s = end.subjects;
          if (s.frames === error.subject || s.credit === error.subject || s.sync === error.subject) end.fail(permissionDenied(s, error));
        }
      }
    } catch {
      // The connection closed: connectionClosed reports it.
    }
  }

  /** Connects to NATS and returns a transport that owns the connection. */
  static async connect(connectionOptions: ConnectionOptions, options: NatsTransportOptions = {}): Promise<NatsTransport> {
    const connection = await connect(connectionOptions);
    return new NatsTransport(connection, options, true);
  }

  /** Opens the sending end of `address`. */
  createSender(address: ChannelAddress, listener: SenderListener): ChannelSender {
    const subjects = this.subjectsOf(address);
    const sender = new NatsSender(this.connection, subjects, listener, this.creditResyncMs, (end) => this.ends.delete(end));
    this.ends.add(sender);
    return sender;
  }

  /** Opens the receiving end of `address`. */
  createReceiver(address: ChannelAddress, listener: ReceiverListener): ChannelReceiver {
    const subjects = this.subjectsOf(address);
    const receiver = new NatsReceiver(this.connection, subjects, listener, (end) => this.ends.delete(end));
    this.ends.add(receiver);
    return receiver;
  }

  /** Closes every channel end (and the connection, when the transport opened it); safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const end of [...this.ends]) end.closeQuietly();
    this.ends.clear();
    if (this.ownsConnection && !this.connection.isClosed()) await this.connection.drain().catch(() => this.connection.close());
  }

  private subjectsOf(address: ChannelAddress): ChannelSubjects {
    if (this.closed) throw new WeirError(ErrorCodes.TRANSPORT_CLOSED, 'The NATS transport is closed');
    if (this.connection.isClosed()) throw new WeirError(ErrorCodes.TRANSPORT_CLOSED, 'The NATS connection of the transport is closed');
    const tokens = [
      checkToken('A job id', address.jobId),
      checkToken('An attempt', address.attempt),
      checkToken('An edge id', address.edgeId),
      checkToken('A sender subtask', address.senderSubtask),
      checkToken('A receiver subtask', address.receiverSubtask),
    ];
    const base = `${this.prefix}.ch.${tokens.join('.')}`;
    return { key: tokens.join('.'), frames: `${base}.f`, credit: `${base}.c`, sync: `${base}.s` };
  }

  private connectionClosed(error: Error | void): void {
    if (this.closed) return;
    const cause = error instanceof Error ? `: ${error.message}` : '';
    const failure = new WeirError(ErrorCodes.TRANSPORT_CLOSED, `The NATS connection closed${cause}`, error instanceof Error ? { cause: error } : undefined);
    for (const end of [...this.ends]) end.fail(failure);
    this.ends.clear();
  }
}

/** The sending end: publishes frames, follows the receiver's credit total. */
class NatsSender implements ChannelSender, ChannelEnd {
  private readonly subscription: Subscription;
  private sent = 0;
  private sentAtLastSync = 0;
  private credited = 0;
  private readonly resync: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly connection: NatsConnection,
    readonly subjects: ChannelSubjects,
    private readonly listener: SenderListener,
    resyncMs: number,
    private readonly onClosed: (end: ChannelEnd) => void,
  ) {
    this.subscription = connection.subscribe(subjects.credit, {
      callback: (error, message) => {
        if (this.closed) return;
        if (error !== null) return this.fail(subscriptionError(subjects, 'credit', error));
        this.onTotal(textDecoder.decode(message.data));
      },
    });
    // Once the subscription is in place at the server, ask for the receiver's total (it may have granted already).
    connection.flush().then(
      () => this.requestCredit(),
      () => undefined,
    );
    this.resync = setInterval(() => {
      if (this.sent > this.sentAtLastSync || this.sent >= this.credited) this.requestCredit();
    }, resyncMs);
    this.resync.unref();
  }

  send(frame: Frame): void {
    if (this.closed) throw new WeirError(ErrorCodes.TRANSPORT_CLOSED, `NATS channel ${this.subjects.key}: the sender is closed`);
    const bytes = encodeFrame(frame);
    const maxPayload = this.connection.info?.max_payload;
    if (maxPayload !== undefined && bytes.byteLength > maxPayload) {
      throw new WeirError(
        ErrorCodes.INVALID_CONFIGURATION,
        `NATS channel ${this.subjects.key}: frame ${frame.seq} is ${bytes.byteLength} bytes, more than the server's max_payload of ${maxPayload}; lower the frame size or raise max_payload`,
      );
    }
    this.connection.publish(this.subjects.frames, bytes);
    this.sent++;
  }

  close(): void {
    this.closeQuietly();
  }

  closeQuietly(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.resync);
    this.subscription.unsubscribe();
    this.onClosed(this);
  }

  fail(error: Error): void {
    if (this.closed) return;
    this.closeQuietly();
    this.listener.onError(error);
  }

  private onTotal(text: string): void {
    const total = Number(text);
    if (!Number.isSafeInteger(total) || total < 0) {
      this.fail(new WeirError(ErrorCodes.MALFORMED_FRAME, `NATS channel ${this.subjects.key}: a credit message must hold a non-negative integer; got ${JSON.stringify(text.slice(0, 40))}`));
      return;
    }
    if (total <= this.credited) return;
    const added = total - this.credited;
    this.credited = total;
    this.listener.onCredit(added);
  }

  private requestCredit(): void {
    if (this.closed || this.connection.isClosed()) return;
    this.sentAtLastSync = this.sent;
    this.connection.publish(this.subjects.sync, textEncoder.encode(String(this.sent)));
  }
}

/** The receiving end: delivers frames, publishes its credit total. */
class NatsReceiver implements ChannelReceiver, ChannelEnd {
  private readonly frames: Subscription;
  private readonly syncs: Subscription;
  private granted = 0;
  private received = 0;
  private announcing = false;
  private closed = false;

  constructor(
    private readonly connection: NatsConnection,
    readonly subjects: ChannelSubjects,
    private readonly listener: ReceiverListener,
    private readonly onClosed: (end: ChannelEnd) => void,
  ) {
    this.frames = connection.subscribe(subjects.frames, {
      callback: (error, message) => {
        if (this.closed) return;
        if (error !== null) return this.fail(subscriptionError(subjects, 'frame', error));
        let frame: Frame;
        try {
          frame = decodeFrame(message.data);
        } catch (e) {
          this.fail(e instanceof Error ? new WeirError(ErrorCodes.MALFORMED_FRAME, `NATS channel ${subjects.key}: ${e.message}`, { cause: e }) : new Error(String(e)));
          return;
        }
        this.received++;
        this.listener.onFrame(frame);
      },
    });
    this.syncs = connection.subscribe(subjects.sync, {
      callback: (error, message) => {
        if (error !== null) return this.fail(subscriptionError(subjects, 'sync', error));
        if (this.closed) return;
        const sent = Number(textDecoder.decode(message.data));
        if (Number.isSafeInteger(sent) && sent > this.received) {
          this.fail(
            new WeirError(
              ErrorCodes.CHANNEL_SEQUENCE,
              `NATS channel ${subjects.key}: ${sent - this.received} frame(s) were lost (the sender sent ${sent}, ${this.received} arrived), as when the NATS server restarts`,
            ),
          );
          return;
        }
        this.publishTotal();
      },
    });
    // Once both subscriptions are in place at the server, announce the total (a sender may be waiting already).
    connection.flush().then(
      () => this.publishTotal(),
      () => undefined,
    );
  }

  grantCredit(credits: number): void {
    if (this.closed) return;
    if (!Number.isSafeInteger(credits) || credits <= 0) throw new TypeError(`Credits must be a positive integer; got ${credits}`);
    this.granted += credits;
    // Grants made while one batch of messages is handled go out as one total.
    if (this.announcing) return;
    this.announcing = true;
    queueMicrotask(() => {
      this.announcing = false;
      this.publishTotal();
    });
  }

  close(): void {
    this.closeQuietly();
  }

  closeQuietly(): void {
    if (this.closed) return;
    this.closed = true;
    this.frames.unsubscribe();
    this.syncs.unsubscribe();
    this.onClosed(this);
  }

  fail(error: Error): void {
    if (this.closed) return;
    this.closeQuietly();
    this.listener.onError(error);
  }

  private publishTotal(): void {
    if (this.closed || this.granted === 0 || this.connection.isClosed()) return;
    this.connection.publish(this.subjects.credit, textEncoder.encode(String(this.granted)));
  }
}
