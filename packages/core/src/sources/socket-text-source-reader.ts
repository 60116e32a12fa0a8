/**
 * The reader of a {@link SocketTextSource}. Once it holds the split it connects with `node:net`, decodes the bytes
 * as UTF-8 (characters split across packets decode correctly), cuts records at the delimiter and queues them;
 * `pollNext` drains the queue without blocking. When the queue is long the socket is paused (TCP backpressure).
 * When the server closes the connection, the text after the last delimiter (if any) is a last record, the split is
 * done, and the reader ends once the enumerator says no more splits will come.
 *
 * Errors: a connection that cannot be made or fails makes `pollNext` throw a `WeirError` `SOURCE_FAILED` naming
 * `host:port`.
 * Threading model and lifecycle: those of `SourceReader` (see `connector/source.ts`).
 */
import { createConnection } from 'node:net';
import type { Socket } from 'node:net';
import type { InputStatus, ReaderOutput, SourceReader, SourceReaderContext } from '../connector/source.js';
import { describeCause, ErrorCodes, WeirError } from '../errors.js';
import { AvailabilitySignal } from './availability-signal.js';
import type { SocketSplit } from './socket-text-source.js';

/** The largest number of records one `pollNext` call emits. */
const BATCH_SIZE = 1024;
/** The socket is paused while more records than this are queued. */
const MAX_QUEUED_RECORDS = 16 * 1024;

/** Reads delimited text from one TCP connection. */
export class SocketTextSourceReader implements SourceReader<string, SocketSplit> {
  private readonly availability = new AvailabilitySignal();
  private readonly stripCarriageReturn: boolean;
  private split: SocketSplit | undefined;
  private socket: Socket | undefined;
  private records: string[] = [];
  private head = 0;
  /** Text after the last delimiter. */
  private partial = '';
  private connectionEnded = false;
  private failure: WeirError | undefined;
  private noMoreSplits = false;
  private splitRequested = false;
  private started = false;
  private closed = false;

  /** Creates the reader; it connects to `host:port` when it gets the split. */
  constructor(
    private readonly context: SourceReaderContext,
    private readonly host: string,
    private readonly port: number,
    private readonly delimiter: string,
  ) {
    this.stripCarriageReturn = delimiter === '\n';
  }

  /** Connects if it holds a restored split, else asks for the split. */
  start(): void {
    this.started = true;
    if (this.split !== undefined) this.connect();
    else this.requestSplit();
  }

  /** Emits up to a batch of the records received so far. */
  pollNext(output: ReaderOutput<string>): InputStatus {
    if (this.failure !== undefined) throw this.failure;
    const records = this.records;
    const first = this.head;
    let head = first;
    const end = Math.min(records.length, head + BATCH_SIZE);
    try {
      for (; head < end; head++) output.collect(records[head]);
    } finally {
      this.head = head;
    }
    if (head === records.length) {
      this.records = [];
      this.head = 0;
    } else if (head >= MAX_QUEUED_RECORDS) {
      records.splice(0, head);
      this.head = 0;
    }
    if (this.socket?.isPaused() === true && this.records.length - this.head < MAX_QUEUED_RECORDS / 2) this.socket.resume();
    if (head > first) return 'MORE_AVAILABLE';
    if (this.split !== undefined && this.connectionEnded) {
      this.split = undefined; // The connection is done: so is the split.
      this.requestSplit();
    }
    if (this.split === undefined && this.noMoreSplits) return 'END_OF_INPUT';
    this.availability.reset();
    return 'NOTHING_AVAILABLE';
  }

  /** Resolves when records arrived, the connection ended or failed, or the enumerator answered. */
  isAvailable(): Promise<void> {
    return this.availability.wait();
  }

  /** Takes the split and connects (after `start`). */
  addSplits(splits: SocketSplit[]): void {
    this.splitRequested = false;
    if (splits.length === 0) return;
    if (this.split !== undefined || splits.length > 1) {
      throw new TypeError('A socket text source reader reads one split; the enumerator assigned more');
    }
    this.split = splits[0];
    if (this.started) this.connect();
    this.availability.notify();
  }

  /** The reader ends once the connection is closed. */
  notifyNoMoreSplits(): void {
    this.noMoreSplits = true;
    this.splitRequested = false;
    this.availability.notify();
  }

  /** The split while the connection is open (a restored reader connects again). */
  snapshotState(_checkpointId: number): SocketSplit[] {
    return this.split === undefined || this.connectionEnded ? [] : [{ splitId: this.split.splitId }];
  }

  /** Closes the connection; safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket?.destroy();
    this.socket = undefined;
    this.availability.close();
  }

  private requestSplit(): void {
    if (this.splitRequested || this.noMoreSplits || this.closed) return;
    this.splitRequested = true;
    this.context.sendSplitRequest();
  }

  private connect(): void {
    if (this.socket !== undefined || this.closed) return;
    const socket = createConnection({ host: this.host, port: this.port });
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => this.receive(text));
    socket.on('end', () => this.endConnection());
    socket.on('error', (error) => {
      if (this.closed || this.connectionEnded) return;
      this.failure = new WeirError(
        ErrorCodes.SOURCE_FAILED,
        `Socket text source failed on ${this.host}:${this.port}: ${describeCause(error)}`,
        { cause: error },
      );
      this.availability.notify();
    });
    socket.on('close', () => this.endConnection());
  }

  private receive(text: string): void {
    if (this.closed) return;
    const delimiter = this.delimiter;
    const buffer = this.partial + text;
    // The delimiter may straddle the previous text and this one.
    let start = 0;
    let index = buffer.indexOf(delimiter, Math.max(0, this.partial.length - delimiter.length + 1));
    while (index !== -1) {
      this.push(buffer.slice(start, index));
      start = index + delimiter.length;
      index = buffer.indexOf(delimiter, start);
    }
    this.partial = start === 0 ? buffer : buffer.slice(start);
    if (this.records.length - this.head >= MAX_QUEUED_RECORDS) this.socket?.pause();
    this.availability.notify();
  }

  private push(record: string): void {
    this.records.push(this.stripCarriageReturn && record.endsWith('\r') ? record.slice(0, -1) : record);
  }

  private endConnection(): void {
    if (this.closed || this.connectionEnded || this.failure !== undefined) return;
    this.connectionEnded = true;
    if (this.partial !== '') this.push(this.partial);
    this.partial = '';
    this.socket?.destroy();
    this.availability.notify();
  }
}
