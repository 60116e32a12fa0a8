#!/usr/bin/env node
/**
 * The `weir` executable: runs {@link main} with the process's arguments and exits with its code. After a job
 * program finished successfully the process ends as `node job.js` would, once nothing is left running; in every
 * other case (a failure, or `weir info`, which leaves the program waiting in `execute()`) it exits as soon as
 * standard output and standard error are flushed.
 */
import { main } from './cli.js';
import { formatErrorReport } from './error-report.js';
import { runningJobPrograms } from './job-loader.js';

/** Sets the exit code and exits once what was written to standard output and standard error has been flushed. */
function exitAfterFlush(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const flushed = (): void => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', flushed);
  process.stderr.write('', flushed);
}

// Output piped into a reader that stops early (`weir run job.ts | head`) ends the run quietly, as Unix tools do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

// Stack traces of the job point into its own source (the bundle carries an inline source map).
process.setSourceMapsEnabled(true);
// A failure outside the awaited program (a rejected `env.execute()` that was not awaited) ends the run like any other.
process.on('uncaughtException', (error) => {
  process.stderr.write(formatErrorReport(error));
  exitAfterFlush(1);
});

const code = await main(process.argv.slice(2));
if (code === 0 && runningJobPrograms() === 0) process.exitCode = 0;
else exitAfterFlush(code);
