/**
 * Runs the split enumerator of one source vertex for the JobManager (Flink's `SourceCoordinator`): registers
 * readers, answers split requests, and delivers assignments to the readers' tasks as mail. Periodic and async work
 * of the enumerator (`callAsync`) is cancelled when the coordinator closes.
 */
import type { Source, SourceSplit, SplitEnumerator, SplitEnumeratorContext } from '../connector/source.js';

/** Delivers enumerator decisions to the reader of a subtask. */
export interface ReaderGateway {
  /** Assigns splits to the reader of `subtask`. */
  addSplits(subtask: number, splits: SourceSplit[]): void;
  /** Tells the reader of `subtask` that no more splits will come. */
  noMoreSplits(subtask: number): void;
  /** The enumerator failed. */
  fail(error: Error): void;
}

/** The coordinator of one source vertex. */
export class SourceCoordinator implements SplitEnumeratorContext<SourceSplit> {
  private readonly enumerator: SplitEnumerator<SourceSplit, unknown>;
  private readonly readers = new Set<number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;
  private assigning = true;

  /** Creates the enumerator of `source` (not started yet). */
  constructor(
    source: Source<unknown, SourceSplit, unknown>,
    private readonly parallelism: number,
    private readonly gateway: ReaderGateway,
    restoredState?: unknown,
  ) {
    this.enumerator = restoredState === undefined ? source.createEnumerator(this) : source.restoreEnumerator(this, restoredState);
  }

  /** The enumerator's state for checkpoint `checkpointId`. */
  snapshotState(checkpointId: number): unknown {
    return this.enumerator.snapshotState(checkpointId);
  }

  /**
   * Stop with savepoint and drain: the enumerator's state was just taken, so from now on no split reaches a reader
   * (an assignment is left to that state) and split requests go unanswered.
   */
  stopAssigning(): void {
    this.assigning = false;
  }

  /** Starts the enumerator. */
  start(): void {
    this.guard(() => this.enumerator.start());
  }

  /** A reader registered. */
  addReader(subtask: number): void {
    this.readers.add(subtask);
    this.guard(() => this.enumerator.addReader(subtask));
  }

  /** A reader asks for a split. */
  handleSplitRequest(subtask: number): void {
    if (this.assigning) this.guard(() => this.enumerator.handleSplitRequest(subtask));
  }

  currentParallelism(): number {
    return this.parallelism;
  }

  registeredReaders(): ReadonlySet<number> {
    return this.readers;
  }

  assignSplit(split: SourceSplit, subtask: number): void {
    if (!this.closed && this.assigning) this.gateway.addSplits(subtask, [split]);
  }

  signalNoMoreSplits(subtask: number): void {
    if (!this.closed) this.gateway.noMoreSplits(subtask);
  }

  callAsync<R>(callable: () => Promise<R>, handler: (result: R | undefined, error: unknown) => void, initialDelayMs = 0, periodMs?: number): void {
    const run = (): void => {
      if (this.closed) return;
      callable().then(
        (result) => {
          if (!this.closed) this.guard(() => handler(result, undefined));
        },
        (error: unknown) => {
          if (!this.closed) this.guard(() => handler(undefined, error));
        },
      );
    };
    const first = setTimeout(() => {
      this.timers.delete(first);
      run();
      if (periodMs !== undefined && periodMs > 0 && !this.closed) {
        const periodic = setInterval(run, periodMs);
        this.timers.add(periodic);
      }
    }, initialDelayMs);
    this.timers.add(first);
  }

  /** Stops timers and closes the enumerator; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.enumerator.close();
  }

  private guard(action: () => void): void {
    try {
      action();
    } catch (e) {
      this.gateway.fail(e instanceof Error ? e : new Error(String(e)));
    }
  }
}
