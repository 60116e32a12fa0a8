/**
 * `checkpointStorageFromUri`: the checkpoint storage a configuration string names, as in
 * `env.getCheckpointConfig().setCheckpointStorage('file:///var/lib/weir/checkpoints')`.
 */
import { fileURLToPath } from 'node:url';
import { ErrorCodes, WeirError } from '../../errors.js';
import { describeValue } from '../../state/state-key.js';
import type { CheckpointStorage, CheckpointStorageOptions } from './checkpoint-storage.js';
import { LocalDirectoryCheckpointStorage } from './local-directory-checkpoint-storage.js';
import { MemoryCheckpointStorage } from './memory-checkpoint-storage.js';

/** A URI scheme of two or more characters (so that a Windows drive letter is not one). */
const URI_SCHEME = /^([A-Za-z][A-Za-z0-9+.-]+):/;

/**
 * Creates the checkpoint storage `uriOrPath` names:
 * - `memory://` (nothing after it): a new {@link MemoryCheckpointStorage};
 * - `file:///absolute/path`: a {@link LocalDirectoryCheckpointStorage} over that directory;
 * - a plain path (relative ones against the working directory): the same.
 *
 * Other storages (such as JetStream's) are created by their packages and passed as objects. Throws `TypeError` when
 * `uriOrPath` is not a non-empty string, and `WeirError` `INVALID_CONFIGURATION` for another scheme, a malformed
 * `file://` URI, or a path after `memory://`.
 *
 * @example
 * ```ts
 * const storage = checkpointStorageFromUri('file:///var/lib/weir/checkpoints', { savepointDirectory: '/var/lib/weir/savepoints' });
 * ```
 */
export function checkpointStorageFromUri(uriOrPath: string, options: CheckpointStorageOptions = {}): CheckpointStorage {
  if (typeof uriOrPath !== 'string' || uriOrPath.trim().length === 0) {
    throw new TypeError(`A checkpoint storage must be named by a path or a URI (file://, memory://); got ${describeValue(uriOrPath)}`);
  }
  const scheme = URI_SCHEME.exec(uriOrPath)?.[1]?.toLowerCase();
  if (scheme === undefined) return new LocalDirectoryCheckpointStorage(uriOrPath, options);
  if (scheme === 'memory') {
    if (!/^memory:(\/\/)?$/i.test(uriOrPath)) {
      throw new WeirError(
        ErrorCodes.INVALID_CONFIGURATION,
        `Invalid checkpoint storage "${uriOrPath}": memory:// takes no path (in-memory checkpoints live in the process)`,
      );
    }
    return new MemoryCheckpointStorage(options);
  }
  if (scheme === 'file') {
    let directory: string;
    try {
      directory = fileURLToPath(uriOrPath);
    } catch (error) {
      throw new WeirError(
        ErrorCodes.INVALID_CONFIGURATION,
        `Invalid checkpoint storage "${uriOrPath}": not a valid file URI (use file:///absolute/path or a plain path)`,
        { cause: error },
      );
    }
    return new LocalDirectoryCheckpointStorage(directory, options);
  }
  throw new WeirError(
    ErrorCodes.INVALID_CONFIGURATION,
    `Unsupported checkpoint storage "${uriOrPath}": the ${scheme}: scheme is not known here; use a directory path, a file:// URI or memory:// (other storages are created by their packages and passed as objects)`,
  );
}
