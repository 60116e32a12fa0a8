/**
 * Loads and runs a job program, as `flink run` runs a jar's main method: the program sees itself as the main
 * script (`process.argv` is `[node, job, ...args]`), builds its pipeline and calls `await env.execute()` at top
 * level; the settings of the command line reach it through the execution context that the caller set before.
 */
import { stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { bundleJob, type JobBundle } from './job-bundle.js';
import { CliError, CliErrorCodes } from './errors.js';

/** The file extensions of job programs: TypeScript and JavaScript ES modules. */
export const JOB_FILE_EXTENSIONS: readonly string[] = ['.ts', '.mts', '.js', '.mjs'];

let running = 0;

/**
 * Checks the job file named on the command line and returns its absolute path. Rejects with a `CliError`:
 * `WEIR_CLI_JOB_NOT_FOUND` when there is no such file, `WEIR_CLI_BAD_ARGUMENT` for an unsupported extension.
 */
export async function resolveJobFile(jobPath: string): Promise<string> {
  const absolute = resolve(jobPath);
  const stats = await stat(absolute).catch(() => undefined);
  if (stats === undefined) throw new CliError(CliErrorCodes.JOB_NOT_FOUND, `job file not found: ${jobPath}`);
  if (!stats.isFile()) throw new CliError(CliErrorCodes.JOB_NOT_FOUND, `job file not found: ${jobPath} is not a file`);
  const extension = extname(absolute);
  if (!JOB_FILE_EXTENSIONS.includes(extension)) {
    throw new CliError(
      CliErrorCodes.BAD_ARGUMENT,
      `unsupported job file "${jobPath}": expected a ${JOB_FILE_EXTENSIONS.join(', ')} file`,
    );
  }
  return absolute;
}

/**
 * Runs the job program at the absolute path `jobFile` with `args` as its arguments: bundles it (see `bundleJob`),
 * sets `process.argv` to `[node, jobFile, ...args]` and imports it. Resolves when the program's top-level code,
 * including its top-level `await env.execute()`, has finished; rejects with what the program threw, or with a
 * `CliError` `WEIR_CLI_JOB_LOAD_FAILED` when it could not be compiled or its imports could not be loaded.
 */
export async function runJobProgram(jobFile: string, args: readonly string[] = []): Promise<void> {
  const bundle = await bundleJob(jobFile);
  process.argv = [process.argv[0] ?? process.execPath, jobFile, ...args];
  running++;
  try {
    await import(bundle.url);
  } catch (error) {
    // The bundle deletes itself as its first statement: if it is still there, the program never started, and the
    // error is about loading it (an import that Node cannot find), not something the job threw.
    const started = !bundle.remove();
    throw started ? error : new CliError(CliErrorCodes.JOB_LOAD_FAILED, `cannot load the job: ${mentionJob(error, bundle, jobFile)}`, { cause: error });
  } finally {
    running--;
    bundle.remove();
  }
}

/** The number of job programs whose top-level code has not finished (`weir info` leaves one waiting in `execute()`). */
export function runningJobPrograms(): number {
  return running;
}

/** The message of `error` with the bundle's name replaced by the job's. */
function mentionJob(error: unknown, bundle: JobBundle, jobFile: string): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replaceAll(bundle.url, jobFile).replaceAll(bundle.path, jobFile);
}
