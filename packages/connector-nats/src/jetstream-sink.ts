/**
 * `JetStreamSink`: exactly-once output into a JetStream stream, through core's two-phase-commit sink protocol. Each
 * writer serializes its records and keeps them until the next checkpoint barrier; `prepareCommit` hands them out as a
 * committable (stored in the checkpoint), and when that checkpoint completes the committer publishes them, each with
 * a deterministic `Nats-Msg-Id` (`<job>-<subtask>-<checkpoint>-<index>`, fixed in the committable). A re-commit after
 * a recovery publishes the same ids again and the stream's duplicate window drops them, so every record lands once.
 * A publish counts only once the stream acknowledged it.
 *
 * The stream's `duplicate_window` must outlast the time from a checkpoint to the re-commit after a failure: each
 * writer checks at start that it is at least twice the checkpoint interval (`INVALID_CONFIGURATION` otherwise, naming
 * both); NATS's default window is 2 minutes. A subject that no stream captures is `INVALID_CONFIGURATION` too.
 * Limit of this version: the records between two checkpoints travel inside the checkpoint (keep the interval short
 * for large outputs).
 *
 * @example
 * ```ts
 * const nc = await connectNats({ servers: 'nats://127.0.0.1:4222' });
 * stream.sinkTo(new JetStreamSink(nc, { subject: 'orders.enriched', serializer: (o) => JSON.stringify(o) }));
 * ```
 */
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  ErrorCodes,
  WeirError,
  type Committer,
  type PrecommittingSinkWriter,
  type SinkWriterContext,
  type TwoPhaseCommittingSink,
} from '@weir/core';

/** Options of {@link JetStreamSink}. */
export interface JetStreamSinkOptions<T> {
  /** The subject to publish to (a subject of the target stream). */
  readonly subject: string;
  /** Turns a record into the message payload (default: `String(record)` for strings, else JSON). */
  readonly serializer?: (record: T) => string | Uint8Array;
  /** How long to wait for each publish acknowledgement, in ms (default 5000). */
  readonly ackTimeoutMs?: number;
}

/** The records of one subtask and checkpoint, published together on commit. */
export interface JetStreamCommittable {
  readonly version: 1;
  readonly subject: string;
  /** Message ids are `<idPrefix>-<index>`. */
  readonly idPrefix: string;
  readonly payloads: readonly Uint8Array[];
}

const encoder = new TextEncoder();

function defaultSerializer(record: unknown): string | Uint8Array {
  if (typeof record === 'string' || record instanceof Uint8Array) return record;
  return JSON.stringify(record);
}

class JetStreamWriter<T> implements PrecommittingSinkWriter<T, JetStreamCommittable, never> {
  private buffered: Uint8Array[] = [];

  constructor(
    private readonly context: SinkWriterContext,
    private readonly subject: string,
    private readonly serializer: (record: T) => string | Uint8Array,
  ) {}

  write(element: T): void {
    const payload = this.serializer(element);
    this.buffered.push(typeof payload === 'string' ? encoder.encode(payload) : payload);
  }

  flush(): void {}

  prepareCommit(checkpointId: number): readonly JetStreamCommittable[] {
    if (this.buffered.length === 0) return [];
    const payloads = this.buffered;
    this.buffered = [];
    return [{ version: 1, subject: this.subject, idPrefix: `${this.context.jobId}-${this.context.subtaskIndex}-${checkpointId}`, payloads }];
  }

  snapshotState(): readonly never[] {
    // Nothing outlives a checkpoint in the writer: what was written after it comes again from the rewound sources.
    return [];
  }

  close(): void {
    this.buffered = [];
  }
}

class JetStreamCommitter implements Committer<JetStreamCommittable> {
  private readonly js: JetStreamClient;

  constructor(
    connection: NatsConnection,
    private readonly ackTimeoutMs: number,
  ) {
    this.js = jetstream(connection);
  }

  async commit(committables: readonly JetStreamCommittable[]): Promise<void> {
    for (const c of committables) {
      if (c.version !== 1 || typeof c.subject !== 'string' || typeof c.idPrefix !== 'string' || !Array.isArray(c.payloads)) {
        throw new WeirError(ErrorCodes.SINK_COMMIT_FAILED, `JetStreamSink: a committable is malformed (${JSON.stringify(c).slice(0, 100)})`);
      }
      // In order, a window of acknowledgements at a time: ids make retries and re-commits harmless.
      const window = 256;
      for (let start = 0; start < c.payloads.length; start += window) {
        const acks = c.payloads.slice(start, start + window).map((payload, i) =>
          this.js.publish(c.subject, payload, { msgID: `${c.idPrefix}-${start + i}`, timeout: this.ackTimeoutMs }),
        );
        try {
          await Promise.all(acks);
        } catch (error) {
          throw new WeirError(ErrorCodes.SINK_COMMIT_FAILED, `JetStreamSink could not publish to ${c.subject} (messages ${c.idPrefix}-*): ${error instanceof Error ? error.message : String(error)}`, {
            cause: error,
          });
        }
      }
    }
  }

  close(): void {}
}

/** Exactly-once output into a JetStream stream; see the module documentation. */
export class JetStreamSink<T> implements TwoPhaseCommittingSink<T, JetStreamCommittable, never> {
  private readonly serializer: (record: T) => string | Uint8Array;
  private readonly ackTimeoutMs: number;

  /** A sink publishing on `options.subject` over `connection` (the caller closes it after the job). */
  constructor(
    private readonly connection: NatsConnection,
    private readonly options: JetStreamSinkOptions<T>,
  ) {
    if (typeof options?.subject !== 'string' || !/^[^\s*>]+$/.test(options.subject)) {
      throw new TypeError(`JetStreamSink needs a subject without spaces or wildcards; got ${JSON.stringify(options?.subject)}`);
    }
    this.serializer = options.serializer ?? (defaultSerializer);
    this.ackTimeoutMs = options.ackTimeoutMs ?? 5000;
  }

  async createWriter(context: SinkWriterContext): Promise<PrecommittingSinkWriter<T, JetStreamCommittable, never>> {
    await this.checkStream(context.checkpointIntervalMs);
    return new JetStreamWriter(context, this.options.subject, this.serializer);
  }

  /** The target stream exists, and its duplicate window covers a re-commit (twice the checkpoint interval). */
  private async checkStream(checkpointIntervalMs: number | undefined): Promise<void> {
    const subject = this.options.subject;
    const jsm = await jetstreamManager(this.connection);
    let stream: string;
    try {
      stream = await jsm.streams.find(subject);
    } catch (error) {
      throw new WeirError(ErrorCodes.INVALID_CONFIGURATION, `JetStreamSink: no JetStream stream captures the subject ${subject}`, { cause: error });
    }
    if (checkpointIntervalMs === undefined) return;
    const windowMs = (await jsm.streams.info(stream)).config.duplicate_window / 1e6;
    if (windowMs < 2 * checkpointIntervalMs) {
      throw new WeirError(
        ErrorCodes.INVALID_CONFIGURATION,
        `JetStreamSink: the duplicate window of stream ${stream} (${windowMs} ms) is shorter than twice the checkpoint interval (${checkpointIntervalMs} ms), so a re-commit after a failure could publish records twice; raise the stream's duplicate_window or checkpoint more often`,
      );
    }
  }

  createCommitter(): Committer<JetStreamCommittable> {
    return new JetStreamCommitter(this.connection, this.ackTimeoutMs);
  }
}
