/**
 * `@weir/cli`: the `weir` command, which runs job programs on the embedded runtime (`weir run`) and prints their
 * plans (`weir info`), as Flink's `flink run` and `flink info` do. A job program is an ordinary TypeScript or
 * JavaScript module that builds a pipeline and calls `await env.execute()`; the command line's `-p` and `--mode`
 * reach it through the execution context of `@weir/core`.
 *
 * @example
 * ```ts
 * // From a shell: weir run job.ts -p 2 --mode batch -- input.txt
 * import { main, runJob } from '@weir/cli';
 *
 * const exitCode = await main(['info', 'job.ts', '-p', '2']);   // prints the plan, resolves to 0
 * await runJob({ jobPath: 'job.ts', jobArgs: ['input.txt'], parallelism: 2 });
 * ```
 */

export { main, createProgram, cliVersion, EXIT_OK, EXIT_FAILURE, EXIT_USAGE } from './cli.js';
export { runJob } from './commands/run.js';
export type { RunJobOptions } from './commands/run.js';
export { describeJob } from './commands/info.js';
export type { DescribeJobOptions, JobPlan } from './commands/info.js';
export { JOB_FILE_EXTENSIONS, resolveJobFile, runJobProgram } from './job-loader.js';
export { bundleJob } from './job-bundle.js';
export type { JobBundle } from './job-bundle.js';
export { parseJobSettings, parseParallelism, parseRuntimeMode } from './job-options.js';
export type { JobOptionValues, JobSettings } from './job-options.js';
export { CliError, CliErrorCodes, isUsageError } from './errors.js';
export type { CliErrorCode } from './errors.js';
export { formatErrorReport, isDebugEnabled } from './error-report.js';
