/**
 * `TwoPhaseCommitTestDriver`: drives a `TwoPhaseCommittingSink` the way the runtime's sink operator does (the
 * protocol in `connector/sink.ts`), without the runtime, for tests of sinks: one writer per subtask, checkpoints
 * (`flush(false)`, `prepareCommit`, `snapshotState`) whose contents go through msgpack as checkpoint storage would,
 * completion notifications that commit every checkpoint up to the id, crashes (writers dropped without `close`) and
 * restores (commit the restored committables, then create writers with the restored states, round-robin).
 *
 * ```ts
 * const driver = await TwoPhaseCommitTestDriver.create(sink, { parallelism: 2 });
 * await driver.writeAll(0, ['a', 'b']);
 * const chk1 = await driver.checkpoint(1);
 * await driver.notifyCheckpointComplete(1);
 * driver.crash();
 * const restored = await TwoPhaseCommitTestDriver.restore(sink, chk1, { parallelism: 2 });
 * ```
 *
 * Threading model: every method awaits the sink's calls one at a time, as a task's mailbox would.
 */
import { packValue, unpackValue } from '../../codec/value-packr.js';
import {
  END_OF_INPUT_CHECKPOINT_ID,
  type Committer,
  type PrecommittingSinkWriter,
  type SinkWriterContext,
  type TwoPhaseCommittingSink,
} from '../../connector/sink.js';

/** What a checkpoint holds for a sink: the committables not committed yet, and each subtask's writer state. */
export interface SinkTestCheckpoint<CommT, WriterStateT> {
  /** The checkpoint's id. */
  readonly checkpointId: number;
  /** Every committable of this and earlier checkpoints that was not committed when it was taken. */
  readonly committables: readonly CommT[];
  /** The writer states, per subtask. */
  readonly writerStates: readonly (readonly WriterStateT[])[];
}

/** How a driver sets up the sink. */
export interface TwoPhaseCommitTestDriverOptions {
  /** The number of writers (subtasks); default 1. */
  readonly parallelism?: number;
  /** The processing-time clock the writers see; default `Date.now`. */
  readonly clock?: () => number;
  /** The execution attempt; default 0. */
  readonly attempt?: number;
  /** The job id; default `'test-job'`. */
  readonly jobId?: string;
}

/** A msgpack round trip, as checkpoint storage would do: only plain data survives. */
function throughStorage<V>(value: V): V {
  return unpackValue(packValue(value)) as V;
}

/** Runs a two-phase-commit sink through checkpoints, commits, crashes and restores. */
export class TwoPhaseCommitTestDriver<T, CommT, WriterStateT> {
  /** Committables per checkpoint id, not committed yet. */
  private readonly uncommitted = new Map<number, CommT[]>();
  private closed = false;

  private constructor(
    /** The writers, by subtask index. */
    readonly writers: readonly PrecommittingSinkWriter<T, CommT, WriterStateT>[],
    /** The committer (one for the sink: subtask 0's, as the runtime may hand any committable to any committer). */
    readonly committer: Committer<CommT>,
  ) {}

  /** Creates fresh writers (no state) and a committer. */
  static async create<T, CommT, WriterStateT>(
    sink: TwoPhaseCommittingSink<T, CommT, WriterStateT>,
    options: TwoPhaseCommitTestDriverOptions = {},
  ): Promise<TwoPhaseCommitTestDriver<T, CommT, WriterStateT>> {
    return TwoPhaseCommitTestDriver.start(sink, options, () => []);
  }

  /**
   * Recovers from `checkpoint`: commits its committables (again, possibly), then creates writers with its writer
   * states, dealt round-robin over the new parallelism.
   */
  static async restore<T, CommT, WriterStateT>(
    sink: TwoPhaseCommittingSink<T, CommT, WriterStateT>,
    checkpoint: SinkTestCheckpoint<CommT, WriterStateT>,
    options: TwoPhaseCommitTestDriverOptions = {},
  ): Promise<TwoPhaseCommitTestDriver<T, CommT, WriterStateT>> {
    const restored = throughStorage(checkpoint);
    const committer = await sink.createCommitter();
    try {
      await committer.commit(restored.committables);
    } finally {
      await committer.close();
    }
    const parallelism = options.parallelism ?? 1;
    const states = restored.writerStates.flat();
    return TwoPhaseCommitTestDriver.start(sink, { attempt: 1, ...options }, (subtask) =>
      states.filter((_state, index) => index % parallelism === subtask),
    );
  }

  private static async start<T, CommT, WriterStateT>(
    sink: TwoPhaseCommittingSink<T, CommT, WriterStateT>,
    options: TwoPhaseCommitTestDriverOptions,
    statesOf: (subtask: number) => WriterStateT[],
  ): Promise<TwoPhaseCommitTestDriver<T, CommT, WriterStateT>> {
    const parallelism = options.parallelism ?? 1;
    const clock = options.clock ?? Date.now;
    const writers: PrecommittingSinkWriter<T, CommT, WriterStateT>[] = [];
    for (let subtaskIndex = 0; subtaskIndex < parallelism; subtaskIndex++) {
      const context: SinkWriterContext = {
        subtaskIndex,
        parallelism,
        attempt: options.attempt ?? 0,
        jobId: options.jobId ?? 'test-job',
        currentProcessingTime: clock,
      };
      writers.push(await sink.createWriter(context, statesOf(subtaskIndex)));
    }
    return new TwoPhaseCommitTestDriver(writers, await sink.createCommitter());
  }

  /** Writes `elements` to the writer of `subtask`, awaiting each write. */
  async writeAll(subtask: number, elements: Iterable<T>, timestamp?: number): Promise<void> {
    this.checkUsable();
    const writer = this.writers[subtask];
    for (const element of elements) await writer.write(element, timestamp);
  }

  /**
   * Takes checkpoint `checkpointId`: on every writer `flush(false)`, `prepareCommit`, `snapshotState`. Returns what
   * the checkpoint holds, after a msgpack round trip.
   */
  async checkpoint(checkpointId: number): Promise<SinkTestCheckpoint<CommT, WriterStateT>> {
    this.checkUsable();
    const committables: CommT[] = [];
    const writerStates: WriterStateT[][] = [];
    for (const writer of this.writers) {
      await writer.flush(false);
      committables.push(...(await writer.prepareCommit(checkpointId)));
      writerStates.push([...(await writer.snapshotState(checkpointId))]);
    }
    this.uncommitted.set(checkpointId, throughStorage(committables));
    const pending = [...this.uncommitted.entries()].sort(([a], [b]) => a - b).flatMap(([, c]) => c);
    return throughStorage({ checkpointId, committables: pending, writerStates });
  }

  /** Checkpoint `checkpointId` completed: commits the committables of every checkpoint up to it not committed yet. */
  async notifyCheckpointComplete(checkpointId: number): Promise<void> {
    this.checkUsable();
    const ids = [...this.uncommitted.keys()].filter((id) => id <= checkpointId).sort((a, b) => a - b);
    const committables = ids.flatMap((id) => this.uncommitted.get(id)!);
    await this.committer.commit(committables);
    for (const id of ids) this.uncommitted.delete(id);
  }

  /**
   * The end of bounded input without a final checkpoint (BATCH mode or no checkpointing): `flush(true)`, the last
   * `prepareCommit`, and a commit of everything not committed.
   */
  async endOfInput(): Promise<void> {
    this.checkUsable();
    const committables: CommT[] = [];
    for (const writer of this.writers) {
      await writer.flush(true);
      committables.push(...(await writer.prepareCommit(END_OF_INPUT_CHECKPOINT_ID)));
    }
    this.uncommitted.set(END_OF_INPUT_CHECKPOINT_ID, throughStorage(committables));
    await this.notifyCheckpointComplete(END_OF_INPUT_CHECKPOINT_ID);
  }

  /** Simulates a crash: the driver is unusable; nothing is flushed, committed or closed. */
  crash(): void {
    this.closed = true;
  }

  /**
   * Closes the writers and the committer (also after `crash`, to release file handles once the test is done:
   * closing writes and commits nothing).
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const writer of this.writers) await writer.close();
    await this.committer.close();
  }

  private checkUsable(): void {
    if (this.closed) throw new TypeError('TwoPhaseCommitTestDriver: the driver crashed or was closed; restore a new one');
  }
}
