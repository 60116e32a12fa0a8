/**
 * One bucket of a `FileSink` writer (Flink's `FileWriterBucket`): a directory with at most one in-progress part file
 * and the part files rolled since the last checkpoint. Part files are named
 * `<prefix>-<uuid>-<subtask>-<counter><suffix>`: the uuid is random per bucket instance (a new one after a restore,
 * or when a bucket that became inactive gets records again), the counter counts the bucket's parts and continues
 * from the checkpoint after a restore, so no two writers (subtasks, attempts) ever pick the same name. The
 * in-progress file is `.<name>.inprogress.<random>`, hidden until its commit renames it to `<name>`.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describeCause, ErrorCodes, WeirError } from '../../errors.js';
import type { Encoder } from './encoder.js';
import { syncDirectory } from './directory-sync.js';
import { FILE_SINK_STATE_VERSION, type FileSinkCommittable, type FileWriterBucketState } from './file-sink-checkpoint-data.js';
import { InProgressPartFile, type PendingFile } from './in-progress-part-file.js';
import type { OutputFileConfig } from './output-file-config.js';
import type { RollingPolicy } from './rolling-policy.js';

/** What every bucket of one writer shares. */
export interface FileWriterBucketSettings<T> {
  /** The writer's subtask index (part of every file name). */
  readonly subtaskIndex: number;
  /** Turns records into bytes. */
  readonly encoder: Encoder<T>;
  /** Decides when part files roll. */
  readonly rollingPolicy: RollingPolicy<T>;
  /** Part file prefix and suffix. */
  readonly outputFileConfig: OutputFileConfig;
}

/** A bucket of a writer. */
export class FileWriterBucket<T> {
  /** The random id in the names of this bucket instance's part files. */
  readonly uniqueId = randomUUID();
  private inProgress: InProgressPartFile | undefined;
  private pending: PendingFile[] = [];

  /** Creates an empty bucket whose next part file has number `partCounter`. */
  constructor(
    /** The bucket's id. */
    readonly bucketId: string,
    /** The absolute path of the bucket's directory. */
    readonly bucketPath: string,
    private readonly settings: FileWriterBucketSettings<T>,
    private partCounter = 0,
  ) {}

  /** The open part file, if any. */
  get inProgressPart(): InProgressPartFile | undefined {
    return this.inProgress;
  }

  /** Whether the bucket has an open part file or rolled files not yet handed out: an inactive bucket can be dropped. */
  isActive(): boolean {
    return this.inProgress !== undefined || this.pending.length > 0;
  }

  /** Whether files rolled since the last `prepareCommit`. */
  hasPendingFiles(): boolean {
    return this.pending.length > 0;
  }

  /** Writes `element`, rolling first if the policy says so; synchronous unless the file must be opened or written. */
  write(element: T, now: number): void | Promise<void> {
    const bytes = this.settings.encoder.encode(element);
    if (!(bytes instanceof Uint8Array)) {
      throw new TypeError(`FileSink: Encoder.encode must return a Uint8Array (such as a Buffer), got ${typeof bytes}`);
    }
    const part = this.inProgress;
    const policy = this.settings.rollingPolicy;
    if (part === undefined || policy.shouldRollOnEvent(part, element) || policy.shouldRollOnProcessingTime(part, now)) {
      return this.rollAndAppend(bytes, now);
    }
    return part.append(bytes, now);
  }

  /** Writes buffered bytes to the in-progress file. */
  async flush(): Promise<void> {
    await this.inProgress?.writeBuffered();
  }

  /** Rolls the in-progress file if the policy says so at processing time `now`. */
  async onProcessingTime(now: number): Promise<void> {
    const part = this.inProgress;
    if (part !== undefined && this.settings.rollingPolicy.shouldRollOnProcessingTime(part, now)) await this.closePartFile();
  }

  /**
   * Rolls the in-progress file when the policy says so on a checkpoint, or always when `endOfInput`; then hands out
   * every pending file as a committable, with the directory synced so that the files survive a crash.
   */
  async prepareCommit(endOfInput: boolean): Promise<FileSinkCommittable[]> {
    const part = this.inProgress;
    if (part !== undefined && (endOfInput || this.settings.rollingPolicy.shouldRollOnCheckpoint(part))) await this.closePartFile();
    if (this.pending.length === 0) return [];
    try {
      await syncDirectory(this.bucketPath);
    } catch (error) {
      throw new WeirError(ErrorCodes.SINK_FAILED, `FileSink cannot sync the bucket directory "${this.bucketPath}": ${describeCause(error)}`, {
        cause: error,
      });
    }
    const committables = this.pending.map(
      (file): FileSinkCommittable => ({
        version: FILE_SINK_STATE_VERSION,
        bucketId: this.bucketId,
        pendingPath: file.path,
        finishedPath: file.finishedPath,
        size: file.size,
      }),
    );
    this.pending = [];
    return committables;
  }

  /** The bucket's state for a checkpoint: the in-progress file, written and synced, and the part counter. */
  async snapshotState(): Promise<FileWriterBucketState> {
    return {
      version: FILE_SINK_STATE_VERSION,
      bucketId: this.bucketId,
      bucketPath: this.bucketPath,
      nextPartCounter: this.partCounter,
      inProgressFile: this.inProgress === undefined ? null : await this.inProgress.persist(),
    };
  }

  /**
   * Takes over a restored bucket state: continues the part counter, and resumes its in-progress file (truncated to
   * its valid length). When the bucket already resumed one (states of several subtasks for one bucket after a
   * change of parallelism), the file is completed instead and committed at the next checkpoint.
   */
  async restore(state: FileWriterBucketState): Promise<void> {
    this.partCounter = Math.max(this.partCounter, state.nextPartCounter);
    if (state.inProgressFile === null) return;
    const part = await InProgressPartFile.resume(this.bucketId, state.inProgressFile);
    if (this.inProgress === undefined) this.inProgress = part;
    else this.pending.push(await part.closeForCommit());
  }

  /** Closes the in-progress file without writing its buffer (writer closed or failed). */
  async dispose(): Promise<void> {
    const part = this.inProgress;
    this.inProgress = undefined;
    await part?.dispose();
  }

  private async rollAndAppend(bytes: Uint8Array, now: number): Promise<void> {
    await this.closePartFile();
    const part = await this.openNewPartFile(now);
    await part.append(bytes, now);
  }

  private async openNewPartFile(now: number): Promise<InProgressPartFile> {
    const { outputFileConfig, subtaskIndex } = this.settings;
    const name = `${outputFileConfig.getPartPrefix()}-${this.uniqueId}-${subtaskIndex}-${this.partCounter}${outputFileConfig.getPartSuffix()}`;
    const part = await InProgressPartFile.create(
      this.bucketId,
      join(this.bucketPath, `.${name}.inprogress.${randomUUID()}`),
      join(this.bucketPath, name),
      now,
    );
    this.partCounter += 1;
    this.inProgress = part;
    return part;
  }

  private async closePartFile(): Promise<void> {
    const part = this.inProgress;
    if (part === undefined) return;
    this.inProgress = undefined;
    this.pending.push(await part.closeForCommit());
  }
}
