/**
 * `CheckpointStorage`: where checkpoints and savepoints are kept (Flink's `CheckpointStorage`). Core ships
 * `LocalDirectoryCheckpointStorage` and `MemoryCheckpointStorage`; `@weir/connector-nats` adds one on the
 * JetStream object store. Every implementation runs `checkpointStorageConformanceSuite` of `@weir/core/testing`.
 *
 * The class is a template (convention 4): its public methods validate their input and the storage's status, and own
 * everything that must be the same in every storage: the layout (`checkpoint-layout.ts`), the checksummed file format
 * (`checkpoint-file-format.ts`), the metadata encoding (`checkpoint-metadata.ts`), the commit protocol (state files,
 * then `_metadata` last and atomically), verification on load, and the search for the newest valid checkpoint. An
 * implementation fills in a dozen protected `_methods` over a hierarchical namespace of files addressed by pointer
 * strings: directories on a disk, key prefixes in an object store, map keys in memory. Nothing in the public API
 * assumes a file system: a pointer is an opaque string that only its storage interprets.
 *
 * Lifecycle: `'open'` from construction (directories are created when a job's storage is created) -> `close()` ->
 * `'closing'` -> `'closed'`. `close()` is safe to call twice; `Symbol.asyncDispose` closes. After `close()` every
 * method rejects with `CHECKPOINT_STORAGE_FAILED`. Completed checkpoints outlive the object when the storage is
 * durable (`supports.durable`).
 *
 * Threading model: all methods are asynchronous and may be called concurrently by any number of callers; see
 * {@link JobCheckpointStorage} for the one ordering rule of writes. Instances in several processes over the same base
 * cooperate through the files alone.
 *
 * @example
 * ```ts
 * const storage = new LocalDirectoryCheckpointStorage('/var/lib/weir/checkpoints');
 * const job = await storage.createJobStorage(jobId);
 * const location = await job.initializeLocation(1, 'checkpoint');
 * const handle = await job.writeState(location, 'window-2-0', serializedState);
 * await job.commit(location, { handles: [handle], payload: { 'window-2': { 0: handle.name } } });
 *
 * // after a crash, in a new process:
 * const latest = await storage.findLatestValid({ jobId, onWarning: (message) => console.warn(message) });
 * const state = latest && (await storage.readState(latest.location, latest.metadata.handles[0]!));
 * ```
 */
import { describeCause, ErrorCodes, WeirError } from '../../errors.js';
import { describeValue } from '../../state/state-key.js';
import {
  checkCheckpointId,
  checkEntryName,
  checkpointDirectoryName,
  isSavepointDirectoryName,
  isValidEntryName,
  METADATA_FILE_NAME,
  parseCheckpointDirectoryName,
  savepointDirectoryName,
  SHARED_STATE_DIRECTORY_NAME,
} from './checkpoint-layout.js';
import {
  CHECKPOINT_FILE_HEADER_SIZE,
  checksumOf,
  corruptCheckpointFile,
  decodeCheckpointFile,
  decodeCheckpointFileHeader,
  encodeCheckpointFileHeader,
  formatChecksum,
  type CheckpointFileHeader,
} from './checkpoint-file-format.js';
import { CHECKPOINT_METADATA_VERSION, decodeCheckpointMetadata, encodeCheckpointMetadata, type CheckpointMetadata } from './checkpoint-metadata.js';
import type { CheckpointKind, CheckpointStorageLocation, CompletedCheckpoint } from './checkpoint-storage-location.js';
import type { CheckpointMetadataInput, JobCheckpointStorage } from './job-checkpoint-storage.js';
import { checkStateHandle, stateHandleKey, type StateHandle } from './state-handle.js';

/** The status of a checkpoint storage: `'open'` from construction, then `'closing'` and `'closed'`. */
export type CheckpointStorageStatus = 'open' | 'closing' | 'closed';

/** What a checkpoint storage offers beyond the contract. */
export interface CheckpointStorageSupports {
  /**
   * Completed checkpoints survive the process (files on disk, objects on a server), so a new process can resume from
   * them. False for the in-memory storage.
   */
  readonly durable: boolean;
}

/** Options every checkpoint storage takes. */
export interface CheckpointStorageOptions {
  /**
   * Where savepoints go when `initializeLocation` is given no target directory (Flink's `state.savepoints.dir`), in
   * the storage's own terms (a path or `file://` URI for the local directory storage, `memory://...` in memory).
   * Without it a savepoint needs an explicit target directory.
   */
  readonly savepointDirectory?: string;
}

/** Options of {@link CheckpointStorage.loadCompletedCheckpoint}. */
export interface LoadCheckpointOptions {
  /**
   * Also read every referenced file and verify its checksum (reads all the state). Default false: the metadata's
   * checksum is verified, and every referenced file must exist with the recorded size.
   */
  readonly verifyChecksums?: boolean;
}

/** Receives a warning: a message naming the checkpoint and its problem, and the error found. */
export type CheckpointWarningListener = (message: string, error: WeirError) => void;

/** Options of {@link CheckpointStorage.findLatestValid}. */
export interface FindLatestValidOptions {
  /**
   * The job whose checkpoints to search. Default: the job whose newest completed checkpoint was taken last (by the
   * timestamp in its metadata), as when resuming after the whole process was killed.
   */
  readonly jobId?: string;
  /** Verify the checksum of every referenced file, as `loadCompletedCheckpoint` does when asked. Default true. */
  readonly verifyChecksums?: boolean;
  /** Called for each checkpoint skipped because it is corrupt, truncated or vanished. Default `console.warn`. */
  readonly onWarning?: CheckpointWarningListener;
}

/** How many files are checked at once when a checkpoint is verified. */
const SIZE_CHECK_CONCURRENCY = 16;
/** How many files are read at once when checksums are verified (bounds memory). */
const CHECKSUM_CONCURRENCY = 4;

const defaultWarningListener: CheckpointWarningListener = (message) => console.warn(message);

/** True for the errors that make a checkpoint unusable rather than the storage unreachable. */
function isUnusableCheckpointError(error: unknown): error is WeirError {
  return error instanceof WeirError && (error.code === ErrorCodes.CHECKPOINT_CORRUPT || error.code === ErrorCodes.CHECKPOINT_NOT_FOUND);
}

/** Runs `action` on every item, at most `limit` at once; stops starting new ones after a failure. */
async function forEachConcurrently<T>(items: readonly T[], limit: number, action: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++];
      try {
        await action(item);
      } catch (error) {
        next = items.length;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function checkKind(kind: unknown): CheckpointKind {
  if (kind === 'checkpoint' || kind === 'savepoint') return kind;
  throw new TypeError(`kind must be "checkpoint" or "savepoint"; got ${describeValue(kind)}`);
}

function checkBytes(what: string, bytes: unknown): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  throw new TypeError(`${what} must be a Uint8Array; got ${describeValue(bytes)}`);
}

/** The template of checkpoint storages; see the module documentation. */
export abstract class CheckpointStorage implements AsyncDisposable {
  /** A short name for logs and messages, such as `local-directory` or `memory`. */
  abstract readonly name: string;
  /** What this storage offers beyond the contract. */
  abstract readonly supports: CheckpointStorageSupports;
  /** The default target of savepoints, as configured (see {@link CheckpointStorageOptions.savepointDirectory}). */
  readonly savepointDirectory: string | undefined;

  private statusValue: CheckpointStorageStatus = 'open';
  private closing: Promise<void> | undefined;

  /** Checks the options (`TypeError` for a wrong one). */
  constructor(options: CheckpointStorageOptions = {}) {
    if (typeof options !== 'object' || options === null) throw new TypeError(`Checkpoint storage options must be an object; got ${describeValue(options)}`);
    const { savepointDirectory } = options;
    if (savepointDirectory !== undefined && (typeof savepointDirectory !== 'string' || savepointDirectory.length === 0)) {
      throw new TypeError(`savepointDirectory must be a non-empty string; got ${describeValue(savepointDirectory)}`);
    }
    this.savepointDirectory = savepointDirectory;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Public API

  /** The storage's status. */
  get status(): CheckpointStorageStatus {
    return this.statusValue;
  }

  /**
   * Creates the storage of one job: its directory and shared-state directory exist afterwards. Call it once per job
   * (several calls for one job id are harmless: they share the files). Throws `TypeError` for an invalid job id.
   */
  async createJobStorage(jobId: string): Promise<JobCheckpointStorage> {
    this.checkOpen();
    checkEntryName('A job id', jobId);
    const jobDirectory = this.jobDirectory(jobId);
    const sharedDirectory = this.sharedDirectory(jobId);
    await this.io(`create the directory of job ${jobId} (${jobDirectory})`, async () => {
      await this._makeDirectory(jobDirectory);
      await this._makeDirectory(sharedDirectory);
    });
    const job: JobCheckpointStorage = {
      jobId,
      storage: this,
      initializeLocation: (checkpointId, kind, targetDirectory) => this.initializeLocation(jobId, checkpointId, kind, targetDirectory),
      writeState: (location, name, bytes) => this.writeState(jobId, location, name, bytes),
      writeSharedState: (name, bytes) => this.writeSharedState(jobId, name, bytes),
      discardSharedState: (handles) => this.discardSharedState(jobId, handles),
      commit: (location, metadata) => this.commit(jobId, location, metadata),
      discard: (location) => this.discard(jobId, location),
      removeIfEmpty: () => this.removeJobIfEmpty(jobId),
      listCompleted: () => this.listCompleted(jobId),
      findLatestValid: (options = {}) => this.findLatestValid({ ...options, jobId }),
      readState: (checkpoint, handle) => this.readState(checkpoint, handle),
    };
    return Object.freeze(job);
  }

  /**
   * Loads a completed checkpoint or savepoint from its pointer: the pointer of its location, the pointer followed by
   * `/_metadata`, or what the storage accepts besides (the local directory storage: any path or `file://` URI to the
   * directory or its `_metadata` file, relative paths against the working directory). Verifies the magic bytes,
   * format versions and checksum of `_metadata`, and that every referenced file exists with the recorded size (and,
   * with `verifyChecksums`, its checksum). Rejects with `CHECKPOINT_NOT_FOUND` (no such directory, or no `_metadata`:
   * the checkpoint was never completed) or `CHECKPOINT_CORRUPT`, with a message naming the path and the problem.
   */
  async loadCompletedCheckpoint(pointer: string, options: LoadCheckpointOptions = {}): Promise<CompletedCheckpoint> {
    this.checkOpen();
    const directory = this.resolveCheckpointDirectory(pointer);
    return this.loadFrom(directory, options.verifyChecksums ?? false);
  }

  /**
   * Reads the state of `handle` from the checkpoint at `checkpoint` (a location or a pointer; shared handles are read
   * from the `shared/` directory beside it). Verifies the file's header and checksum and that both match the handle;
   * rejects with `CHECKPOINT_CORRUPT` naming the file otherwise (also when it is missing).
   */
  async readState(checkpoint: CheckpointStorageLocation | string, handle: StateHandle): Promise<Uint8Array> {
    this.checkOpen();
    const pointer = typeof checkpoint === 'string' ? checkpoint : (checkpoint as Partial<CheckpointStorageLocation> | null)?.pointer;
    if (typeof pointer !== 'string') throw new TypeError(`Expected a checkpoint location or pointer; got ${describeValue(checkpoint)}`);
    const directory = this.resolveCheckpointDirectory(pointer);
    return this.readStateFrom(directory, checkStateHandle('readState', handle));
  }

  /**
   * The newest completed checkpoint of a job that verifies fully, going from the newest to the oldest: each one that
   * is corrupt, truncated or vanished is reported to `onWarning` (a message naming the checkpoint and the problem)
   * and the previous one is tried. Undefined when there is none. Without `jobId`, searches the job whose newest
   * completed checkpoint was taken last. Savepoints are not considered. A skipped checkpoint is left in place: the
   * caller decides whether to discard it. Rejects with `CHECKPOINT_STORAGE_FAILED` when the storage cannot be read.
   */
  async findLatestValid(options: FindLatestValidOptions = {}): Promise<CompletedCheckpoint | undefined> {
    this.checkOpen();
    const onWarning = options.onWarning ?? defaultWarningListener;
    if (typeof onWarning !== 'function') throw new TypeError(`onWarning must be a function; got ${describeValue(onWarning)}`);
    const verifyChecksums = options.verifyChecksums ?? true;
    const jobId = options.jobId === undefined ? await this.newestJobId() : checkEntryName('A job id', options.jobId);
    if (jobId === undefined) return undefined;
    const completed = await this.listCompleted(jobId);
    for (let i = completed.length - 1; i >= 0; i--) {
      const location = completed[i];
      try {
        return await this.loadFrom(location.pointer, verifyChecksums, location);
      } catch (error) {
        if (!isUnusableCheckpointError(error)) throw error;
        onWarning(`Skipping checkpoint ${location.checkpointId} of job ${jobId} at ${location.pointer}: ${error.message}`, error);
      }
    }
    return undefined;
  }

  /** Closes the storage (`'closing'`, then `'closed'`) and releases its resources; safe to call twice. */
  close(): Promise<void> {
    if (this.closing !== undefined) return this.closing;
    this.statusValue = 'closing';
    this.closing = (async () => {
      try {
        await this._close();
      } finally {
        this.statusValue = 'closed';
      }
    })();
    return this.closing;
  }

  /** Same as {@link close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // What an implementation provides. Pointers name directories; files are (directory, name) pairs. Every method may
  // throw or reject on an I/O failure (the template reports it as CHECKPOINT_STORAGE_FAILED); "not found" is a result.

  /** The pointer of the base directory, under which job directories live. */
  protected abstract _rootDirectory(): string;

  /**
   * The canonical pointer of the directory (or file) a user-supplied `pointer` names, or undefined when this storage
   * cannot address it (another scheme, a malformed path). Canonical pointers resolve to themselves.
   */
  protected abstract _resolve(pointer: string): string | undefined;

  /** The pointer of the entry `name` in `directory`. */
  protected abstract _child(directory: string, name: string): string;

  /** The pointer of the directory holding `pointer`. */
  protected abstract _parent(pointer: string): string;

  /** The last name in `pointer`. */
  protected abstract _baseName(pointer: string): string;

  /** Creates `directory` and its parents, durably (a no-op where directories are implicit); fine if it exists. */
  protected abstract _makeDirectory(directory: string): Promise<void>;

  /** The names of the entries (files and directories) in `directory`, or undefined when it does not exist. */
  protected abstract _list(directory: string): Promise<string[] | undefined>;

  /**
   * Writes file `name` in `directory` with the concatenation of `chunks`, replacing one that exists, and resolves
   * once the bytes are durable. A crash may leave a partial file (only `_writeFileAtomically` is all or nothing).
   */
  protected abstract _writeFile(directory: string, name: string, chunks: readonly Uint8Array[]): Promise<void>;

  /**
   * Writes file `name` in `directory` atomically and durably: readers see either no file (or the previous one) or the
   * whole new one, also after a crash (temporary file, sync, rename, directory sync). Temporary files end in `.tmp`.
   */
  protected abstract _writeFileAtomically(directory: string, name: string, chunks: readonly Uint8Array[]): Promise<void>;

  /** The bytes of file `name` in `directory` (only the first `maxBytes` when given), or undefined when it is missing. */
  protected abstract _readFile(directory: string, name: string, maxBytes?: number): Promise<Uint8Array | undefined>;

  /** The size in bytes of file `name` in `directory`, or undefined when it is missing. */
  protected abstract _fileSize(directory: string, name: string): Promise<number | undefined>;

  /** Removes file `name` from `directory`; fine if it is missing. */
  protected abstract _deleteFile(directory: string, name: string): Promise<void>;

  /** Removes `directory` and everything in it; fine if it is missing. */
  protected abstract _deleteDirectory(directory: string): Promise<void>;

  /** Releases the storage's resources; called once by {@link close}. Default: nothing to release. */
  protected _close(): Promise<void> {
    return Promise.resolve();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The operations of a job's storage (see JobCheckpointStorage for their contracts)

  private async initializeLocation(
    jobId: string,
    checkpointId: number,
    kind: CheckpointKind,
    targetDirectory: string | undefined,
  ): Promise<CheckpointStorageLocation> {
    this.checkOpen();
    checkCheckpointId(checkpointId);
    checkKind(kind);
    if (kind === 'checkpoint') {
      if (targetDirectory !== undefined) {
        throw new TypeError(`Only savepoints take a target directory; checkpoint ${checkpointId} goes to the job's directory`);
      }
      const pointer = this._child(this.jobDirectory(jobId), checkpointDirectoryName(checkpointId));
      await this.io(`prepare the directory of checkpoint ${checkpointId} of job ${jobId} (${pointer})`, async () => {
        if ((await this._fileSize(pointer, METADATA_FILE_NAME)) !== undefined) {
          throw new WeirError(
            ErrorCodes.CHECKPOINT_STORAGE_FAILED,
            `Checkpoint ${checkpointId} of job ${jobId} already exists at ${pointer} (checkpoint ids are not reused; discard it first)`,
          );
        }
        // Leftovers of an attempt that never completed (a crash before the commit, a failed checkpoint).
        await this._deleteDirectory(pointer);
        await this._makeDirectory(pointer);
      });
      return { jobId, checkpointId, kind, pointer };
    }
    const target = targetDirectory ?? this.savepointDirectory;
    if (target === undefined) {
      throw new TypeError(
        `Savepoint ${checkpointId} of job ${jobId} needs a target directory: none was given and ${this.name} checkpoint storage has no savepointDirectory`,
      );
    }
    if (typeof target !== 'string' || target.length === 0) {
      throw new TypeError(`A savepoint's target directory must be a non-empty string; got ${describeValue(target)}`);
    }
    const directory = this._resolve(target);
    if (directory === undefined) throw new TypeError(`"${target}" is not a directory that ${this.name} checkpoint storage can write to`);
    const pointer = this._child(directory, savepointDirectoryName(jobId));
    await this.io(`create the directory of savepoint ${checkpointId} of job ${jobId} (${pointer})`, () => this._makeDirectory(pointer));
    return { jobId, checkpointId, kind, pointer };
  }

  private async writeState(jobId: string, location: CheckpointStorageLocation, name: string, bytes: Uint8Array): Promise<StateHandle> {
    this.checkOpen();
    const { pointer } = this.checkLocation(jobId, location);
    checkEntryName('A state file name', name);
    checkBytes('State', bytes);
    const checksum = checksumOf(bytes);
    const header = encodeCheckpointFileHeader('state', bytes, checksum);
    const file = this._child(pointer, name);
    await this.io(`write state file ${file}`, () => this._writeFile(pointer, name, [header, bytes]));
    return { name, size: bytes.length, checksum, scope: 'exclusive' };
  }

  private async writeSharedState(jobId: string, name: string, bytes: Uint8Array): Promise<StateHandle> {
    this.checkOpen();
    checkEntryName('A shared state file name', name);
    checkBytes('Shared state', bytes);
    const directory = this.sharedDirectory(jobId);
    const file = this._child(directory, name);
    const checksum = checksumOf(bytes);
    const handle: StateHandle = { name, size: bytes.length, checksum, scope: 'shared' };
    const existing = await this.io(`read shared state file ${file}`, () => this._readFile(directory, name, CHECKPOINT_FILE_HEADER_SIZE));
    const previous = existing === undefined ? undefined : this.headerOrUndefined(existing, file);
    if (previous !== undefined) {
      // Shared files are immutable; an identical one is a retry. A damaged one is replaced below.
      if (previous.length === bytes.length && previous.checksum === checksum) return handle;
      throw new TypeError(
        `Shared state file ${file} already exists with other content (${previous.length} bytes, checksum ${formatChecksum(previous.checksum)}); shared state is immutable: give new content a new name`,
      );
    }
    const header = encodeCheckpointFileHeader('state', bytes, checksum);
    await this.io(`write shared state file ${file}`, () => this._writeFileAtomically(directory, name, [header, bytes]));
    return handle;
  }

  private async discardSharedState(jobId: string, handles: readonly StateHandle[]): Promise<void> {
    this.checkOpen();
    if (!Array.isArray(handles)) throw new TypeError(`discardSharedState takes an array of state handles; got ${describeValue(handles)}`);
    const checked = (handles as unknown[]).map((handle, i) => checkStateHandle(`discardSharedState: handles[${i}]`, handle));
    for (const handle of checked) {
      if (handle.scope !== 'shared') throw new TypeError(`discardSharedState: "${handle.name}" is not shared state (discard its checkpoint instead)`);
    }
    const directory = this.sharedDirectory(jobId);
    await forEachConcurrently(checked, SIZE_CHECK_CONCURRENCY, (handle) =>
      this.io(`remove shared state file ${this._child(directory, handle.name)}`, () => this._deleteFile(directory, handle.name)),
    );
  }

  private async commit(jobId: string, location: CheckpointStorageLocation, input: CheckpointMetadataInput): Promise<CompletedCheckpoint> {
    this.checkOpen();
    const checked = this.checkLocation(jobId, location);
    const { checkpointId, kind, pointer } = checked;
    if (typeof input !== 'object' || input === null) throw new TypeError(`commit takes the checkpoint's handles and payload; got ${describeValue(input)}`);
    const timestamp = input.timestamp ?? Date.now();
    if (typeof timestamp !== 'number' || !Number.isFinite(timestamp)) throw new TypeError(`timestamp must be a finite number; got ${describeValue(timestamp)}`);
    if (!Array.isArray(input.handles)) throw new TypeError(`handles must be an array of state handles; got ${describeValue(input.handles)}`);
    const handles = (input.handles as unknown[]).map((handle, i) => checkStateHandle(`commit: handles[${i}]`, handle));
    const seen = new Set<string>();
    for (const handle of handles) {
      const key = stateHandleKey(handle);
      if (seen.has(key)) throw new TypeError(`commit: the ${handle.scope} state file "${handle.name}" is listed twice`);
      seen.add(key);
      if (kind === 'savepoint' && handle.scope === 'shared') {
        throw new TypeError(`A savepoint is self-contained: it cannot reference the shared state file "${handle.name}"`);
      }
    }
    const metadata: CheckpointMetadata = { version: CHECKPOINT_METADATA_VERSION, jobId, checkpointId, kind, timestamp, handles, payload: input.payload };
    const content = encodeCheckpointMetadata(metadata);
    const cannotCommit = (problem: string): WeirError =>
      new WeirError(ErrorCodes.CHECKPOINT_STORAGE_FAILED, `Cannot commit ${kind} ${checkpointId} of job ${jobId} at ${pointer}: ${problem}`);
    await this.io(`commit ${kind} ${checkpointId} of job ${jobId} (${pointer})`, async () => {
      if ((await this._fileSize(pointer, METADATA_FILE_NAME)) !== undefined) throw cannotCommit(`it is already committed`);
      await forEachConcurrently(handles, SIZE_CHECK_CONCURRENCY, async (handle) => {
        const directory = this.directoryOfHandle(pointer, handle);
        const size = await this._fileSize(directory, handle.name);
        const expected = CHECKPOINT_FILE_HEADER_SIZE + handle.size;
        if (size === undefined) throw cannotCommit(`the state file ${this._child(directory, handle.name)} it references is missing`);
        if (size !== expected) throw cannotCommit(`the state file ${this._child(directory, handle.name)} has ${size} bytes, expected ${expected}`);
      });
      await this._writeFileAtomically(pointer, METADATA_FILE_NAME, [encodeCheckpointFileHeader('metadata', content), content]);
    });
    return { location: checked, metadata };
  }

  private async discard(jobId: string, location: CheckpointStorageLocation): Promise<void> {
    this.checkOpen();
    const { kind, checkpointId, pointer } = this.checkLocation(jobId, location);
    await this.io(`discard ${kind} ${checkpointId} of job ${jobId} (${pointer})`, async () => {
      await this._deleteFile(pointer, METADATA_FILE_NAME);
      await this._deleteDirectory(pointer);
    });
  }

  private async removeJobIfEmpty(jobId: string): Promise<void> {
    this.checkOpen();
    const jobDirectory = this.jobDirectory(jobId);
    const sharedDirectory = this.sharedDirectory(jobId);
    await this.io(`remove the directory of job ${jobId} (${jobDirectory})`, async () => {
      const entries = (await this._list(jobDirectory)) ?? [];
      if (entries.some((e) => e !== SHARED_STATE_DIRECTORY_NAME)) return;
      if (((await this._list(sharedDirectory)) ?? []).length > 0) return;
      await this._deleteDirectory(jobDirectory);
    });
  }

  private async listCompleted(jobId: string): Promise<CheckpointStorageLocation[]> {
    this.checkOpen();
    const jobDirectory = this.jobDirectory(jobId);
    return this.io(`list the checkpoints of job ${jobId} (${jobDirectory})`, async () => {
      const entries = (await this._list(jobDirectory)) ?? [];
      const ids = entries.map(parseCheckpointDirectoryName).filter((id): id is number => id !== undefined);
      const locations = await Promise.all(
        ids.map(async (checkpointId): Promise<CheckpointStorageLocation | undefined> => {
          const pointer = this._child(jobDirectory, checkpointDirectoryName(checkpointId));
          const size = await this._fileSize(pointer, METADATA_FILE_NAME);
          return size === undefined ? undefined : { jobId, checkpointId, kind: 'checkpoint', pointer };
        }),
      );
      return locations.filter((location) => location !== undefined).sort((a, b) => a.checkpointId - b.checkpointId);
    });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Reading and verifying

  /**
   * Reads `_metadata` in `directory`, verifies it and the files it references. With `expected`, the metadata must
   * describe that checkpoint (a checkpoint directory copied or renamed by hand is corrupt).
   */
  private async loadFrom(
    directory: string,
    verifyChecksums: boolean,
    expected?: { readonly jobId: string; readonly checkpointId: number },
  ): Promise<CompletedCheckpoint> {
    const metadataFile = this._child(directory, METADATA_FILE_NAME);
    const bytes = await this.io(`read ${metadataFile}`, () => this._readFile(directory, METADATA_FILE_NAME));
    if (bytes === undefined) throw await this.notFound(directory);
    const { content } = decodeCheckpointFile(bytes, 'metadata', metadataFile);
    const metadata = decodeCheckpointMetadata(content, metadataFile);
    if (
      expected !== undefined &&
      (metadata.jobId !== expected.jobId || metadata.checkpointId !== expected.checkpointId || metadata.kind !== 'checkpoint')
    ) {
      throw corruptCheckpointFile(
        metadataFile,
        `it describes ${metadata.kind} ${metadata.checkpointId} of job ${metadata.jobId}, but lies in the directory of checkpoint ${expected.checkpointId} of job ${expected.jobId}`,
      );
    }
    const location: CheckpointStorageLocation = { jobId: metadata.jobId, checkpointId: metadata.checkpointId, kind: metadata.kind, pointer: directory };
    await forEachConcurrently(metadata.handles, SIZE_CHECK_CONCURRENCY, async (handle) => {
      const stateDirectory = this.directoryOfHandle(directory, handle);
      const file = this._child(stateDirectory, handle.name);
      const size = await this.io(`read the size of ${file}`, () => this._fileSize(stateDirectory, handle.name));
      const expectedSize = CHECKPOINT_FILE_HEADER_SIZE + handle.size;
      if (size === undefined) throw this.missingFile(file);
      if (size !== expectedSize) {
        const what = size < expectedSize ? 'truncated: it has' : 'it has';
        throw corruptCheckpointFile(
          file,
          `${what} ${size} bytes, the checkpoint's metadata expects ${expectedSize} (a ${CHECKPOINT_FILE_HEADER_SIZE}-byte header and ${handle.size} bytes of state)`,
        );
      }
    });
    if (verifyChecksums) {
      await forEachConcurrently(metadata.handles, CHECKSUM_CONCURRENCY, async (handle) => {
        await this.readStateFrom(directory, handle);
      });
    }
    return { location, metadata };
  }

  /** Reads and verifies one state file of the checkpoint in `directory`. */
  private async readStateFrom(directory: string, handle: StateHandle): Promise<Uint8Array> {
    const stateDirectory = this.directoryOfHandle(directory, handle);
    const file = this._child(stateDirectory, handle.name);
    const bytes = await this.io(`read state file ${file}`, () => this._readFile(stateDirectory, handle.name));
    if (bytes === undefined) throw this.missingFile(file);
    const { content, checksum } = decodeCheckpointFile(bytes, 'state', file);
    if (content.length !== handle.size) {
      throw corruptCheckpointFile(file, `it holds ${content.length} bytes of state, the checkpoint's metadata expects ${handle.size}`);
    }
    if (checksum !== handle.checksum) {
      throw corruptCheckpointFile(
        file,
        `its checksum ${formatChecksum(checksum)} differs from ${formatChecksum(handle.checksum)} recorded in the checkpoint's metadata (the file was replaced)`,
      );
    }
    return content;
  }

  /** The job whose newest readable completed checkpoint has the latest timestamp, or undefined when there is none. */
  private async newestJobId(): Promise<string | undefined> {
    const root = this._rootDirectory();
    const entries = (await this.io(`list ${root}`, () => this._list(root))) ?? [];
    let newest: { jobId: string; timestamp: number } | undefined;
    for (const jobId of entries.filter(isValidEntryName).sort()) {
      const completed = await this.listCompleted(jobId);
      for (let i = completed.length - 1; i >= 0; i--) {
        try {
          const { metadata } = await this.loadFrom(completed[i].pointer, false, completed[i]);
          if (newest === undefined || metadata.timestamp > newest.timestamp) newest = { jobId, timestamp: metadata.timestamp };
          break;
        } catch (error) {
          if (!isUnusableCheckpointError(error)) throw error;
        }
      }
    }
    return newest?.jobId;
  }

  /** `CHECKPOINT_NOT_FOUND` for a directory without `_metadata`, saying whether the directory exists at all. */
  private async notFound(directory: string): Promise<WeirError> {
    const entries = await this.io(`list ${directory}`, () => this._list(directory));
    if (entries === undefined) {
      return new WeirError(ErrorCodes.CHECKPOINT_NOT_FOUND, `No checkpoint or savepoint at ${directory}: no such directory`);
    }
    const checkpoints = entries
      .map(parseCheckpointDirectoryName)
      .filter((id): id is number => id !== undefined)
      .sort((a, b) => a - b)
      .map(checkpointDirectoryName);
    const hint = checkpoints.length === 0 ? '' : ` (it holds the checkpoint directories ${checkpoints.slice(-5).join(', ')}: pass one of those)`;
    return new WeirError(
      ErrorCodes.CHECKPOINT_NOT_FOUND,
      `No checkpoint or savepoint at ${directory}: it has no ${METADATA_FILE_NAME} file, so it is not a completed checkpoint${hint}`,
    );
  }

  /** The header of a file, or undefined when it is damaged. */
  private headerOrUndefined(bytes: Uint8Array, file: string): CheckpointFileHeader | undefined {
    try {
      return decodeCheckpointFileHeader(bytes, file);
    } catch {
      return undefined;
    }
  }

  private missingFile(file: string): WeirError {
    return new WeirError(ErrorCodes.CHECKPOINT_CORRUPT, `Checkpoint file ${file} is missing: the checkpoint's metadata references it`);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Helpers

  private jobDirectory(jobId: string): string {
    return this._child(this._rootDirectory(), jobId);
  }

  private sharedDirectory(jobId: string): string {
    return this._child(this.jobDirectory(jobId), SHARED_STATE_DIRECTORY_NAME);
  }

  /** The directory of a handle's file: the checkpoint's own, or `shared/` beside the checkpoint. */
  private directoryOfHandle(checkpointDirectory: string, handle: StateHandle): string {
    return handle.scope === 'shared' ? this._child(this._parent(checkpointDirectory), SHARED_STATE_DIRECTORY_NAME) : checkpointDirectory;
  }

  /** The checkpoint directory a user-supplied pointer names (stripping `_metadata`); `CHECKPOINT_NOT_FOUND` if none. */
  private resolveCheckpointDirectory(pointer: unknown): string {
    if (typeof pointer !== 'string' || pointer.length === 0) {
      throw new TypeError(`A checkpoint pointer must be a non-empty string; got ${describeValue(pointer)}`);
    }
    const resolved = this._resolve(pointer);
    if (resolved === undefined) {
      throw new WeirError(ErrorCodes.CHECKPOINT_NOT_FOUND, `No checkpoint or savepoint at ${pointer}: ${this.name} checkpoint storage cannot read that address`);
    }
    return this._baseName(resolved) === METADATA_FILE_NAME ? this._parent(resolved) : resolved;
  }

  /** Checks that `location` is a location of job `jobId` in this storage; returns a clean copy. */
  private checkLocation(jobId: string, location: unknown): CheckpointStorageLocation {
    if (typeof location !== 'object' || location === null) throw new TypeError(`Expected a checkpoint storage location; got ${describeValue(location)}`);
    const { jobId: locationJobId, checkpointId, kind, pointer } = location as Record<string, unknown>;
    if (locationJobId !== jobId) throw new TypeError(`The location belongs to job ${describeValue(locationJobId)}, not to job ${jobId}`);
    checkCheckpointId(checkpointId);
    checkKind(kind);
    if (typeof pointer !== 'string') throw new TypeError(`location.pointer must be a string; got ${describeValue(pointer)}`);
    const valid =
      kind === 'checkpoint'
        ? pointer === this._child(this.jobDirectory(jobId), checkpointDirectoryName(checkpointId as number))
        : isSavepointDirectoryName(this._baseName(pointer)) && this._resolve(pointer) === pointer;
    if (!valid) throw new TypeError(`${pointer} is not the location of ${kind as string} ${checkpointId as number} of job ${jobId} in ${this.name} checkpoint storage`);
    return { jobId, checkpointId: checkpointId as number, kind: kind as CheckpointKind, pointer };
  }

  private checkOpen(): void {
    if (this.statusValue !== 'open') {
      throw new WeirError(ErrorCodes.CHECKPOINT_STORAGE_FAILED, `Checkpoint storage "${this.name}" is ${this.statusValue}`);
    }
  }

  /** Runs an I/O operation; a failure that is not already a `WeirError` becomes `CHECKPOINT_STORAGE_FAILED`. */
  private async io<T>(action: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (error instanceof WeirError) throw error;
      throw new WeirError(ErrorCodes.CHECKPOINT_STORAGE_FAILED, `Checkpoint storage "${this.name}" could not ${action}: ${describeCause(error)}`, {
        cause: error,
      });
    }
  }
}
