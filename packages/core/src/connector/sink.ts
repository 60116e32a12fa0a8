/**
 * The sink interfaces, in the style of Flink's Sink V2.
 *
 * **`Sink`**: a sink creates one `SinkWriter` per parallel subtask.
 * Lifecycle: `createWriter` -> `write`* -> `flush(true)` at the end of input -> `close`.
 *
 * **`TwoPhaseCommittingSink`** (exactly-once output): a writer stages its output and hands out *committables* at each
 * checkpoint; a `Committer` makes them visible once that checkpoint is complete. Output therefore becomes final only
 * for input that a completed checkpoint covers, and a recovery never publishes what was written after it.
 *
 * Threading model: a writer's and a committer's methods are called one at a time by the mailbox loop of the task that
 * owns them, never concurrently with each other; a returned promise is awaited before the next call. They must not
 * start work of their own outside those calls (no timers): processing-time work goes through `onProcessingTime`.
 *
 * The runtime protocol of a two-phase-commit sink (the sink operator follows it; tests may drive it directly):
 * 1. **Start**: `createWriter(context, [])` and `createCommitter()` per subtask.
 * 2. **Records**: `write(element, timestamp)`; `flush(false)` whenever the runtime likes; `onProcessingTime(now)`
 *    every `processingTimeInterval` ms if the writer has both.
 * 3. **Checkpoint barrier `id`** (before the barrier is forwarded or acknowledged): `flush(false)`, then
 *    `prepareCommit(id)`, then `snapshotState(id)`. The checkpoint stores the writer state (as this subtask's
 *    operator state) and the committables of `id` together with those of earlier checkpoints not committed yet.
 * 4. **Checkpoint `id` complete**: `commit(...)` with the committables of every checkpoint `<= id` that are not
 *    committed yet, in checkpoint order. A notification may be lost (a later one covers it) or come after a failure
 *    (the restore below covers it). A commit that throws fails the task; the restore commits again.
 * 5. **Recovery from checkpoint `id`**: first `commit(committables stored in checkpoint id)` (idempotent: some may be
 *    committed already; a failure fails the recovery), then `createWriter(context, writer states stored in checkpoint
 *    id)`. The writer states of all subtasks are redistributed (round-robin; each state goes to exactly one new
 *    writer), so a writer may get several states, or states of other subtasks when the parallelism changed. Sources
 *    rewind to the checkpoint, so records after it come again: a restored writer discards what was written after it.
 * 6. **End of bounded input**: `flush(true)`. With checkpointing enabled in STREAMING mode the job then takes a final
 *    checkpoint (Flink's FLIP-147): its step 3 hands out everything staged (a `prepareCommit` after `flush(true)` hands
 *    out all; a `flush(false)` after `flush(true)` does not undo it) and its completion commits it before the job
 *    finishes. In BATCH mode, or with checkpointing disabled, there is no final checkpoint: the runtime calls
 *    `prepareCommit(END_OF_INPUT_CHECKPOINT_ID)` and commits every remaining committable at once, as Flink's
 *    `CommitterOperator.endInput` does.
 * 7. **Shutdown**: `close()` on the writer and the committer, also on cancellation and failure. `close` does not
 *    commit; what was not committed stays staged (for a `FileSink`: hidden in-progress files).
 *
 * With checkpointing disabled in STREAMING mode a two-phase-commit sink therefore writes nothing final while the job
 * runs (the runtime warns about it at job start, semantics.md); only the end of bounded input commits. A failure
 * then restarts from the sources with fresh writers (`recoveredState` empty), and nothing of the failed attempt
 * was committed, so a bounded job still writes every record once. Exactly-once output of an unbounded job needs
 * checkpointing.
 *
 * Committables and writer states are stored in checkpoints and may cross processes: they must be plain data that
 * msgpack round-trips (objects, arrays, strings, finite numbers, booleans, null; no class instances, no `undefined`),
 * and should carry a version number so that a later release can read them.
 */

/** What a sink writer knows of its task. */
export interface SinkWriterContext {
  /** The index of this writer's subtask. */
  readonly subtaskIndex: number;
  /** The parallelism of the sink. */
  readonly parallelism: number;
  /** The execution attempt of the job: 0 on the first run, +1 per restart. */
  readonly attempt: number;
  /** The job's id. */
  readonly jobId: string;
  /** The interval of the job's periodic checkpoints in ms, when it takes them (a sink may check its settings against it). */
  readonly checkpointIntervalMs?: number;
  /**
   * The task's processing time in ms (a manual clock in tests). Optional: a writer that needs processing time uses
   * `Date.now()` when the runtime does not provide it.
   */
  currentProcessingTime?(): number;
}

/** Writes the records of one subtask. */
export interface SinkWriter<T> {
  /** Writes one record; `timestamp` is its event time if it has one. May return a promise, which is awaited in order. */
  write(element: T, timestamp: number | undefined): void | Promise<void>;
  /** Flushes what is buffered; `endOfInput` is true once at the end of bounded input. */
  flush(endOfInput: boolean): void | Promise<void>;
  /** Releases resources; safe to call twice. */
  close(): void | Promise<void>;
}

/** A sink: a factory of writers. */
export interface Sink<T> {
  /** Creates the writer of one subtask. */
  createWriter(context: SinkWriterContext): SinkWriter<T> | Promise<SinkWriter<T>>;
}

/**
 * The checkpoint id the runtime passes to the last `prepareCommit` at the end of bounded input when there is no final
 * checkpoint (BATCH mode, or checkpointing disabled); Flink uses `Long.MAX_VALUE` the same way.
 */
export const END_OF_INPUT_CHECKPOINT_ID = Number.MAX_SAFE_INTEGER;

/**
 * The writer of a {@link TwoPhaseCommittingSink}: stages records, hands out committables at checkpoints and
 * snapshots what a restarted writer needs to continue. Called by one task's mailbox loop, one method at a time
 * (see the module documentation for the protocol).
 */
export interface PrecommittingSinkWriter<T, CommT, WriterStateT> extends SinkWriter<T> {
  /** Stages one record; `timestamp` is its event time if it has one. A returned promise is awaited before the next call. */
  write(element: T, timestamp: number | undefined): void | Promise<void>;
  /**
   * Pushes buffered records to the staging storage. `endOfInput` is true once, at the end of bounded input: after it,
   * the next `prepareCommit` hands out everything staged, and `write` is not called again.
   */
  flush(endOfInput: boolean): void | Promise<void>;
  /**
   * Called on the barrier of checkpoint `checkpointId` (after `flush(false)`, before `snapshotState`): returns the
   * committables that become visible when that checkpoint completes, that is, what was staged and is ready since the
   * previous `prepareCommit`. Each committable is returned once; the runtime stores them in the checkpoint.
   */
  prepareCommit(checkpointId: number): readonly CommT[] | Promise<readonly CommT[]>;
  /**
   * Called right after `prepareCommit(checkpointId)`: the state a restarted writer needs to continue from this
   * checkpoint (for a file sink, the open in-progress file and its valid length). Staged data it refers to must be
   * durable when this returns.
   */
  snapshotState(checkpointId: number): readonly WriterStateT[] | Promise<readonly WriterStateT[]>;
  /**
   * Optional processing-time hook: when a writer has it, the runtime calls it from the task's mailbox with the current
   * processing time every {@link PrecommittingSinkWriter.processingTimeInterval} ms (for example to roll files that
   * have been open or idle too long).
   */
  onProcessingTime?(currentTime: number): void | Promise<void>;
  /** How often the runtime should call `onProcessingTime`, in ms (only read when `onProcessingTime` exists). */
  readonly processingTimeInterval?: number;
  /** Releases resources without committing anything; safe to call twice. */
  close(): void | Promise<void>;
}

/**
 * Makes committables visible (renames staged files, commits transactions). Called by one task's mailbox loop, one
 * call at a time; a committable is given to one committer at a time, but possibly to another subtask's committer
 * than the writer that prepared it, and possibly again after a recovery.
 */
export interface Committer<CommT> {
  /**
   * Commits `committables`. Must be idempotent: committing a committable that is already committed (again after a
   * recovery, or twice in a row) succeeds without duplicating output. A committable that can no longer be committed
   * is an error with code `WEIR_SINK_COMMIT_FAILED` naming it; the others of the call are still committed.
   */
  commit(committables: readonly CommT[]): void | Promise<void>;
  /** Releases resources; safe to call twice. */
  close(): void | Promise<void>;
}

/**
 * A sink with exactly-once output through two-phase commit, as Flink's `TwoPhaseCommittingSink` (with the stateful
 * writer of `StatefulSink`). It is also a plain {@link Sink}: `createWriter(context)` without state starts fresh.
 * `CommT` (committables) and `WriterStateT` (writer state) must be plain msgpack-able data.
 */
export interface TwoPhaseCommittingSink<T, CommT, WriterStateT> extends Sink<T> {
  /**
   * Creates the writer of one subtask. `recoveredState` holds the writer states that the restored checkpoint assigns
   * to this subtask (absent or empty on a fresh start); the writer continues from them. Malformed state is an error.
   */
  createWriter(
    context: SinkWriterContext,
    recoveredState?: readonly WriterStateT[],
  ): PrecommittingSinkWriter<T, CommT, WriterStateT> | Promise<PrecommittingSinkWriter<T, CommT, WriterStateT>>;
  /** Creates the committer of one subtask. */
  createCommitter(): Committer<CommT> | Promise<Committer<CommT>>;
}

/** Whether `sink` is a {@link TwoPhaseCommittingSink} (it has `createCommitter`), for the runtime to pick the protocol. */
export function isTwoPhaseCommittingSink<T>(sink: Sink<T>): sink is TwoPhaseCommittingSink<T, unknown, unknown> {
  return typeof (sink as Partial<TwoPhaseCommittingSink<T, unknown, unknown>>).createCommitter === 'function';
}
