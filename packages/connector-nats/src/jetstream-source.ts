/**
 * `JetStreamSource`: reads a JetStream stream (optionally one subject filter) into a job, FLIP-27 style. The stream is
 * one split whose position is the next stream sequence to read; it is part of every checkpoint, so after a recovery
 * the reader continues right after the last record the checkpoint covers and keyed state sees each record once.
 * The reader uses an ordered consumer (ephemeral, in order, recreated from the position after a gap or a server
 * restart): the position lives in weir's checkpoints, not in a durable consumer on the server, as Flink's Kafka
 * source keeps its offsets in checkpoints.
 *
 * Bounded (`bounded: true`): the end is the stream's last sequence when the reader first opens the split (fixed in
 * the split, so a restart reads up to the same end). Unbounded otherwise. With a parallelism above 1 one reader reads
 * and the others stay idle (mark the source idle in the watermark strategy if they hold watermarks back).
 *
 * @example
 * ```ts
 * env.fromSource(new JetStreamSource(nc, { stream: 'ORDERS', deserializer: (m) => JSON.parse(m.string()) }), WatermarkStrategy.noWatermarks(), 'orders');
 * ```
 */
import { DeliverPolicy, jetstream, type Consumer, type JsMsg } from '@nats-io/jetstream';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { ErrorCodes, WeirError } from '@weir/core';
import type {
  Boundedness,
  InputStatus,
  ReaderOutput,
  Source,
  SourceReader,
  SourceReaderContext,
  SourceSplit,
  SplitEnumerator,
  SplitEnumeratorContext,
} from '@weir/core';

/** The one split of a stream and its position. */
export interface JetStreamSplit extends SourceSplit {
  readonly stream: string;
  readonly filterSubject?: string;
  /** The next stream sequence to read. */
  nextSequence: number;
  /** The last sequence to read (bounded), fixed when the split is first opened; undefined: unbounded or not yet fixed. */
  endSequence?: number;
  readonly bounded: boolean;
}

/** Options of {@link JetStreamSource}. */
export interface JetStreamSourceOptions<T> {
  /** The stream to read. */
  readonly stream: string;
  /** Read only this subject (or pattern) of the stream. */
  readonly filterSubject?: string;
  /** Read up to the stream's last message at start, then end (default false: unbounded). */
  readonly bounded?: boolean;
  /** Turns a message into a record (default: its payload as a string). */
  readonly deserializer?: (message: JsMsg) => T;
  /** The first sequence to read on a fresh start (default 1). */
  readonly startSequence?: number;
  /**
   * What a message the deserializer rejects does: `'fail'` (default) fails the job with `SOURCE_FAILED` naming the
   * stream, sequence and subject (a restart meets the same message again, so use the other policy to get past it),
   * or `{ deadLetterSubject }`: the raw message goes to that subject (headers `Weir-Poison-Stream`,
   * `Weir-Poison-Sequence`, `Weir-Poison-Subject`, `Weir-Poison-Reason`, and `Nats-Msg-Id` so a JetStream stream
   * on that subject keeps it once), the counter `numPoisonMessages` of the source counts it, and reading goes on.
   */
  readonly onPoisonMessage?: 'fail' | { readonly deadLetterSubject: string };
}

/** What the enumerator keeps: the split not assigned yet, if any. */
interface EnumeratorState {
  readonly unassigned: readonly JetStreamSplit[];
}

class JetStreamEnumerator implements SplitEnumerator<JetStreamSplit, EnumeratorState> {
  private unassigned: JetStreamSplit[];

  constructor(
    private readonly context: SplitEnumeratorContext<JetStreamSplit>,
    state: EnumeratorState,
  ) {
    this.unassigned = [...state.unassigned];
  }

  start(): void {}

  handleSplitRequest(subtask: number): void {
    const split = this.unassigned.shift();
    if (split !== undefined) this.context.assignSplit(split, subtask);
    this.context.signalNoMoreSplits(subtask);
  }

  addSplitsBack(splits: JetStreamSplit[]): void {
    this.unassigned.push(...splits);
  }

  addReader(): void {}

  snapshotState(): EnumeratorState {
    return { unassigned: this.unassigned.map((s) => ({ ...s })) };
  }

  close(): void {}
}

const BATCH = 500;

class JetStreamReader<T> implements SourceReader<T, JetStreamSplit> {
  private readonly splits: JetStreamSplit[] = [];
  private readonly buffer: JsMsg[] = [];
  private noMoreSplits = false;
  private fetching = false;
  private closed = false;
  private failure: unknown;
  private consumer: Consumer | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly connection: NatsConnection,
    private readonly context: SourceReaderContext,
    private readonly deserializer: (message: JsMsg) => T,
    private readonly poison: 'fail' | { readonly deadLetterSubject: string },
  ) {}

  /** The record of `message`, or undefined when the poison policy set it aside. */
  private deserialize(message: JsMsg, split: JetStreamSplit): { record: T } | undefined {
    try {
      return { record: this.deserializer(message) };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (this.poison === 'fail') {
        throw new WeirError(
          ErrorCodes.SOURCE_FAILED,
          `JetStreamSource: message ${message.seq} of stream ${split.stream} (subject ${message.subject}) cannot be deserialized: ${reason}`,
          { cause: error },
        );
      }
      const h = natsHeaders();
      h.set('Weir-Poison-Stream', split.stream);
      h.set('Weir-Poison-Sequence', String(message.seq));
      h.set('Weir-Poison-Subject', message.subject);
      h.set('Weir-Poison-Reason', reason.slice(0, 500));
      h.set('Nats-Msg-Id', `weir-poison-${split.stream}-${message.seq}`);
      this.connection.publish(this.poison.deadLetterSubject, message.data, { headers: h });
      this.context.metrics?.counter('numPoisonMessages').inc();
      return undefined;
    }
  }

  start(): void {
    this.context.sendSplitRequest();
  }

  addSplits(splits: JetStreamSplit[]): void {
    this.splits.push(...splits.map((s) => ({ ...s })));
    this.fill();
    this.signal();
  }

  notifyNoMoreSplits(): void {
    this.noMoreSplits = true;
    this.signal();
  }

  pollNext(output: ReaderOutput<T>): InputStatus {
    if (this.failure !== undefined) throw this.failure instanceof Error ? this.failure : new Error(`JetStreamSource failed: ${JSON.stringify(this.failure)}`);
    const split = this.splits[0];
    if (split === undefined) return this.noMoreSplits ? 'END_OF_INPUT' : 'NOTHING_AVAILABLE';
    if (split.bounded && split.endSequence !== undefined && split.nextSequence > split.endSequence) {
      this.splits.shift();
      this.consumer = undefined;
      this.fill();
      return this.splits.length > 0 || !this.noMoreSplits ? 'MORE_AVAILABLE' : 'END_OF_INPUT';
    }
    let emitted = 0;
    while (this.buffer.length > 0 && emitted < BATCH) {
      const message = this.buffer.shift()!;
      const sequence = message.seq;
      if (sequence < split.nextSequence) continue; // already emitted before a consumer was recreated
      if (split.bounded && split.endSequence !== undefined && sequence > split.endSequence) {
        this.buffer.length = 0;
        break;
      }
      const deserialized = this.deserialize(message, split);
      if (deserialized !== undefined) output.collect(deserialized.record);
      split.nextSequence = sequence + 1;
      emitted++;
    }
    if (this.buffer.length > 0 || (split.bounded && split.endSequence !== undefined && split.nextSequence > split.endSequence)) return 'MORE_AVAILABLE';
    this.fill();
    return 'NOTHING_AVAILABLE';
  }

  isAvailable(): Promise<void> {
    const split = this.splits[0];
    const ready =
      this.buffer.length > 0 ||
      this.failure !== undefined ||
      (split === undefined && this.noMoreSplits) ||
      (split !== undefined && split.bounded && split.endSequence !== undefined && split.nextSequence > split.endSequence);
    if (ready) return Promise.resolve();
    return new Promise((resolve) => (this.wake = resolve));
  }

  snapshotState(): JetStreamSplit[] {
    return this.splits.map((s) => ({ ...s }));
  }

  close(): void {
    this.closed = true;
    this.signal();
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** Fetches the next batch of the current split in the background. */
  private fill(): void {
    const split = this.splits[0];
    if (this.fetching || this.closed || split === undefined || this.buffer.length > 0) return;
    this.fetching = true;
    this.fetchBatch(split).then(
      () => {
        this.fetching = false;
        this.signal();
      },
      (error: unknown) => {
        this.fetching = false;
        this.failure = error;
        this.signal();
      },
    );
  }

  private async fetchBatch(split: JetStreamSplit): Promise<void> {
    const js = jetstream(this.connection);
    if (split.bounded && split.endSequence === undefined) {
      const info = await (await js.jetstreamManager()).streams.info(split.stream);
      split.endSequence = info.state.last_seq;
    }
    if (split.bounded && split.endSequence !== undefined && split.nextSequence > split.endSequence) return;
    this.consumer ??= await js.consumers.get(split.stream, {
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: split.nextSequence,
      ...(split.filterSubject === undefined ? {} : { filter_subjects: split.filterSubject }),
    });
    const consumer = this.consumer;
    const messages = await consumer.fetch({ max_messages: BATCH, expires: 1000 });
    let fetched = 0;
    for await (const message of messages) {
      if (this.closed) break;
      this.buffer.push(message);
      fetched++;
    }
    if (fetched === 0 && split.bounded && !this.closed) {
      // Nothing left for this consumer (its filter may end before the stream does): the bounded split is done.
      const info = await consumer.info(false);
      if (info.num_pending === 0) split.endSequence = Math.min(split.endSequence ?? Number.MAX_SAFE_INTEGER, split.nextSequence - 1);
    }
  }
}

/** Reads a JetStream stream; see the module documentation. */
export class JetStreamSource<T = string> implements Source<T, JetStreamSplit, EnumeratorState> {
  private readonly deserializer: (message: JsMsg) => T;

  /** A source over `connection` (the caller closes it after the job). */
  constructor(
    private readonly connection: NatsConnection,
    private readonly options: JetStreamSourceOptions<T>,
  ) {
    if (typeof options?.stream !== 'string' || !/^[^\s.*>]+$/.test(options.stream)) throw new TypeError(`JetStreamSource needs a stream name; got ${JSON.stringify(options?.stream)}`);
    const start = options.startSequence ?? 1;
    if (!Number.isSafeInteger(start) || start < 1) throw new TypeError(`startSequence must be a positive integer; got ${start}`);
    this.deserializer = options.deserializer ?? ((m: JsMsg) => m.string() as T);
  }

  getBoundedness(): Boundedness {
    return this.options.bounded === true ? 'BOUNDED' : 'CONTINUOUS_UNBOUNDED';
  }

  createEnumerator(context: SplitEnumeratorContext<JetStreamSplit>): SplitEnumerator<JetStreamSplit, EnumeratorState> {
    const o = this.options;
    const split: JetStreamSplit = {
      splitId: `${o.stream}${o.filterSubject === undefined ? '' : `:${o.filterSubject}`}`,
      stream: o.stream,
      filterSubject: o.filterSubject,
      nextSequence: o.startSequence ?? 1,
      bounded: o.bounded === true,
    };
    return new JetStreamEnumerator(context, { unassigned: [split] });
  }

  restoreEnumerator(context: SplitEnumeratorContext<JetStreamSplit>, state: EnumeratorState): SplitEnumerator<JetStreamSplit, EnumeratorState> {
    return new JetStreamEnumerator(context, state);
  }

  createReader(context: SourceReaderContext): SourceReader<T, JetStreamSplit> {
    return new JetStreamReader(this.connection, context, this.deserializer, this.options.onPoisonMessage ?? 'fail');
  }
}
