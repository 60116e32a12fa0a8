/**
 * The error for a record without a timestamp where event time is needed (semantics.md: "A record without a timestamp
 * in an event-time window is an error that says to call `assignTimestampsAndWatermarks`").
 */
import { ErrorCodes, WeirError } from '../errors.js';

/** Returns `timestamp` if it is a number, else throws `WEIR_MISSING_TIMESTAMP` naming `user` (an assigner or trigger). */
export function requireTimestamp(timestamp: number | undefined, user: { toString(): string }): number {
  if (typeof timestamp === 'number' && !Number.isNaN(timestamp)) return timestamp;
  throw new WeirError(
    ErrorCodes.MISSING_TIMESTAMP,
    `A record has no timestamp, but ${String(user)} works in event time. Call assignTimestampsAndWatermarks(...) on the stream ` +
      `before the window (for example WatermarkStrategy.forBoundedOutOfOrderness(ms).withTimestampAssigner(...)), ` +
      `or use a processing-time window assigner.`,
  );
}
