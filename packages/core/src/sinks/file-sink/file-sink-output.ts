/**
 * Reads what a `FileSink` wrote under a base path, for tests and checks: the finished (visible) part files, the
 * hidden in-progress or pending ones, and the lines of the finished files.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';

/** The part files under a base path, as paths relative to it, sorted. */
export interface FileSinkOutput {
  /** Visible files: committed. */
  readonly finished: string[];
  /** Hidden files (names starting with `.`): in progress, or pending a commit, or left by a failed attempt. */
  readonly hidden: string[];
}

/** Lists the files under `basePath` (recursively), split into finished and hidden ones. */
export async function listFileSinkOutput(basePath: string): Promise<FileSinkOutput> {
  const entries = await readdir(basePath, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(basePath.length + 1))
    .sort();
  return {
    finished: files.filter((file) => !basename(file).startsWith('.')),
    hidden: files.filter((file) => basename(file).startsWith('.')),
  };
}

/** The lines of every finished file under `basePath`, sorted (each file's lines end with a newline). */
export async function readFinishedLines(basePath: string): Promise<string[]> {
  const { finished } = await listFileSinkOutput(basePath);
  const lines: string[] = [];
  for (const file of finished) {
    const text = await readFile(join(basePath, file), 'utf8');
    if (text === '') continue;
    if (!text.endsWith('\n')) throw new Error(`The finished file "${file}" does not end with a newline`);
    lines.push(...text.slice(0, -1).split('\n'));
  }
  return lines.sort();
}
