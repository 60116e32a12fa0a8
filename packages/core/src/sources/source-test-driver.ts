/**
 * `SourceTestDriver`: runs a `Source` in one process the way the runtime does, for tests of sources. It creates the
 * enumerator (fresh or restored) with a real `SplitEnumeratorContext` (split assignments and split requests are
 * delivered asynchronously, as messages would be, and cloned with `structuredClone` as serialization would;
 * `callAsync` runs on timers), creates one reader per subtask, and polls every reader in its own loop, awaiting
 * `isAvailable()` whenever a reader has nothing, until every reader reports `END_OF_INPUT`, a record limit is
 * reached, a duration has passed, or a timeout fails the run.
 *
 * ```ts
 * const [records] = await readAll(new NumberSequenceSource(1, 10), 1);   // [[1, 2, ..., 10]]
 *
 * await using driver = await SourceTestDriver.create(source, { parallelism: 2 });
 * const first = await driver.run({ maxRecords: 100 });
 * const state = await driver.snapshot(1);            // restore with SourceTestDriver.create(source, { restore: state })
 * ```
 *
 * Errors: a reader or enumerator method that throws, or a `callAsync` handler that throws, fails the run: `run`
 * rejects with that error (as the runtime would fail the job).
 * Threading model: everything runs on the Node.js event loop; enumerator methods and each reader's methods are
 * called one at a time, never re-entrantly.
 */
import type { Source, SourceReader, SourceSplit, SplitEnumerator, SplitEnumeratorContext } from '../connector/source.js';

/** A snapshot of a source under test: what a checkpoint would hold. */
export interface SourceTestSnapshot<SplitT, EnumState> {
  /** The enumerator's state. */
  readonly enumeratorState: EnumState;
  /** The unfinished splits of each subtask's reader. */
  readonly readerSplits: SplitT[][];
}

/** How {@link SourceTestDriver.create} sets up the source. */
export interface SourceTestDriverOptions<SplitT, EnumState> {
  /** The number of readers; default 1. */
  readonly parallelism?: number;
  /** Resume from a snapshot (restores the enumerator and adds each reader's splits before `start`). */
  readonly restore?: SourceTestSnapshot<SplitT, EnumState>;
  /** Clone splits on their way between enumerator and readers, as serialization would; default true. */
  readonly cloneSplits?: boolean;
}

/** When {@link SourceTestDriver.run} stops. */
export interface SourceRunOptions {
  /** Stop once at least this many records were emitted in this run, over all readers (at a poll boundary). */
  readonly maxRecords?: number;
  /** Stop successfully after this many milliseconds (for unbounded sources). */
  readonly durationMs?: number;
  /** Reject if the run has not stopped by then; default 10 000 ms. */
  readonly timeoutMs?: number;
}

/** What one {@link SourceTestDriver.run} collected. */
export interface SourceRunResult<T> {
  /** The records each subtask emitted in this run, in order. */
  readonly records: T[][];
  /** The timestamps passed with those records (undefined where none was). */
  readonly timestamps: (number | undefined)[][];
  /** Whether each subtask's reader has reported `END_OF_INPUT`. */
  readonly finished: boolean[];
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** Runs a source's enumerator and readers in this process. */
export class SourceTestDriver<T, SplitT extends SourceSplit, EnumState> implements AsyncDisposable {
  /** The source's enumerator. */
  readonly enumerator: SplitEnumerator<SplitT, EnumState>;
  /** The readers, by subtask index. */
  readonly readers: SourceReader<T, SplitT>[] = [];
  private readonly finished: boolean[];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly clone: <V>(value: V) => V;
  private pendingDeliveries = 0;
  private records: T[][] = [];
  private timestamps: (number | undefined)[][] = [];
  private emittedThisRun = 0;
  private run_: { stop: () => void; fail: (error: unknown) => void; maxRecords: number } | undefined;
  private failure: { error: unknown } | undefined;
  private closed = false;

  private constructor(
    source: Source<T, SplitT, EnumState>,
    readonly parallelism: number,
    options: SourceTestDriverOptions<SplitT, EnumState>,
  ) {
    this.clone = options.cloneSplits === false ? (value) => value : (value) => structuredClone(value);
    this.finished = new Array<boolean>(parallelism).fill(false);
    const registered = new Set<number>();
    const context: SplitEnumeratorContext<SplitT> = {
      currentParallelism: () => parallelism,
      registeredReaders: () => registered,
      assignSplit: (split, subtask) => {
        this.checkSubtask(subtask);
        const copy = this.clone(split);
        this.deliver(() => this.readers[subtask]?.addSplits([copy]));
      },
      signalNoMoreSplits: (subtask) => {
        this.checkSubtask(subtask);
        this.deliver(() => this.readers[subtask]?.notifyNoMoreSplits());
      },
      callAsync: (callable, handler, initialDelayMs = 0, periodMs) => this.callAsync(callable, handler, initialDelayMs, periodMs),
    };
    const restore = options.restore;
    this.enumerator =
      restore === undefined ? source.createEnumerator(context) : source.restoreEnumerator(context, this.clone(restore.enumeratorState));
    this.enumerator.start();
    for (let subtask = 0; subtask < parallelism; subtask++) {
      const reader = source.createReader({
        subtaskIndex: subtask,
        parallelism,
        sendSplitRequest: () => this.deliver(() => this.enumerator.handleSplitRequest(subtask)),
      });
      this.readers.push(reader);
      registered.add(subtask);
      this.enumerator.addReader(subtask);
      const splits = restore?.readerSplits[subtask];
      if (splits !== undefined && splits.length > 0) reader.addSplits(this.clone(splits));
    }
  }

  /** Creates the enumerator and the readers and starts them. */
  static async create<T, SplitT extends SourceSplit, EnumState>(
    source: Source<T, SplitT, EnumState>,
    options: SourceTestDriverOptions<SplitT, EnumState> = {},
  ): Promise<SourceTestDriver<T, SplitT, EnumState>> {
    const parallelism = options.parallelism ?? 1;
    if (!Number.isSafeInteger(parallelism) || parallelism < 1) {
      throw new TypeError(`parallelism must be a positive integer, got ${parallelism}`);
    }
    if (source.maxParallelism !== undefined && parallelism > source.maxParallelism) {
      throw new TypeError(`The source supports a parallelism of at most ${source.maxParallelism}, got ${parallelism}`);
    }
    const driver = new SourceTestDriver(source, parallelism, options);
    try {
      await Promise.all(driver.readers.map(async (reader) => reader.start()));
    } catch (error) {
      await driver.close();
      throw error;
    }
    return driver;
  }

  /** Polls the readers until all ended, or `options` stop the run; returns what this run emitted. */
  async run(options: SourceRunOptions = {}): Promise<SourceRunResult<T>> {
    if (this.closed) throw new TypeError('The driver is closed');
    if (this.run_ !== undefined) throw new TypeError('The driver is already running');
    if (this.failure !== undefined) throw this.failure.error;
    this.records = Array.from({ length: this.parallelism }, () => []);
    this.timestamps = Array.from({ length: this.parallelism }, () => []);
    this.emittedThisRun = 0;
    let stopRun!: () => void;
    let failRun!: (error: unknown) => void;
    const stopped = new Promise<void>((resolve, reject) => {
      stopRun = resolve;
      failRun = reject;
    });
    let stopping = false;
    const state = {
      stop: () => {
        stopping = true;
        stopRun();
      },
      fail: (error: unknown) => {
        stopping = true;
        failRun(error);
      },
      maxRecords: options.maxRecords ?? Infinity,
    };
    this.run_ = state;
    const runTimers: NodeJS.Timeout[] = [];
    if (options.durationMs !== undefined) runTimers.push(setTimeout(state.stop, options.durationMs));
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    runTimers.push(
      setTimeout(() => state.fail(new Error(`The source did not finish within ${timeoutMs} ms (finished: ${JSON.stringify(this.finished)})`)), timeoutMs),
    );
    const loops = this.readers.map(async (reader, subtask) => {
      const output = {
        collect: (record: T, timestamp?: number): void => {
          (this.records[subtask]).push(record);
          (this.timestamps[subtask]).push(timestamp);
          this.emittedThisRun++;
        },
      };
      while (!stopping && !this.finished[subtask]) {
        const status = reader.pollNext(output);
        if (status === 'END_OF_INPUT') {
          this.finished[subtask] = true;
        } else if (this.emittedThisRun >= state.maxRecords) {
          state.stop();
        } else if (status === 'NOTHING_AVAILABLE') {
          await Promise.race([reader.isAvailable(), stopped]);
        } else {
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      }
    });
    const allDone = Promise.all(loops).then(() => state.stop(), state.fail);
    try {
      await stopped;
    } catch (error) {
      this.failure ??= { error };
      throw error;
    } finally {
      for (const timer of runTimers) clearTimeout(timer);
      stopping = true;
      await allDone.catch(() => undefined);
      this.run_ = undefined;
    }
    return { records: this.records, timestamps: this.timestamps, finished: [...this.finished] };
  }

  /** The enumerator's state and every reader's splits, after delivering the messages in flight. */
  async snapshot(checkpointId: number): Promise<SourceTestSnapshot<SplitT, EnumState>> {
    while (this.pendingDeliveries > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    return this.clone({
      enumeratorState: this.enumerator.snapshotState(checkpointId),
      readerSplits: this.readers.map((reader) => reader.snapshotState(checkpointId)),
    });
  }

  /** Closes the readers and the enumerator and cancels the timers; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.all(this.readers.map(async (reader) => reader.close()));
    await this.enumerator.close();
  }

  /** Same as {@link SourceTestDriver.close}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private checkSubtask(subtask: number): void {
    if (!Number.isInteger(subtask) || subtask < 0 || subtask >= this.parallelism) {
      throw new TypeError(`No subtask ${subtask}: the parallelism is ${this.parallelism}`);
    }
  }

  /** Runs `action` later on the event loop, as a message; a throw fails the run. */
  private deliver(action: () => void): void {
    this.pendingDeliveries++;
    setImmediate(() => {
      this.pendingDeliveries--;
      if (this.closed) return;
      try {
        action();
      } catch (error) {
        this.fail(error);
      }
    });
  }

  private fail(error: unknown): void {
    this.failure ??= { error };
    this.run_?.fail(error);
  }

  private callAsync<R>(
    callable: () => Promise<R>,
    handler: (result: R | undefined, error: unknown) => void,
    initialDelayMs: number,
    periodMs: number | undefined,
  ): void {
    const schedule = (delayMs: number): void => {
      if (this.closed) return;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void runOnce();
      }, delayMs);
      this.timers.add(timer);
    };
    const runOnce = async (): Promise<void> => {
      let result: R | undefined;
      let error: unknown;
      try {
        result = await callable();
      } catch (thrown) {
        error = thrown;
      }
      if (this.closed) return;
      try {
        handler(result, error);
      } catch (thrown) {
        this.fail(thrown);
        return;
      }
      if (periodMs !== undefined && periodMs > 0) schedule(periodMs);
    };
    schedule(initialDelayMs);
  }
}

/**
 * Reads a source with `parallelism` readers until every reader ends (or `options` stop it) and returns the records
 * of each subtask.
 */
export async function readAll<T, SplitT extends SourceSplit, EnumState>(
  source: Source<T, SplitT, EnumState>,
  parallelism = 1,
  options: SourceRunOptions = {},
): Promise<T[][]> {
  const driver = await SourceTestDriver.create(source, { parallelism });
  try {
    return (await driver.run(options)).records;
  } finally {
    await driver.close();
  }
}
