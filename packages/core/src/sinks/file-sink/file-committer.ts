/**
 * The committer of a `FileSink` (Flink's `FileCommitter`): publishes pending part files by renaming them from their
 * hidden in-progress name to their finished name, then syncs the directory. Idempotent: a committable whose pending
 * file is gone but whose finished file exists was committed already.
 */
import { rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Committer } from '../../connector/sink.js';
import { describeCause, ErrorCodes, WeirError } from '../../errors.js';
import { syncDirectory } from './directory-sync.js';
import { committableProblem, type FileSinkCommittable } from './file-sink-checkpoint-data.js';

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Commits the committables of a `FileSink`. */
export class FileCommitter implements Committer<FileSinkCommittable> {
  /**
   * Renames every pending file to its finished name and syncs the directories. Already committed files are fine.
   * When a file cannot be committed (neither the pending nor the finished file exists, a rename fails, or the
   * committable is malformed) the others are still committed, then a `WeirError` with code `WEIR_SINK_COMMIT_FAILED`
   * names every file that failed.
   */
  async commit(committables: readonly FileSinkCommittable[]): Promise<void> {
    if (!Array.isArray(committables)) throw new TypeError('FileSink committer: commit() needs an array of committables');
    const problems: string[] = [];
    let firstCause: unknown;
    const directories = new Set<string>();
    for (const [index, committable] of committables.entries()) {
      const malformed = committableProblem(committable);
      if (malformed !== undefined) {
        problems.push(`committable #${index} is malformed (${malformed})`);
        continue;
      }
      const { pendingPath, finishedPath } = committable;
      try {
        await rename(pendingPath, finishedPath);
        directories.add(dirname(finishedPath));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT' && (await exists(finishedPath))) continue; // committed before
        firstCause ??= error;
        problems.push(
          (error as NodeJS.ErrnoException).code === 'ENOENT'
            ? `"${finishedPath}": neither it nor its pending file "${pendingPath}" exists`
            : `"${finishedPath}": cannot rename "${pendingPath}" to it: ${describeCause(error)}`,
        );
      }
    }
    for (const directory of directories) {
      try {
        await syncDirectory(directory);
      } catch (error) {
        firstCause ??= error;
        problems.push(`cannot sync the directory "${directory}": ${describeCause(error)}`);
      }
    }
    if (problems.length > 0) {
      throw new WeirError(ErrorCodes.SINK_COMMIT_FAILED, `FileSink could not commit ${problems.join('; ')}`, { cause: firstCause });
    }
  }

  /** Nothing to release. */
  close(): void {}
}
