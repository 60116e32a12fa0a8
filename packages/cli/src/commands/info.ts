/**
 * `weir info <job> [-p N] [--mode M]`: prints the plan of a job, as `flink info` does, without running it. The job
 * program runs up to its `execute()`, which hands the job graph to the CLI instead of running it and never settles.
 */
import type { Command } from 'commander';
import { ErrorCodes, WeirError, describeJobGraph, setExecutionContext } from '@weir/core';
import { addJobArguments, parseJobSettings, type JobOptionValues, type JobSettings } from '../job-options.js';
import { resolveJobFile, runJobProgram } from '../job-loader.js';

/** Which job `weir info` describes. */
export interface DescribeJobOptions extends JobSettings {
  /** The job file, absolute or relative to the working directory. */
  jobPath: string;
  /** The job program's arguments (its `process.argv.slice(2)`). */
  jobArgs?: readonly string[];
}

/** The plan of a job: its name and its job graph, described by `describeJobGraph`. */
export interface JobPlan {
  /** The name the program passed to `execute()`. */
  readonly jobName: string;
  /** The vertices (operator chains with parallelism) and the edges (partitioning) of the job graph. */
  readonly plan: string;
}

/**
 * Runs the job program up to its first `execute()` and resolves with the plan of that job, which does not run.
 * The program stays blocked in `execute()`. Rejects with what the program threw before, with a `CliError` when
 * the file is missing or does not load, and with a `WeirError` `WEIR_NO_JOB_DEFINED` when the program finished
 * without calling `execute()`.
 */
export async function describeJob(options: DescribeJobOptions): Promise<JobPlan> {
  const jobFile = await resolveJobFile(options.jobPath);
  let captured!: (plan: JobPlan) => void;
  const plan = new Promise<JobPlan>((resolve) => (captured = resolve));
  setExecutionContext({
    parallelism: options.parallelism,
    runtimeMode: options.runtimeMode,
    interceptPlan: (jobGraph, jobName) => {
      captured({ jobName, plan: describeJobGraph(jobGraph) });
      return true;
    },
  });
  const program = runJobProgram(jobFile, options.jobArgs).then((): never => {
    throw new WeirError(ErrorCodes.NO_JOB_DEFINED, 'the job never called execute()');
  });
  // Once the plan is captured the program never settles, unless it went on (executeAsync) and failed later: ignore that.
  program.catch(() => undefined);
  return Promise.race([plan, program]);
}

/** Defines the `info` command on the program. */
export function defineInfoCommand(program: Command): void {
  addJobArguments(program.command('info'))
    .summary('print the plan of a job without running it')
    .description(
      'Print the plan of a job without running it: its vertices (chained operators, parallelism) and the edges\n' +
        'between them (FORWARD, HASH, REBALANCE, ...). The program runs up to its execute(), which does not run the job.',
    )
    .usage('[options] <job> [-- jobArgs...]')
    .action(async (jobPath: string, jobArgs: string[], values: JobOptionValues) => {
      const { jobName, plan } = await describeJob({ jobPath, jobArgs, ...parseJobSettings(values) });
      process.stdout.write(`Job "${jobName}"\n${plan}\n`);
    });
}
