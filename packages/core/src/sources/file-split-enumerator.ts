/**
 * The enumerator of a {@link FileSource}, covering Flink's `StaticFileSplitEnumerator` (bounded: list the paths
 * once, one split per file, then tell readers that ask that no more splits will come) and
 * `ContinuousFileSplitEnumerator` (unbounded: list the paths every interval and assign the files not seen before).
 * Listing runs through `context.callAsync`, off the enumerator; split requests that arrive before the first listing
 * is done wait for it. Each reader gets one split per request.
 *
 * Errors: when a listing fails (a path is missing or unreadable), the `callAsync` handler throws a `WeirError`
 * `SOURCE_FAILED` naming the path, which fails the job as in Flink; later calls of `handleSplitRequest` throw it too.
 *
 * Threading model: its methods, and the handlers it passes to `callAsync`, are called one at a time by the JobManager.
 */
import type { SplitEnumerator, SplitEnumeratorContext } from '../connector/source.js';
import { describeCause, ErrorCodes, WeirError } from '../errors.js';
import { listFiles } from './file-listing.js';
import type { FileSourceEnumeratorState, FileSourceSplit } from './file-source-split.js';

/** How a {@link FileSplitEnumerator} runs. */
export interface FileSplitEnumeratorOptions {
  /** The absolute paths to read (files or directories). */
  readonly paths: readonly string[];
  /** If set, list the paths every this many milliseconds, forever; else list them once. */
  readonly monitorIntervalMs?: number;
  /** The checkpointed state to resume from. */
  readonly state?: FileSourceEnumeratorState;
}

/** Finds the files of a file source and assigns one per split request. */
export class FileSplitEnumerator implements SplitEnumerator<FileSourceSplit, FileSourceEnumeratorState> {
  private readonly paths: readonly string[];
  private readonly monitorIntervalMs: number | undefined;
  private readonly pending: FileSourceSplit[];
  private readonly processed: Set<string>;
  /** Subtasks that asked for a split and got none yet, in the order they asked. */
  private readonly awaiting = new Set<number>();
  /** Whether a listing completed (or the restored state comes from one). */
  private listed: boolean;
  private failure: WeirError | undefined;
  private closed = false;

  /** Creates the enumerator, fresh or from `options.state`. */
  constructor(
    private readonly context: SplitEnumeratorContext<FileSourceSplit>,
    options: FileSplitEnumeratorOptions,
  ) {
    this.paths = options.paths;
    this.monitorIntervalMs = options.monitorIntervalMs;
    this.pending = [...(options.state?.pendingSplits ?? [])];
    this.processed = new Set(options.state?.alreadyProcessedPaths ?? []);
    for (const split of this.pending) this.processed.add(split.path);
    // A bounded enumerator restored from a state that found files does not list again.
    this.listed = this.processed.size > 0;
  }

  /** Starts listing: once (bounded, unless restored from a completed listing) or periodically (continuous). */
  start(): void {
    const handler = (files: string[] | undefined, error: unknown): void => this.handleListing(files, error);
    if (this.monitorIntervalMs !== undefined) {
      this.context.callAsync(() => listFiles(this.paths), handler, 0, this.monitorIntervalMs);
    } else if (!this.listed) {
      this.context.callAsync(() => listFiles(this.paths), handler);
    }
  }

  /** Assigns a pending split to `subtask`, or (bounded, all listed) signals no more splits, or waits for a listing. */
  handleSplitRequest(subtask: number): void {
    if (this.failure !== undefined) throw this.failure;
    this.awaiting.add(subtask);
    this.assignPending();
  }

  /** Takes back the unfinished splits of a failed reader; they go to the next readers that ask. */
  addSplitsBack(splits: FileSourceSplit[], _subtask: number): void {
    this.pending.unshift(...splits);
    this.assignPending();
  }

  /** Nothing to do: a reader asks for a split once it is started. */
  addReader(_subtask: number): void {}

  /** The files found so far and the splits not yet assigned. */
  snapshotState(_checkpointId: number): FileSourceEnumeratorState {
    return { alreadyProcessedPaths: [...this.processed], pendingSplits: [...this.pending] };
  }

  /** Ignores listings that complete later; safe to call twice. */
  close(): void {
    this.closed = true;
  }

  private handleListing(files: string[] | undefined, error: unknown): void {
    if (this.closed || this.failure !== undefined) return;
    if (files === undefined) {
      this.failure =
        error instanceof WeirError
          ? error
          : new WeirError(ErrorCodes.SOURCE_FAILED, `File source cannot list ${this.paths.map((p) => `"${p}"`).join(', ')}: ${describeCause(error)}`, {
              cause: error,
            });
      throw this.failure;
    }
    for (const path of files) {
      if (this.processed.has(path)) continue;
      this.processed.add(path);
      this.pending.push({ splitId: path, path, offset: 0, lineNumber: 0 });
    }
    this.listed = true;
    this.assignPending();
  }

  private assignPending(): void {
    for (const subtask of this.awaiting) {
      const split = this.pending.shift();
      if (split !== undefined) {
        this.awaiting.delete(subtask);
        this.context.assignSplit(split, subtask);
      } else if (this.monitorIntervalMs === undefined && this.listed) {
        this.awaiting.delete(subtask);
        this.context.signalNoMoreSplits(subtask);
      } else {
        return;
      }
    }
  }
}
