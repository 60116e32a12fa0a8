/**
 * `LocalDirectoryCheckpointStorage`: checkpoints as files under a base directory on a local (or mounted) file system,
 * laid out as in Flink: `<base>/<jobId>/chk-<n>/_metadata` and state files, `<base>/<jobId>/shared/`, savepoints in
 * `<target>/savepoint-<jobId[0..6]>-<random>/`. Pointers are absolute paths of checkpoint directories.
 *
 * Durability: state files are synced before `writeState` resolves; shared files and `_metadata` are written to a
 * temporary file (`<name>.<random>.tmp`), synced, renamed into place, and the directory is synced, so a crash (even
 * a power loss) leaves either no `_metadata` (an incomplete checkpoint, ignored) or a whole one. Temporary files left
 * by a crash are ignored and removed with their checkpoint.
 *
 * Threading model and lifecycle: those of {@link CheckpointStorage}; nothing is held open between calls, so `close()`
 * has nothing to release. Several processes may use the same base directory (a cluster on a shared volume).
 *
 * @example
 * ```ts
 * const storage = new LocalDirectoryCheckpointStorage('file:///var/lib/weir/checkpoints', {
 *   savepointDirectory: '/var/lib/weir/savepoints',
 * });
 * ```
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeValue } from '../../state/state-key.js';
import { CheckpointStorage, type CheckpointStorageOptions, type CheckpointStorageSupports } from './checkpoint-storage.js';

/** The default base directory, relative to the working directory: `.weir/checkpoints`. The coordinator may choose another. */
export const DEFAULT_LOCAL_CHECKPOINT_DIRECTORY = path.join('.weir', 'checkpoints');

/** Options of {@link LocalDirectoryCheckpointStorage}. */
export type LocalDirectoryCheckpointStorageOptions = CheckpointStorageOptions;

/** A URI scheme of two or more characters (so that a Windows drive letter is not one). */
const URI_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]+:/;

/** The codes of a missing file or directory. */
function isNotFound(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** Syncs a directory, so that entries created, renamed or removed in it are durable. Not possible everywhere (Windows). */
async function syncDirectory(directory: string): Promise<void> {
  let handle;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | null)?.code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF' && code !== 'EACCES') throw error;
  } finally {
    await handle?.close();
  }
}

/** Writes `chunks` to `file` (replacing it) and syncs it. */
async function writeAndSync(file: string, chunks: readonly Uint8Array[]): Promise<void> {
  const handle = await open(file, 'w');
  try {
    // FileHandle.writeFile writes from the current position and loops until everything is written.
    for (const chunk of chunks) await handle.writeFile(chunk);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The absolute path a local path, `file://` URI string or file URL names; `TypeError` for anything else. */
function toAbsolutePath(what: string, location: string | URL): string {
  if (location instanceof URL || (typeof location === 'string' && location.startsWith('file:'))) {
    try {
      return path.resolve(fileURLToPath(location));
    } catch (error) {
      throw new TypeError(`${what} ${String(location)} is not a valid file URI (use file:///absolute/path)`, { cause: error });
    }
  }
  if (typeof location !== 'string' || location.length === 0) {
    throw new TypeError(`${what} must be a path or a file:// URI; got ${describeValue(location)}`);
  }
  if (URI_SCHEME.test(location)) throw new TypeError(`${what} must be a path or a file:// URI; got ${location}`);
  return path.resolve(location);
}

/** Checkpoint storage in a local directory; see the module documentation. */
export class LocalDirectoryCheckpointStorage extends CheckpointStorage {
  /** `local-directory`. */
  readonly name = 'local-directory';
  /** Checkpoints are files: they survive the process. */
  readonly supports: CheckpointStorageSupports = { durable: true };
  /** The absolute path of the base directory. */
  readonly directory: string;

  /**
   * Creates the storage over `directory`: a path (relative ones against the working directory, now) or a `file://`
   * URI; default {@link DEFAULT_LOCAL_CHECKPOINT_DIRECTORY} (`<cwd>/.weir/checkpoints`). Nothing is created on disk
   * until a job's storage is. Throws `TypeError` for another kind of URI.
   */
  constructor(directory: string | URL = DEFAULT_LOCAL_CHECKPOINT_DIRECTORY, options: LocalDirectoryCheckpointStorageOptions = {}) {
    super(options);
    this.directory = toAbsolutePath('The checkpoint directory', directory);
  }

  protected _rootDirectory(): string {
    return this.directory;
  }

  protected _resolve(pointer: string): string | undefined {
    if (pointer.startsWith('file:')) {
      try {
        return path.resolve(fileURLToPath(pointer));
      } catch {
        return undefined;
      }
    }
    if (URI_SCHEME.test(pointer)) return undefined;
    return path.resolve(pointer);
  }

  protected _child(directory: string, name: string): string {
    return path.join(directory, name);
  }

  protected _parent(pointer: string): string {
    return path.dirname(pointer);
  }

  protected _baseName(pointer: string): string {
    return path.basename(pointer);
  }

  protected async _makeDirectory(directory: string): Promise<void> {
    const firstCreated = await mkdir(directory, { recursive: true });
    if (firstCreated === undefined) return;
    // Make every new entry durable: sync the parent of each directory created, from the deepest up.
    for (let created = directory; ; created = path.dirname(created)) {
      await syncDirectory(path.dirname(created));
      if (created === firstCreated || created === path.dirname(created)) break;
    }
  }

  protected async _list(directory: string): Promise<string[] | undefined> {
    try {
      return await readdir(directory);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  protected async _writeFile(directory: string, name: string, chunks: readonly Uint8Array[]): Promise<void> {
    await writeAndSync(path.join(directory, name), chunks);
  }

  protected async _writeFileAtomically(directory: string, name: string, chunks: readonly Uint8Array[]): Promise<void> {
    const file = path.join(directory, name);
    const temporary = path.join(directory, `${name}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      await writeAndSync(temporary, chunks);
      await rename(temporary, file);
    } catch (error) {
      await rm(temporary, { force: true }).catch(() => undefined);
      throw error;
    }
    await syncDirectory(directory);
  }

  protected async _readFile(directory: string, name: string, maxBytes?: number): Promise<Uint8Array | undefined> {
    const file = path.join(directory, name);
    try {
      if (maxBytes === undefined) return await readFile(file);
      const handle = await open(file, 'r');
      try {
        const buffer = new Uint8Array(maxBytes);
        const { bytesRead } = await handle.read(buffer, 0, maxBytes, 0);
        return buffer.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  protected async _fileSize(directory: string, name: string): Promise<number | undefined> {
    try {
      const stats = await stat(path.join(directory, name));
      return stats.isFile() ? stats.size : undefined;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  protected async _deleteFile(directory: string, name: string): Promise<void> {
    await rm(path.join(directory, name), { force: true });
  }

  protected async _deleteDirectory(directory: string): Promise<void> {
    await rm(directory, { recursive: true, force: true });
  }
}
