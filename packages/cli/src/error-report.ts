/**
 * How the `weir` command reports an error on standard error: one line, `weir: <message> [<code>, caused by <code>]`,
 * and the stack traces with their causes only when debugging (`WEIR_DEBUG=1`).
 */
import { inspect } from 'node:util';
import { isUsageError } from './errors.js';

/** Whether `WEIR_DEBUG` asks for stack traces (any value but empty, `0` or `false`). */
export function isDebugEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env['WEIR_DEBUG'];
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

/**
 * The report of `error` for standard error, ending with a newline. Mistakes in the command line show only their
 * message; other errors add the `code` of the error and of its causes. With `debug`, the stack traces follow.
 */
export function formatErrorReport(error: unknown, debug = isDebugEnabled()): string {
  let line = `weir: ${describeError(error)}`;
  if (!isUsageError(error)) {
    const codes = errorCodes(error);
    if (codes.length > 0) line += ` [${codes.join(', caused by ')}]`;
  }
  return debug ? `${line}\n${inspect(error, { depth: 6 })}\n` : `${line}\n`;
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return typeof error === 'string' ? error : inspect(error);
  // A coded error's message says what failed; other errors keep their name, as `TypeError: ...` tells something.
  return typeof (error as { code?: unknown }).code === 'string' || error.name === 'Error' ? error.message : `${error.name}: ${error.message}`;
}

/** The string codes of `error` and its causes, outermost first, without repeats. */
function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  const seen = new Set<unknown>();
  for (let e = error; e instanceof Error && !seen.has(e); e = e.cause) {
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && !codes.includes(code)) codes.push(code);
  }
  return codes;
}
