/**
 * Errors of `@weir/cli`. Every error carries a stable `code` (listed in the package README) and, where there is one,
 * the `cause`. A job program that never calls `execute()` is reported with core's `WEIR_NO_JOB_DEFINED`.
 */

/** The stable codes of the CLI's errors. */
export const CliErrorCodes = {
  /** A command-line argument is invalid (a bad `-p` or `--mode`, an unsupported job file extension). Exit code 2. */
  BAD_ARGUMENT: 'WEIR_CLI_BAD_ARGUMENT',
  /** The job file does not exist or is not a file. Exit code 2. */
  JOB_NOT_FOUND: 'WEIR_CLI_JOB_NOT_FOUND',
  /** The job program could not be compiled, bundled or imported (a syntax error, an unresolvable import). Exit code 1. */
  JOB_LOAD_FAILED: 'WEIR_CLI_JOB_LOAD_FAILED',
} as const;

/** One of the values of {@link CliErrorCodes}. */
export type CliErrorCode = (typeof CliErrorCodes)[keyof typeof CliErrorCodes];

/** An error of the `weir` command: a message, a stable `code` and an optional `cause`. */
export class CliError extends Error {
  /** The stable code of this error, one of {@link CliErrorCodes}. */
  readonly code: CliErrorCode;

  /** Creates an error with a code, a message and an optional cause. */
  constructor(code: CliErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CliError';
    this.code = code;
  }
}

/** Whether `error` is a mistake in the command line (exit code 2) rather than a failure of the job (exit code 1). */
export function isUsageError(error: unknown): boolean {
  return error instanceof CliError && (error.code === CliErrorCodes.BAD_ARGUMENT || error.code === CliErrorCodes.JOB_NOT_FOUND);
}
