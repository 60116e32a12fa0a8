/**
 * The `weir` command line: a commander program with the `run` and `info` commands. {@link main} runs it in the
 * current process and resolves to the exit code, so it can be called from tests as well as from the executable.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { defineClusterCommands } from './commands/cluster.js';
import { defineInfoCommand } from './commands/info.js';
import { defineRunCommand } from './commands/run.js';
import { formatErrorReport } from './error-report.js';
import { isUsageError } from './errors.js';

/** Exit code: success. */
export const EXIT_OK = 0;
/** Exit code: the job failed, did not load, or never called `execute()`. */
export const EXIT_FAILURE = 1;
/** Exit code: a mistake in the command line (unknown command or option, bad value, missing job file). */
export const EXIT_USAGE = 2;

/** The version of `@weir/cli`, from its package.json. */
export function cliVersion(): string {
  const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return packageJson.version;
}

/** Creates the commander program of the `weir` command; it throws instead of exiting. */
export function createProgram(): Command {
  const program = new Command('weir')
    .description('Run weir stream processing jobs and print their plans.')
    .version(cliVersion(), '-V, --version', 'print the version of weir')
    .helpCommand(false)
    .exitOverride()
    .configureOutput({
      // Commander's errors ("error: unknown option '-x'\n(Did you mean ...?)") as one line in weir's style.
      outputError: (message, write) => write(`weir: ${message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ').trim()}\n`),
    })
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  weir run examples/word-count.ts examples/data/words.txt',
        '  weir run job.ts -p 4 --mode batch -- --input data/ --verbose',
        '  weir info job.ts -p 4',
        '  weir cluster start --taskmanagers 2 --slots 4',
        '',
        'Exit codes: 0 success, 1 the job failed or did not load, 2 a mistake in the command line.',
        'Set WEIR_DEBUG=1 to print stack traces.',
      ].join('\n'),
    );
  defineRunCommand(program);
  defineInfoCommand(program);
  defineClusterCommands(program);
  return program;
}

/**
 * Runs the `weir` command line with `argv`, the arguments after the program name (`process.argv.slice(2)`), and
 * resolves to the exit code: 0, 1 when the job failed, did not load or never called `execute()`, 2 for a mistake
 * in the command line. Errors are reported on standard error, one line each (with stack traces when `WEIR_DEBUG=1`).
 */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    await createProgram().parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    // Commander has printed its message, or the help or version that it was asked for.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    process.stderr.write(formatErrorReport(error));
    return isUsageError(error) ? EXIT_USAGE : EXIT_FAILURE;
  }
}
