/** The result of a finished job (Flink's `JobExecutionResult`). */
export class JobExecutionResult {
  /** Creates a result. */
  constructor(
    private readonly jobId: string,
    private readonly netRuntimeMs: number,
    private readonly accumulators: ReadonlyMap<string, unknown> = new Map(),
  ) {}

  /** The job's id. */
  getJobId(): string {
    return this.jobId;
  }

  /** The job's run time in milliseconds. */
  getNetRuntime(): number {
    return this.netRuntimeMs;
  }

  /** The final value of an accumulator, or undefined if the job has none of that name. */
  getAccumulatorResult<V>(name: string): V | undefined {
    return this.accumulators.get(name) as V | undefined;
  }

  /** Every accumulator by name. */
  getAllAccumulatorResults(): ReadonlyMap<string, unknown> {
    return this.accumulators;
  }
}
