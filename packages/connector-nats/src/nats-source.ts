/**
 * `NatsSource` and `NatsSink`: core NATS subjects, **at-most-once**. Core NATS keeps nothing: a message published
 * while the job is down or restarting is never seen, and nothing is replayed after a recovery, so keyed state may
 * miss messages (never see one twice). Use `JetStreamSource` / `JetStreamSink` for exactly-once.
 *
 * `NatsSource` subscribes each subtask to the subject in one queue group, so the subtasks share the messages; it is
 * unbounded and keeps no position. `NatsSink` publishes each record as it comes and flushes on checkpoints and at the
 * end of input.
 */
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type {
  Boundedness,
  InputStatus,
  ReaderOutput,
  Sink,
  SinkWriter,
  SinkWriterContext,
  Source,
  SourceReader,
  SourceReaderContext,
  SourceSplit,
  SplitEnumerator,
  SplitEnumeratorContext,
} from '@weir/core';

/** A message as the deserializer sees it. */
export interface NatsMessage {
  readonly subject: string;
  readonly data: Uint8Array;
  string(): string;
}

/** Options of {@link NatsSource}. */
export interface NatsSourceOptions<T> {
  /** The subject (wildcards allowed). */
  readonly subject: string;
  /** The queue group the subtasks share (default `weir-<subject>`). */
  readonly queueGroup?: string;
  /** Turns a message into a record (default: its payload as a string); a message it rejects is dropped and counted. */
  readonly deserializer?: (message: NatsMessage) => T;
}

/** No splits: every subtask subscribes on its own. */
class NoSplitsEnumerator implements SplitEnumerator<SourceSplit, null> {
  constructor(private readonly context: SplitEnumeratorContext<SourceSplit>) {}
  start(): void {}
  handleSplitRequest(subtask: number): void {
    this.context.signalNoMoreSplits(subtask);
  }
  addSplitsBack(): void {}
  addReader(): void {}
  snapshotState(): null {
    return null;
  }
  close(): void {}
}

const MAX_BUFFERED = 10_000;

class NatsReader<T> implements SourceReader<T, SourceSplit> {
  private subscription: Subscription | undefined;
  private readonly buffer: NatsMessage[] = [];
  private wake: (() => void) | undefined;

  constructor(
    private readonly connection: NatsConnection,
    private readonly context: SourceReaderContext,
    private readonly options: NatsSourceOptions<T>,
  ) {}

  start(): void {
    const { subject } = this.options;
    this.subscription = this.connection.subscribe(subject, {
      queue: this.options.queueGroup ?? `weir-${subject.replace(/[^A-Za-z0-9_-]/g, '_')}`,
      callback: (error, message) => {
        if (error !== null) return;
        // At-most-once: beyond the buffer (a slow job), messages are dropped and counted rather than held without end.
        if (this.buffer.length >= MAX_BUFFERED) {
          this.context.metrics?.counter('numDroppedMessages').inc();
          return;
        }
        this.buffer.push(message);
        const wake = this.wake;
        this.wake = undefined;
        wake?.();
      },
    });
  }

  pollNext(output: ReaderOutput<T>): InputStatus {
    const deserialize = this.options.deserializer ?? ((m: NatsMessage) => m.string() as T);
    for (let i = 0; i < 500 && this.buffer.length > 0; i++) {
      const message = this.buffer.shift()!;
      let record: T;
      try {
        record = deserialize(message);
      } catch {
        this.context.metrics?.counter('numPoisonMessages').inc();
        continue;
      }
      output.collect(record);
    }
    return this.buffer.length > 0 ? 'MORE_AVAILABLE' : 'NOTHING_AVAILABLE';
  }

  isAvailable(): Promise<void> {
    if (this.buffer.length > 0) return Promise.resolve();
    return new Promise((resolve) => (this.wake = resolve));
  }

  addSplits(): void {}
  notifyNoMoreSplits(): void {}

  snapshotState(): SourceSplit[] {
    return [];
  }

  close(): void {
    this.subscription?.unsubscribe();
    this.wake?.();
  }
}

/** Reads a core NATS subject, at-most-once; see the module documentation. */
export class NatsSource<T = string> implements Source<T, SourceSplit, null> {
  /** A source over `connection` (the caller closes it after the job). */
  constructor(
    private readonly connection: NatsConnection,
    private readonly options: NatsSourceOptions<T>,
  ) {
    if (typeof options?.subject !== 'string' || options.subject.length === 0 || /\s/.test(options.subject)) {
      throw new TypeError(`NatsSource needs a subject; got ${JSON.stringify(options?.subject)}`);
    }
  }

  getBoundedness(): Boundedness {
    return 'CONTINUOUS_UNBOUNDED';
  }

  createEnumerator(context: SplitEnumeratorContext<SourceSplit>): SplitEnumerator<SourceSplit, null> {
    return new NoSplitsEnumerator(context);
  }

  restoreEnumerator(context: SplitEnumeratorContext<SourceSplit>): SplitEnumerator<SourceSplit, null> {
    return new NoSplitsEnumerator(context);
  }

  createReader(context: SourceReaderContext): SourceReader<T, SourceSplit> {
    return new NatsReader(this.connection, context, this.options);
  }
}

/** Options of {@link NatsSink}. */
export interface NatsSinkOptions<T> {
  /** The subject to publish to. */
  readonly subject: string;
  /** Turns a record into the payload (default: strings as they are, else JSON). */
  readonly serializer?: (record: T) => string | Uint8Array;
}

/** Publishes records on a core NATS subject, at-most-once; see the module documentation. */
export class NatsSink<T> implements Sink<T> {
  /** A sink over `connection` (the caller closes it after the job). */
  constructor(
    private readonly connection: NatsConnection,
    private readonly options: NatsSinkOptions<T>,
  ) {
    if (typeof options?.subject !== 'string' || !/^[^\s*>]+$/.test(options.subject)) throw new TypeError(`NatsSink needs a subject without spaces or wildcards; got ${JSON.stringify(options?.subject)}`);
  }

  createWriter(_context: SinkWriterContext): SinkWriter<T> {
    const { subject } = this.options;
    const serialize = this.options.serializer ?? ((r: T) => (typeof r === 'string' || r instanceof Uint8Array ? r : JSON.stringify(r)));
    return {
      write: (element) => {
        this.connection.publish(subject, serialize(element));
      },
      flush: () => this.connection.flush(),
      close: () => undefined,
    };
  }
}
