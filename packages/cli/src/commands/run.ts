/**
 * `weir run <job> [-p N] [--mode M] [-- args...]`: runs a job program on the embedded runtime, as `flink run` does
 * in attached mode, and finishes when the program has (after its `await env.execute()`).
 */
import type { Command } from 'commander';
import { ErrorCodes, WeirError, setExecutionContext } from '@weir/core';
import { addJobArguments, parseJobSettings, type JobOptionValues, type JobSettings } from '../job-options.js';
import { resolveJobFile, runJobProgram } from '../job-loader.js';

/** What `weir run` runs. */
export interface RunJobOptions extends JobSettings {
  /** `--from-savepoint PATH`: a savepoint or retained checkpoint directory (or its `_metadata`) to start from. */
  fromSavepoint?: string;
  /** `--allow-non-restored-state`: drop state of operators the job no longer has. */
  allowNonRestoredState?: boolean;
  /** The job file, absolute or relative to the working directory. */
  jobPath: string;
  /** The job program's arguments (its `process.argv.slice(2)`). */
  jobArgs?: readonly string[];
}

/**
 * Runs the job program with the settings as its execution context. Resolves when the program has finished;
 * rejects with what it threw (a job failure is a `WeirError` `WEIR_JOB_FAILED`), with a `CliError` when the file
 * is missing or does not load, and with a `WeirError` `WEIR_NO_JOB_DEFINED` when the program never called
 * `execute()` (Flink's "the program didn't contain a job").
 */
export async function runJob(options: RunJobOptions): Promise<void> {
  const jobFile = await resolveJobFile(options.jobPath);
  let submitted = 0;
  setExecutionContext({
    parallelism: options.parallelism,
    runtimeMode: options.runtimeMode,
    fromSavepoint: options.fromSavepoint,
    allowNonRestoredState: options.allowNonRestoredState,
    // Only counts the jobs the program submits; returning false lets each run.
    interceptPlan: () => {
      submitted++;
      return false;
    },
  });
  await runJobProgram(jobFile, options.jobArgs);
  if (submitted === 0) throw new WeirError(ErrorCodes.NO_JOB_DEFINED, 'the job never called execute()');
}

/** Defines the `run` command on the program. */
export function defineRunCommand(program: Command): void {
  addJobArguments(program.command('run'))
    .summary('run a job program on the embedded runtime')
    .description(
      'Run a job program on the embedded runtime and wait for it to finish. The program builds a pipeline and\n' +
        'calls `await env.execute()`; -p and --mode become the defaults of its execution environment.',
    )
    .option('--from-savepoint <path>', 'start from a savepoint or a retained checkpoint (its directory or its _metadata file)')
    .option('--allow-non-restored-state', 'start even if the savepoint holds state of operators the job no longer has (that state is dropped)')
    .usage('[options] <job> [-- jobArgs...]')
    .action(async (jobPath: string, jobArgs: string[], values: JobOptionValues & { fromSavepoint?: string; allowNonRestoredState?: boolean }) => {
      await runJob({
        jobPath,
        jobArgs,
        ...parseJobSettings(values),
        fromSavepoint: values.fromSavepoint,
        allowNonRestoredState: values.allowNonRestoredState === true,
      });
    });
}
