/**
 * The receiving side of a channel: grants the initial credit, checks that frames arrive in sequence (a gap or a
 * duplicate fails the task; it never passes silently), and returns one credit per frame the task has processed.
 */
import { ErrorCodes, WeirError } from '../errors.js';
import type { Frame } from './frame.js';
import type { ChannelAddress, ChannelReceiver, Transport } from './transport.js';

/** Callbacks of a {@link ChannelReader}. */
export interface ChannelReaderListener {
  /** A frame arrived in sequence. */
  onFrame(frame: Frame): void;
  /** The channel failed, or a frame arrived out of sequence. */
  onError(error: Error): void;
}

/** The default number of frames a receiver lets a sender have in flight per channel. */
export const DEFAULT_INITIAL_CREDITS = 4;

/** Receives frames of one channel in order and hands back credit as they are processed. */
export class ChannelReader {
  private readonly receiver: ChannelReceiver;
  private expectedSeq = 1;
  private failed = false;
  private closed = false;

  /** Opens the receiving end of `address` and grants `initialCredits`. */
  constructor(
    transport: Transport,
    readonly address: ChannelAddress,
    private readonly listener: ChannelReaderListener,
    initialCredits: number = DEFAULT_INITIAL_CREDITS,
  ) {
    if (!Number.isInteger(initialCredits) || initialCredits < 1) {
      throw new TypeError(`initialCredits must be a positive integer, got ${initialCredits}`);
    }
    this.receiver = transport.createReceiver(address, {
      onFrame: (frame) => this.accept(frame),
      onError: (e) => this.fail(e),
    });
    this.receiver.grantCredit(initialCredits);
  }

  /** The task finished processing one frame of this channel: the sender may send one more. */
  release(credits = 1): void {
    if (!this.closed && !this.failed) this.receiver.grantCredit(credits);
  }

  /** Releases the receiving end; safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.receiver.close();
  }

  private accept(frame: Frame): void {
    if (this.failed || this.closed) return;
    if (frame.seq !== this.expectedSeq) {
      const a = this.address;
      const what = frame.seq < this.expectedSeq ? 'a duplicate' : 'a gap';
      this.fail(
        new WeirError(
          ErrorCodes.CHANNEL_SEQUENCE,
          `Channel ${a.edgeId} ${a.senderSubtask}->${a.receiverSubtask}: expected frame ${this.expectedSeq}, got ${frame.seq} (${what})`,
        ),
      );
      return;
    }
    this.expectedSeq++;
    this.listener.onFrame(frame);
  }

  private fail(error: Error): void {
    if (this.failed) return;
    this.failed = true;
    this.listener.onError(error);
  }
}
