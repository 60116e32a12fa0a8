/**
 * The context a launcher (the `weir` CLI) sets before it loads a job program, as Flink's CLI does with its context
 * environment: default parallelism and mode from the command line, and a hook that takes over `execute` (for
 * `weir info`, which prints the plan instead of running the job). It lives on `globalThis`, so a job that loads
 * its own copy of `@weir/core` still sees it.
 */
import type { JobGraph } from '../graph/job-graph.js';
import type { PipelineExecutor } from '../runtime/executor.js';
import type { RuntimeExecutionMode } from './runtime-execution-mode.js';

/** What a launcher may set for the job programs it runs. */
export interface ExecutionContext {
  /** The default parallelism (`-p`). */
  parallelism?: number;
  /** The runtime mode (`--mode`). */
  runtimeMode?: RuntimeExecutionMode;
  /** Runs jobs instead of the embedded executor. */
  executor?: PipelineExecutor;
  /** Called with each job graph at `execute`; when it returns true the job is not run and `execute` never settles. */
  interceptPlan?: (jobGraph: JobGraph, jobName: string) => boolean;
  /** `weir run --from-savepoint PATH`. */
  fromSavepoint?: string;
  /** `weir run --allow-non-restored-state`. */
  allowNonRestoredState?: boolean;
}

const KEY = Symbol.for('weir.execution-context');

/** Sets (or with undefined clears) the execution context of this process. */
export function setExecutionContext(context: ExecutionContext | undefined): void {
  (globalThis as Record<symbol, unknown>)[KEY] = context;
}

/** The execution context of this process, if a launcher set one. */
export function getExecutionContext(): ExecutionContext | undefined {
  return (globalThis as Record<symbol, unknown>)[KEY] as ExecutionContext | undefined;
}
