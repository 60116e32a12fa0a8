/** Settings of a job's execution (Flink's `ExecutionConfig`). */
export class ExecutionConfig {
  private autoWatermarkInterval = 200;

  /** Sets how often periodic watermark generators emit, in ms (default 200; 0 disables periodic watermarks). */
  setAutoWatermarkInterval(intervalMs: number): this {
    if (!Number.isFinite(intervalMs) || intervalMs < 0) throw new TypeError(`autoWatermarkInterval must be >= 0, got ${intervalMs}`);
    this.autoWatermarkInterval = intervalMs;
    return this;
  }

  /** The auto-watermark interval in ms. */
  getAutoWatermarkInterval(): number {
    return this.autoWatermarkInterval;
  }
}
