/**
 * Lists the files under the paths of a file source, like Flink's `NonSplittingRecursiveEnumerator` with its
 * `DefaultFileFilter`: a path that is a file is listed itself; a directory is read recursively, skipping entries
 * whose name starts with `'.'` or `'_'` (hidden files, `_SUCCESS` markers, in-progress files). The paths given are
 * never skipped themselves. Symbolic links are followed (a directory reached twice is read once).
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describeCause, ErrorCodes, WeirError } from '../errors.js';

/** Whether a directory entry is skipped: its name starts with `'.'` or `'_'`. */
export function isHiddenFileName(name: string): boolean {
  return name.startsWith('.') || name.startsWith('_');
}

/**
 * The files under `paths` (absolute), deduplicated and sorted by path. A path that cannot be read rejects with a
 * `WeirError` `SOURCE_FAILED` naming it.
 */
export async function listFiles(paths: readonly string[]): Promise<string[]> {
  const files = new Set<string>();
  const visitedDirectories = new Set<string>();
  for (const root of paths) {
    let info;
    try {
      info = await stat(root);
    } catch (error) {
      throw new WeirError(ErrorCodes.SOURCE_FAILED, `File source cannot read the path "${root}": ${describeCause(error)}`, { cause: error });
    }
    if (info.isDirectory()) await listDirectory(root, true, files, visitedDirectories);
    else files.add(root);
  }
  return [...files].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

async function listDirectory(directory: string, isRoot: boolean, files: Set<string>, visited: Set<string>): Promise<void> {
  let entries;
  try {
    const real = await realpath(directory);
    if (visited.has(real)) return;
    visited.add(real);
    entries = await readdir(directory, { withFileTypes: true });
  } catch (error) {
    // A subdirectory removed since its parent was read has nothing to read.
    if (!isRoot && (error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new WeirError(ErrorCodes.SOURCE_FAILED, `File source cannot read the directory "${directory}": ${describeCause(error)}`, {
      cause: error,
    });
  }
  for (const entry of entries) {
    if (isHiddenFileName(entry.name)) continue;
    const path = join(directory, entry.name);
    let isDirectory = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      try {
        const target = await stat(path);
        isDirectory = target.isDirectory();
        isFile = target.isFile();
      } catch {
        continue; // A dangling link, or one removed meanwhile: nothing to read.
      }
    }
    if (isDirectory) await listDirectory(path, false, files, visited);
    else if (isFile) files.add(path);
  }
}
