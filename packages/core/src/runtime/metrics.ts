/**
 * Operator metrics: counters that operators increment and the JobManager sums over the subtasks of the current
 * attempt. They are read with `JobClient.getMetrics()` while a job runs and come with the `JobExecutionResult`
 * (`getAccumulatorResult('<operator uid or name>.<metric>')`) when it finishes. Names follow Flink's metrics, such as
 * `numLateRecordsDropped` of window operators.
 */

/** A monotonic counter. */
export class Counter {
  private value = 0;

  /** Adds `n` (default 1). */
  inc(n = 1): void {
    this.value += n;
  }

  /** The current count. */
  getCount(): number {
    return this.value;
  }
}

/** Where an operator registers its metrics. */
export interface MetricGroup {
  /** The counter `name` of this operator instance (the same object for the same name). */
  counter(name: string): Counter;
}

/** Collects the counters of the operator instances of one job attempt. */
export class JobMetrics {
  private counters = new Map<string, Counter[]>();

  /** The metric group of one operator instance; `scope` is the operator's uid or name. */
  group(scope: string): MetricGroup {
    const own = new Map<string, Counter>();
    return {
      counter: (name) => {
        let counter = own.get(name);
        if (counter === undefined) {
          counter = new Counter();
          own.set(name, counter);
          const key = `${scope}.${name}`;
          this.counters.set(key, [...(this.counters.get(key) ?? []), counter]);
        }
        return counter;
      },
    };
  }

  /** Forgets the counters of a finished attempt (a restart starts from zero, as in Flink). */
  reset(): void {
    this.counters = new Map();
  }

  /** Every metric summed over the operator's instances, by `<scope>.<name>`. */
  snapshot(): ReadonlyMap<string, number> {
    const out = new Map<string, number>();
    for (const [key, counters] of this.counters) out.set(key, counters.reduce((sum, c) => sum + c.getCount(), 0));
    return out;
  }
}
