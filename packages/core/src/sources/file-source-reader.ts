/**
 * The reader of a {@link FileSource}. It reads one split (file) at a time: an asynchronous read loop reads the file
 * in 64 KiB chunks with `FileHandle.read`, decodes them with the source's `StreamFormat`, and queues the records with
 * the byte offset after each; `pollNext` drains the queue without blocking. The loop stays at most a few chunks
 * ahead of what `pollNext` emitted, so a big file never sits in memory. It asks the enumerator for the next split
 * when it reaches the end of a file and has no other split queued.
 *
 * Errors: a file that cannot be opened or read makes `pollNext` throw a `WeirError` `SOURCE_FAILED` naming the path.
 * Threading model and lifecycle: those of `SourceReader` (see `connector/source.ts`); restored splits may be added
 * before `start`.
 */
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { InputStatus, ReaderOutput, SourceReader, SourceReaderContext } from '../connector/source.js';
import { describeCause, ErrorCodes, WeirError } from '../errors.js';
import { AvailabilitySignal } from './availability-signal.js';
import type { FileSourceSplit } from './file-source-split.js';
import type { StreamFormat } from './stream-format.js';

/** The size of one read from a file. */
export const FILE_READ_CHUNK_SIZE = 64 * 1024;
/** How many bytes of decoded but unemitted records the read loop keeps at most before it waits. */
const MAX_BYTES_AHEAD = 4 * FILE_READ_CHUNK_SIZE;
/** The largest number of records one `pollNext` call emits. */
const BATCH_SIZE = 1024;
/** Once this many queued records were emitted, the queue's arrays are compacted. */
const COMPACT_THRESHOLD = 16 * 1024;

/** The split being read. */
interface ActiveSplit {
  readonly splitId: string;
  readonly path: string;
  /** The offset of the next record to emit. */
  emittedOffset: number;
  /** The number of records before `emittedOffset`, when known. */
  lineNumber: number | undefined;
  /** The offset after the last record decoded into the queue. */
  decodedOffset: number;
  /** Every record of the file is in the queue (or was emitted). */
  endOfFile: boolean;
  /** The read loop; settles after it closed the file. */
  readLoop: Promise<void> | undefined;
}

/** Reads the files assigned to one subtask. */
export class FileSourceReader<T> implements SourceReader<T, FileSourceSplit> {
  private readonly availability = new AvailabilitySignal();
  private readonly queued: FileSourceSplit[] = [];
  private active: ActiveSplit | undefined;
  /** Decoded records of the active split and the offset after each; `head` is the next to emit. */
  private records: T[] = [];
  private offsets: number[] = [];
  private head = 0;
  /** Wakes the read loop when it waits for `pollNext` to drain the queue. */
  private wakeReadLoop: (() => void) | undefined;
  private failure: WeirError | undefined;
  private noMoreSplits = false;
  private splitRequested = false;
  private started = false;
  private closed = false;

  /** Creates the reader of one subtask, decoding files with `format`. */
  constructor(
    private readonly context: SourceReaderContext,
    private readonly format: StreamFormat<T>,
  ) {}

  /** Starts reading the restored splits, or asks for a split. */
  start(): void {
    this.started = true;
    if (this.active === undefined && !this.activateNext()) this.requestSplit();
  }

  /** Emits up to a batch of the records read so far. */
  pollNext(output: ReaderOutput<T>): InputStatus {
    if (this.failure !== undefined) throw this.failure;
    let emitted = 0;
    const split = this.active;
    if (split !== undefined) {
      const records = this.records;
      const offsets = this.offsets;
      let head = this.head;
      const end = Math.min(records.length, head + BATCH_SIZE);
      try {
        for (; head < end; head++) output.collect(records[head]);
      } finally {
        emitted = head - this.head;
        this.head = head;
        if (emitted > 0) {
          split.emittedOffset = offsets[head - 1];
          if (split.lineNumber !== undefined) split.lineNumber += emitted;
        }
      }
      if (head === records.length) {
        this.records = [];
        this.offsets = [];
        this.head = 0;
        if (split.endOfFile) this.active = undefined;
      } else if (head >= COMPACT_THRESHOLD) {
        this.records.splice(0, head);
        this.offsets.splice(0, head);
        this.head = 0;
      }
      if (split.decodedOffset - split.emittedOffset < MAX_BYTES_AHEAD) this.wakeReadLoop?.();
    }
    if (this.active === undefined && this.started) this.activateNext();
    if (emitted > 0) return 'MORE_AVAILABLE';
    if (this.active === undefined) {
      if (this.noMoreSplits) return 'END_OF_INPUT';
      this.requestSplit();
    }
    this.availability.reset();
    return 'NOTHING_AVAILABLE';
  }

  /** Resolves when records were read, a split arrived, the enumerator has no more, or reading failed. */
  isAvailable(): Promise<void> {
    return this.availability.wait();
  }

  /** Queues the assigned splits; they are read one after the other. */
  addSplits(splits: FileSourceSplit[]): void {
    for (const split of splits) this.queued.push(split);
    this.splitRequested = false;
    if (this.started && this.active === undefined) this.activateNext();
    this.availability.notify();
  }

  /** The reader ends once its splits are read. */
  notifyNoMoreSplits(): void {
    this.noMoreSplits = true;
    this.splitRequested = false;
    this.availability.notify();
  }

  /** The unfinished splits: the active one at the offset of its next unemitted record, then the queued ones. */
  snapshotState(_checkpointId: number): FileSourceSplit[] {
    const splits: FileSourceSplit[] = [];
    const split = this.active;
    if (split !== undefined && !(split.endOfFile && this.head === this.records.length)) {
      const snapshot: FileSourceSplit = { splitId: split.splitId, path: split.path, offset: split.emittedOffset };
      splits.push(split.lineNumber === undefined ? snapshot : { ...snapshot, lineNumber: split.lineNumber });
    }
    splits.push(...this.queued);
    return splits;
  }

  /** Stops the read loop and closes the open file; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wakeReadLoop?.();
    this.availability.close();
    const loop = this.active?.readLoop;
    this.active = undefined;
    this.records = [];
    this.offsets = [];
    this.head = 0;
    await loop;
  }

  /** Makes the next queued split active and starts its read loop; false if none is queued. */
  private activateNext(): boolean {
    const next = this.queued.shift();
    if (next === undefined || this.closed) return false;
    const split: ActiveSplit = {
      splitId: next.splitId,
      path: next.path,
      emittedOffset: next.offset,
      lineNumber: next.lineNumber,
      decodedOffset: next.offset,
      endOfFile: false,
      readLoop: undefined,
    };
    this.active = split;
    split.readLoop = this.readLoop(split);
    return true;
  }

  private requestSplit(): void {
    if (this.splitRequested || this.noMoreSplits || this.closed) return;
    this.splitRequested = true;
    this.context.sendSplitRequest();
  }

  private isCurrent(split: ActiveSplit): boolean {
    return !this.closed && this.active === split;
  }

  /** Reads the file of `split` chunk by chunk into the queue; never rejects. */
  private async readLoop(split: ActiveSplit): Promise<void> {
    let handle: FileHandle | undefined;
    const emit = (record: T, nextOffset: number): void => {
      this.records.push(record);
      this.offsets.push(nextOffset);
      split.decodedOffset = nextOffset;
    };
    try {
      handle = await open(split.path, 'r');
      const decoder = this.format.createDecoder(split.emittedOffset);
      let position = split.emittedOffset;
      while (this.isCurrent(split)) {
        if (split.decodedOffset - split.emittedOffset >= MAX_BYTES_AHEAD) {
          await new Promise<void>((resolve) => {
            this.wakeReadLoop = resolve;
          });
          this.wakeReadLoop = undefined;
          continue;
        }
        const buffer = Buffer.allocUnsafe(FILE_READ_CHUNK_SIZE);
        const { bytesRead } = await handle.read(buffer, 0, FILE_READ_CHUNK_SIZE, position);
        if (!this.isCurrent(split)) break;
        if (bytesRead === 0) {
          decoder.finish(emit);
          split.endOfFile = true;
          // Ask for the next file now, so it is there when this one is drained.
          if (this.queued.length === 0) this.requestSplit();
          break;
        }
        position += bytesRead;
        decoder.decode(buffer.subarray(0, bytesRead), emit);
        this.availability.notify();
      }
    } catch (error) {
      if (this.isCurrent(split)) {
        this.failure = new WeirError(ErrorCodes.SOURCE_FAILED, `File source cannot read "${split.path}": ${describeCause(error)}`, {
          cause: error,
        });
      }
    } finally {
      this.availability.notify();
      if (handle !== undefined) await handle.close().catch(() => undefined);
    }
  }
}
