/**
 * The operator of a `TwoPhaseCommittingSink` (Flink's `SinkWriterOperator` + `CommitterOperator` in one): follows
 * the protocol in `connector/sink.ts`. On a barrier it flushes, takes the writer's committables and state, and
 * stores them as operator state (`split` lists: each goes to exactly one subtask on restore); when a checkpoint
 * completes it commits the committables of every checkpoint up to it. On restore it commits the restored
 * committables again (idempotent) before the writer starts from the restored writer states. At the end of input it
 * flushes and prepares everything left under `END_OF_INPUT_CHECKPOINT_ID`, committed by the final checkpoint.
 */
import { END_OF_INPUT_CHECKPOINT_ID, type Committer, type PrecommittingSinkWriter, type TwoPhaseCommittingSink } from '../../connector/sink.js';
import type { OperatorSnapshot } from '../../checkpoint/task-state.js';
import { isPromise, type MaybePromise } from '../stream-operator.js';
import { AbstractStreamOperator } from './abstract-stream-operator.js';

const COMMITTABLES = '_weir_sink_committables';
const WRITER_STATE = '_weir_sink_writer_state';

/** Committables waiting for their checkpoint to complete. */
interface PendingCommit {
  readonly checkpointId: number;
  readonly committables: readonly unknown[];
}

/** Factories of two-phase-commit sink operators (the environment warns when they run without checkpoints). */
export const twoPhaseCommitSinkFactories = new WeakSet<() => unknown>();

/** The operator of `sinkTo(twoPhaseCommittingSink)`. */
export class TwoPhaseCommitSinkOperator extends AbstractStreamOperator {
  private writer: PrecommittingSinkWriter<unknown, unknown, unknown> | undefined;
  private committer: Committer<unknown> | undefined;
  private pending: PendingCommit[] = [];

  /** The operator of `sink`. */
  constructor(private readonly sink: TwoPhaseCommittingSink<unknown, unknown, unknown>) {
    super();
  }

  protected userFunctions(): readonly unknown[] {
    return [];
  }

  override processWatermark(): MaybePromise {
    return undefined;
  }

  override processWatermarkStatus(): MaybePromise {
    return undefined;
  }

  override open(): MaybePromise {
    return this.openSink();
  }

  private async openSink(): Promise<void> {
    const c = this.context;
    const restored = c.restored?.lists;
    try {
      this.committer = await this.sink.createCommitter();
      const committables = restored?.get(COMMITTABLES) ?? [];
      if (committables.length > 0) await this.committer.commit(committables);
      this.writer = (await this.sink.createWriter(
        {
          subtaskIndex: c.subtaskIndex,
          parallelism: c.parallelism,
          attempt: c.attempt,
          jobId: c.jobId,
          checkpointIntervalMs: c.checkpointIntervalMs,
          currentProcessingTime: () => c.currentProcessingTime(),
        },
        restored?.get(WRITER_STATE) ?? [],
      ));
    } catch (e) {
      throw this.userError(e, 'while starting (restoring and committing)');
    }
  }

  processElement(value: unknown, timestamp: number | undefined): MaybePromise {
    const writer = this.writer!;
    // eslint-disable-next-line @typescript-eslint/unbound-method
    return this.callUser(writer.write, writer, value, timestamp);
  }

  override finish(): MaybePromise {
    return this.prepareFinal();
  }

  private async prepareFinal(): Promise<void> {
    try {
      await this.writer!.flush(true);
      const committables = await this.writer!.prepareCommit(END_OF_INPUT_CHECKPOINT_ID);
      if (committables.length > 0) this.pending.push({ checkpointId: END_OF_INPUT_CHECKPOINT_ID, committables });
    } catch (e) {
      throw this.userError(e, 'while flushing at the end of input');
    }
  }

  override snapshotState(checkpointId: number, timestamp: number): Promise<OperatorSnapshot> {
    return this.snapshotSink(checkpointId, timestamp);
  }

  private async snapshotSink(checkpointId: number, timestamp: number): Promise<OperatorSnapshot> {
    const base = await super.snapshotState(checkpointId, timestamp);
    let writerState: readonly unknown[];
    try {
      const writer = this.writer!;
      if (checkpointId !== END_OF_INPUT_CHECKPOINT_ID) {
        await writer.flush(false);
        const committables = await writer.prepareCommit(checkpointId);
        if (committables.length > 0) this.pending.push({ checkpointId, committables });
      }
      writerState = await writer.snapshotState(checkpointId);
    } catch (e) {
      throw this.userError(e, `while taking checkpoint ${checkpointId}`);
    }
    return {
      ...base,
      lists: {
        ...base.lists,
        [COMMITTABLES]: { mode: 'split', items: this.pending.flatMap((p) => p.committables) },
        [WRITER_STATE]: { mode: 'split', items: writerState },
      },
    };
  }

  override notifyCheckpointComplete(checkpointId: number): MaybePromise {
    const due = this.pending.filter((p) => p.checkpointId <= checkpointId);
    if (due.length === 0) return super.notifyCheckpointComplete(checkpointId);
    this.pending = this.pending.filter((p) => p.checkpointId > checkpointId);
    const committables = due.flatMap((p) => p.committables);
    let r: unknown;
    try {
      r = this.committer!.commit(committables);
    } catch (e) {
      throw this.userError(e, `while committing checkpoint ${checkpointId}`);
    }
    const after = (): MaybePromise => super.notifyCheckpointComplete(checkpointId);
    if (isPromise(r)) {
      return r.then(after, (e: unknown) => {
        throw this.userError(e, `while committing checkpoint ${checkpointId}`);
      });
    }
    return after();
  }

  override close(): MaybePromise {
    return this.closeSink();
  }

  private async closeSink(): Promise<void> {
    const writer = this.writer;
    const committer = this.committer;
    this.writer = undefined;
    this.committer = undefined;
    try {
      await writer?.close();
    } finally {
      await committer?.close();
    }
  }
}
