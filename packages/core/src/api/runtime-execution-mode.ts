/** How a job executes (Flink's `RuntimeExecutionMode`). */
export const RuntimeExecutionMode = {
  /** Unbounded processing: rolling results, one update per record. */
  STREAMING: 'STREAMING',
  /** Bounded processing: only final results. Every source must be bounded. */
  BATCH: 'BATCH',
  /** BATCH when every source is bounded, otherwise STREAMING. */
  AUTOMATIC: 'AUTOMATIC',
} as const;

/** One of the values of {@link RuntimeExecutionMode}. */
export type RuntimeExecutionMode = (typeof RuntimeExecutionMode)[keyof typeof RuntimeExecutionMode];
