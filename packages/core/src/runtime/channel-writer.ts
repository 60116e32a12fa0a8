/**
 * The sending side of a channel with credit-based flow control: a frame goes out only against a credit granted by
 * the receiver; without credit it waits in a backlog. A task whose writers have a backlog stops taking input, so
 * backpressure reaches the sources and memory stays bounded.
 */
import { ErrorCodes, WeirError } from '../errors.js';
import type { ControlElement, Frame } from './frame.js';
import type { ChannelAddress, ChannelSender, Transport } from './transport.js';

/** Callbacks of a {@link ChannelWriter}. */
export interface ChannelWriterListener {
  /** The backlog drained: the writer can take frames again. */
  onAvailable(): void;
  /** The channel failed. */
  onError(error: Error): void;
}

/** Numbers frames, spends credits, and queues frames that have no credit yet. */
export class ChannelWriter {
  private readonly sender: ChannelSender;
  private credits = 0;
  private nextSeq = 1;
  private readonly backlog: Frame[] = [];
  private closed = false;

  /** Opens the sending end of `address` on `transport`. */
  constructor(
    transport: Transport,
    readonly address: ChannelAddress,
    private readonly listener: ChannelWriterListener,
  ) {
    this.sender = transport.createSender(address, {
      onCredit: (n) => this.addCredit(n),
      onError: (e) => this.listener.onError(e),
    });
  }

  /** Sends a frame of records followed by an optional control element (or queues it without credit). */
  write(values: unknown[], timestamps: (number | undefined)[] | undefined, control: ControlElement | undefined): void {
    if (this.closed) throw new WeirError(ErrorCodes.TRANSPORT_CLOSED, `Channel ${this.describe()} is closed`);
    const frame: Frame = { seq: this.nextSeq++, values, timestamps, control };
    if (this.credits > 0 && this.backlog.length === 0) {
      this.credits--;
      this.sender.send(frame);
    } else {
      this.backlog.push(frame);
    }
  }

  /** True when nothing waits for credit. */
  isAvailable(): boolean {
    return this.backlog.length === 0;
  }

  /** The number of frames waiting for credit. */
  get backlogSize(): number {
    return this.backlog.length;
  }

  /** Releases the sending end; safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.backlog.length = 0;
    this.sender.close();
  }

  private addCredit(n: number): void {
    if (this.closed) return;
    this.credits += n;
    if (this.backlog.length === 0) return;
    let sent = 0;
    while (this.credits > 0 && sent < this.backlog.length) {
      this.credits--;
      this.sender.send(this.backlog[sent++]);
    }
    this.backlog.splice(0, sent);
    if (this.backlog.length === 0) this.listener.onAvailable();
  }

  private describe(): string {
    const a = this.address;
    return `${a.edgeId} ${a.senderSubtask}->${a.receiverSubtask}`;
  }
}
