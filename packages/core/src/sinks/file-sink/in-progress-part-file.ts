/**
 * The open part file of a bucket (Flink's `InProgressFileWriter` on a local file system): a hidden file that records
 * are appended to through a write buffer. `persist` makes what was written durable and reports its valid length
 * for a checkpoint; `resume` reopens such a file after a failure and truncates it to that length; `closeForCommit`
 * completes it as a pending file. One task uses it, one call at a time.
 */
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { describeCause, ErrorCodes, WeirError } from '../../errors.js';
import { createDirectoryDurably, syncDirectory } from './directory-sync.js';
import type { InProgressFileState } from './file-sink-checkpoint-data.js';
import type { PartFileInfo } from './rolling-policy.js';

/** Bytes a part file buffers in memory before writing them to the file. */
export const FILE_SINK_WRITE_BUFFER_SIZE = 64 * 1024;

/** A part file that is complete and synced, under its in-progress name, waiting for its commit. */
export interface PendingFile {
  /** The hidden in-progress path the file has now. */
  readonly path: string;
  /** The path a commit renames it to. */
  readonly finishedPath: string;
  /** Its size in bytes. */
  readonly size: number;
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function sinkFailed(message: string, cause: unknown): WeirError {
  if (cause instanceof WeirError) return cause;
  return new WeirError(ErrorCodes.SINK_FAILED, `FileSink ${message}: ${describeCause(cause)}`, { cause });
}

/** An open in-progress part file. */
export class InProgressPartFile implements PartFileInfo {
  private chunks: Uint8Array[] = [];
  private bufferedBytes = 0;
  /** Bytes appended, whether written to the file or still buffered. */
  private size: number;
  /** Bytes written to the file. */
  private written: number;
  private handle: FileHandle | undefined;

  private constructor(
    private readonly bucketId: string,
    /** The hidden in-progress path. */
    readonly path: string,
    /** The path the file gets when it is committed. */
    readonly finishedPath: string,
    handle: FileHandle,
    length: number,
    private readonly creationTime: number,
    private lastUpdateTime: number,
    /** Whether the file's directory entry is known to be on disk. */
    private entrySynced: boolean,
  ) {
    this.handle = handle;
    this.size = length;
    this.written = length;
  }

  /** Creates a new, empty in-progress file at `path` (exclusively), creating its directory if needed. */
  static async create(bucketId: string, path: string, finishedPath: string, now: number): Promise<InProgressPartFile> {
    let handle: FileHandle;
    try {
      try {
        handle = await open(path, 'wx');
      } catch (error) {
        if (errorCode(error) !== 'ENOENT') throw error;
        await createDirectoryDurably(dirname(path));
        handle = await open(path, 'wx');
      }
    } catch (error) {
      throw sinkFailed(`cannot create the part file "${path}"`, error);
    }
    return new InProgressPartFile(bucketId, path, finishedPath, handle, 0, now, now, false);
  }

  /**
   * Reopens the in-progress file of a checkpoint and truncates it to the checkpoint's valid length, discarding what
   * was written after the checkpoint. A missing or shorter file is an error (`WEIR_SINK_FAILED`).
   */
  static async resume(bucketId: string, state: InProgressFileState): Promise<InProgressPartFile> {
    let handle: FileHandle;
    try {
      handle = await open(state.path, 'r+');
    } catch (error) {
      throw sinkFailed(
        errorCode(error) === 'ENOENT'
          ? `cannot resume the in-progress file "${state.path}" of bucket "${bucketId}": it no longer exists`
          : `cannot resume the in-progress file "${state.path}" of bucket "${bucketId}"`,
        error,
      );
    }
    try {
      const { size } = await handle.stat();
      if (size < state.validLength) {
        throw new WeirError(
          ErrorCodes.SINK_FAILED,
          `FileSink cannot resume the in-progress file "${state.path}" of bucket "${bucketId}": it has ${size} bytes, fewer than the ` +
            `${state.validLength} bytes its checkpoint covers`,
        );
      }
      if (size > state.validLength) {
        await handle.truncate(state.validLength);
        await handle.sync();
      }
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw sinkFailed(`cannot resume the in-progress file "${state.path}" of bucket "${bucketId}"`, error);
    }
    return new InProgressPartFile(bucketId, state.path, state.finishedPath, handle, state.validLength, state.creationTime, state.lastUpdateTime, true);
  }

  getBucketId(): string {
    return this.bucketId;
  }

  getCreationTime(): number {
    return this.creationTime;
  }

  getSize(): number {
    return this.size;
  }

  getLastUpdateTime(): number {
    return this.lastUpdateTime;
  }

  /** Appends `bytes` (kept by reference until written); writes the buffer out when it is full. */
  append(bytes: Uint8Array, now: number): void | Promise<void> {
    this.chunks.push(bytes);
    this.bufferedBytes += bytes.length;
    this.size += bytes.length;
    this.lastUpdateTime = now;
    return this.bufferedBytes >= FILE_SINK_WRITE_BUFFER_SIZE ? this.writeBuffered() : undefined;
  }

  /** Writes the buffered bytes to the file (not synced). */
  async writeBuffered(): Promise<void> {
    if (this.bufferedBytes === 0) return;
    const handle = this.openHandle();
    const data = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.bufferedBytes);
    this.chunks = [];
    this.bufferedBytes = 0;
    try {
      let offset = 0;
      while (offset < data.length) {
        const { bytesWritten } = await handle.write(data, offset, data.length - offset, this.written);
        offset += bytesWritten;
        this.written += bytesWritten;
      }
    } catch (error) {
      throw sinkFailed(`cannot write to the part file "${this.path}"`, error);
    }
  }

  /** Writes and syncs everything appended (and the directory entry of a new file); returns the checkpoint state. */
  async persist(): Promise<InProgressFileState> {
    await this.writeBuffered();
    try {
      await this.openHandle().sync();
      if (!this.entrySynced) {
        await syncDirectory(dirname(this.path));
        this.entrySynced = true;
      }
    } catch (error) {
      throw sinkFailed(`cannot sync the part file "${this.path}"`, error);
    }
    return {
      path: this.path,
      finishedPath: this.finishedPath,
      validLength: this.written,
      creationTime: this.creationTime,
      lastUpdateTime: this.lastUpdateTime,
    };
  }

  /**
   * Writes, syncs and closes the file: it is pending now. Its directory entry is synced by the caller before the
   * pending file is handed out as a committable.
   */
  async closeForCommit(): Promise<PendingFile> {
    await this.writeBuffered();
    const handle = this.openHandle();
    this.handle = undefined;
    try {
      await handle.sync();
      await handle.close();
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw sinkFailed(`cannot complete the part file "${this.path}"`, error);
    }
    return { path: this.path, finishedPath: this.finishedPath, size: this.written };
  }

  /** Closes the file without writing what is buffered (a writer that is closed or failed); safe to call twice. */
  async dispose(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    this.chunks = [];
    this.bufferedBytes = 0;
    await handle?.close().catch(() => undefined);
  }

  private openHandle(): FileHandle {
    if (this.handle === undefined) throw new TypeError(`FileSink: the part file "${this.path}" is already closed`);
    return this.handle;
  }
}
