/** The clock of state time-to-live (Flink's `TtlTimeProvider`): processing time, injectable for tests. */

/** Gives the current processing time for state time-to-live. */
export interface TtlTimeProvider {
  /** The current time in milliseconds since the epoch. */
  currentTimestamp(): number;
}

/** The system clock (`Date.now()`), the default. */
export const systemTtlTimeProvider: TtlTimeProvider = Object.freeze({ currentTimestamp: (): number => Date.now() });
