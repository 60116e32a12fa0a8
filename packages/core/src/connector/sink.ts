/**
 * The `Sink` interface, in the style of Flink's Sink V2: a sink creates one `SinkWriter` per parallel subtask.
 * Threading model: a writer's methods are called one at a time by its task's mailbox loop.
 * Lifecycle: `createWriter` -> `write`* -> `flush(true)` at the end of input -> `close`.
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
