/** Durations in milliseconds, as Flink's `Time`: `Time.seconds(5)` returns `5000`. */
export const Time = {
  /** `n` milliseconds. */
  milliseconds: (n: number): number => n,
  /** `n` seconds in milliseconds. */
  seconds: (n: number): number => n * 1000,
  /** `n` minutes in milliseconds. */
  minutes: (n: number): number => n * 60_000,
  /** `n` hours in milliseconds. */
  hours: (n: number): number => n * 3_600_000,
  /** `n` days in milliseconds. */
  days: (n: number): number => n * 86_400_000,
} as const;
