/**
 * Durable directory entries for the `FileSink`: a file that was created or renamed survives a machine crash only
 * once its directory is synced (`fsync` on the directory), so the sink syncs a bucket's directory before handing out
 * committables or a snapshot that name its files, and after committing renames.
 */
import { open, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Syncs the entries of directory `path` to disk. A no-op on Windows, where directories cannot be opened for syncing
 * (NTFS journals its metadata).
 */
export async function syncDirectory(path: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Creates directory `path` with its missing parents, and syncs the parent of each directory it created. */
export async function createDirectoryDurably(path: string): Promise<void> {
  const first = await mkdir(path, { recursive: true });
  if (first === undefined) return;
  const created: string[] = [];
  for (let dir = path; ; dir = dirname(dir)) {
    created.push(dir);
    if (dir === first || dirname(dir) === dir) break;
  }
  for (const dir of created.reverse()) await syncDirectory(dirname(dir));
}
