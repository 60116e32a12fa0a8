/**
 * Frames: what actors send each other over a channel. A frame is a batch of records (values with optional event
 * timestamps) followed by at most one control element, which takes effect after the records. Every frame on a channel
 * carries the next sequence number, starting at 1; a gap or a duplicate fails the receiving task.
 */

/** An event-time watermark: no record with a timestamp <= `timestamp` follows on this channel. */
export interface WatermarkElement {
  readonly kind: 'watermark';
  readonly timestamp: number;
}

/** The channel became idle (`idle: true`) or active again. */
export interface WatermarkStatusElement {
  readonly kind: 'watermark-status';
  readonly idle: boolean;
}

/** A checkpoint barrier (asynchronous barrier snapshotting). */
export interface BarrierElement {
  readonly kind: 'barrier';
  readonly checkpointId: number;
  readonly timestamp: number;
  readonly savepoint: boolean;
}

/** The sender has no more records for this channel. */
export interface EndOfInputElement {
  readonly kind: 'end-of-input';
}

/** A control element carried at the end of a frame. */
export type ControlElement = WatermarkElement | WatermarkStatusElement | BarrierElement | EndOfInputElement;

/** A batch of records plus an optional control element, numbered per channel. */
export interface Frame {
  /** Sequence number on its channel: 1 for the first frame, then +1 per frame. */
  readonly seq: number;
  /** The records' values, in order. */
  readonly values: unknown[];
  /** The records' timestamps aligned with `values`, or undefined when no record in the frame has one. */
  readonly timestamps: (number | undefined)[] | undefined;
  /** A control element that follows the records, if any. */
  readonly control: ControlElement | undefined;
}

/** The largest watermark: sent at the end of bounded input; fires every event-time window and timer. */
export const MAX_WATERMARK = Number.MAX_SAFE_INTEGER;

/** The smallest watermark, an operator's watermark before any input arrived. */
export const MIN_WATERMARK = Number.MIN_SAFE_INTEGER;
