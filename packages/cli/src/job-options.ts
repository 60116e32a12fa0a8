/**
 * The arguments and options that `weir run` and `weir info` share: the job file, the job's own arguments (after
 * `--`), `-p, --parallelism` and `--mode`, and their validation into execution settings.
 */
import type { Command } from 'commander';
import { RuntimeExecutionMode } from '@weir/core';
import { CliError, CliErrorCodes } from './errors.js';

/** The raw option values of a job command, as commander parses them. */
export interface JobOptionValues {
  /** `-p, --parallelism`. */
  parallelism?: string;
  /** `--mode`. */
  mode?: string;
}

/** The validated settings that a launcher passes to a job through its execution context. */
export interface JobSettings {
  /** The default parallelism of the job, when `-p` was given. */
  parallelism?: number;
  /** The runtime mode of the job, when `--mode` was given. */
  runtimeMode?: RuntimeExecutionMode;
}

/** Adds `<job> [jobArgs...]`, `-p, --parallelism <n>` and `--mode <mode>` to a command. */
export function addJobArguments(command: Command): Command {
  return command
    .argument('<job>', 'the job program: a .ts, .mts, .js or .mjs file that calls `await env.execute()`')
    .argument('[jobArgs...]', 'arguments for the job program, which sees them in process.argv (put them after --)')
    .option('-p, --parallelism <n>', 'default parallelism of the job (default: the number of CPU cores)')
    .option('--mode <mode>', 'runtime mode: streaming, batch or automatic (default: what the job sets, else streaming)');
}

/** Validates the option values; throws a `CliError` `WEIR_CLI_BAD_ARGUMENT` naming the bad value. */
export function parseJobSettings(values: JobOptionValues): JobSettings {
  const settings: JobSettings = {};
  if (values.parallelism !== undefined) settings.parallelism = parseParallelism(values.parallelism);
  if (values.mode !== undefined) settings.runtimeMode = parseRuntimeMode(values.mode);
  return settings;
}

/** Parses `-p`: a positive integer. */
export function parseParallelism(value: string): number {
  const parallelism = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(parallelism) || parallelism < 1) {
    throw new CliError(CliErrorCodes.BAD_ARGUMENT, `parallelism must be a positive integer, got "${value}"`);
  }
  return parallelism;
}

/** Parses `--mode`: streaming, batch or automatic, in any case. */
export function parseRuntimeMode(value: string): RuntimeExecutionMode {
  const mode = Object.values(RuntimeExecutionMode).find((m) => m === value.trim().toUpperCase());
  if (mode === undefined) {
    throw new CliError(CliErrorCodes.BAD_ARGUMENT, `mode must be streaming, batch or automatic, got "${value}"`);
  }
  return mode;
}
