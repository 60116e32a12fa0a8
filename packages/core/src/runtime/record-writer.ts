/**
 * Writes an operator's records to the channels of one outgoing edge: picks the channel with the edge's partitioner,
 * batches records per channel into frames, and sends a frame when it is full, when the buffer timeout flushes it, or
 * in front of a control element. Frames go through credit-based {@link ChannelWriter}s.
 */
import { UserFunctionError, WeirError } from '../errors.js';
import type { PartitionerSpec } from '../graph/partitioner.js';
import { murmurHash, stableHash } from '../keys/key-group.js';
import type { ChannelWriter } from './channel-writer.js';
import type { ControlElement } from './frame.js';
import type { RecordConsumer } from './operator-output.js';
import type { MaybePromise } from './stream-operator.js';

/** Settings of a record writer. */
export interface RecordWriterSettings {
  /** Records per frame. */
  readonly frameSize: number;
  /** Flush after every record (buffer timeout 0). */
  readonly flushAlways: boolean;
  /** The name of the receiving operator (for errors of key selectors and partitioners). */
  readonly targetName: string;
  /** The subtask index of the sender. */
  readonly senderIndex: number;
  /** The receiving operator's parallelism. */
  readonly receiverParallelism: number;
  /** The receiving operator's max parallelism. */
  readonly receiverMaxParallelism: number;
  /** The position of the record being processed, for errors. */
  readonly recordPosition: () => number | undefined;
}

/**
 * One outgoing edge of a task. `channels` are the connected receivers in subtask order; under hash, custom,
 * broadcast, shuffle and rebalance partitioning that is every receiver, so channel i goes to subtask i.
 */
export class RecordWriter implements RecordConsumer {
  private readonly values: unknown[][];
  /** Records in each channel's buffer (the buffers are preallocated to the frame size). */
  private readonly counts: number[];
  private readonly timestamps: ((number | undefined)[] | undefined)[];
  private nextChannel: number;
  private readonly select: (value: unknown) => number;

  /** Creates a writer for `channels` under `partitioner`. */
  constructor(
    private readonly partitioner: PartitionerSpec,
    private readonly channels: readonly ChannelWriter[],
    private readonly settings: RecordWriterSettings,
  ) {
    this.values = channels.map(() => this.newBuffer());
    this.counts = channels.map(() => 0);
    this.timestamps = channels.map(() => undefined);
    this.nextChannel = settings.senderIndex % Math.max(1, channels.length);
    this.select = this.createSelector();
  }

  push(value: unknown, timestamp: number | undefined): MaybePromise {
    if (this.partitioner.type === 'broadcast') {
      for (let c = 0; c < this.channels.length; c++) this.append(c, value, timestamp);
      return undefined;
    }
    this.append(this.select(value), value, timestamp);
    return undefined;
  }

  pushWatermark(watermark: number): MaybePromise {
    this.broadcastControl({ kind: 'watermark', timestamp: watermark });
    return undefined;
  }

  pushWatermarkStatus(idle: boolean): MaybePromise {
    this.broadcastControl({ kind: 'watermark-status', idle });
    return undefined;
  }

  /** Sends `control` on every channel, behind the records buffered for it. */
  broadcastControl(control: ControlElement): void {
    for (let c = 0; c < this.channels.length; c++) this.flushChannel(c, control);
  }

  /** Sends every non-empty buffer. */
  flush(): void {
    for (let c = 0; c < this.channels.length; c++) {
      if (this.counts[c] > 0) this.flushChannel(c, undefined);
    }
  }

  /** True when every channel can take frames without waiting for credit. */
  isAvailable(): boolean {
    for (const ch of this.channels) if (!ch.isAvailable()) return false;
    return true;
  }

  /** A buffer for one frame, preallocated so that it never grows (and never copies) while it fills. */
  private newBuffer(): unknown[] {
    return new Array<unknown>(this.settings.flushAlways ? 1 : this.settings.frameSize);
  }

  private append(channel: number, value: unknown, timestamp: number | undefined): void {
    const values = this.values[channel];
    const count = this.counts[channel];
    values[count] = value;
    this.counts[channel] = count + 1;
    let ts = this.timestamps[channel];
    if (timestamp !== undefined && ts === undefined) {
      ts = new Array<number | undefined>(count).fill(undefined);
      this.timestamps[channel] = ts;
    }
    if (ts !== undefined) ts.push(timestamp);
    if (this.settings.flushAlways || count + 1 >= this.settings.frameSize) this.flushChannel(channel, undefined);
  }

  private flushChannel(channel: number, control: ControlElement | undefined): void {
    const values = this.values[channel];
    const count = this.counts[channel];
    if (count < values.length) values.length = count;
    const timestamps = this.timestamps[channel];
    this.values[channel] = this.newBuffer();
    this.counts[channel] = 0;
    this.timestamps[channel] = undefined;
    this.channels[channel].write(values, timestamps, control);
  }

  private createSelector(): (value: unknown) => number {
    const spec = this.partitioner;
    const n = this.channels.length;
    switch (spec.type) {
      case 'forward':
      case 'global':
        return () => 0;
      case 'rebalance':
      case 'rescale':
        return () => {
          const c = this.nextChannel;
          this.nextChannel = c + 1 === n ? 0 : c + 1;
          return c;
        };
      case 'shuffle':
        return () => Math.floor(Math.random() * n);
      case 'broadcast':
        return () => 0;
      case 'hash': {
        const { receiverMaxParallelism: maxP, receiverParallelism: p } = this.settings;
        // One receiver: every key goes there (the keyed operator still checks the key's type).
        if (n === 1) return () => 0;
        const keySelector = spec.keySelector;
        // All receivers are connected under hash partitioning: channel i goes to subtask i.
        return (value) => {
          let hash: number;
          try {
            hash = stableHash(keySelector(value));
          } catch (e) {
            throw this.partitionError(e, 'key selector');
          }
          return Math.floor(((murmurHash(hash) % maxP) * p) / maxP);
        };
      }
      case 'custom': {
        const fn = typeof spec.partitioner === 'function' ? spec.partitioner : spec.partitioner.partition.bind(spec.partitioner);
        const p = this.settings.receiverParallelism;
        return (value) => {
          let target: number;
          try {
            target = fn(spec.keySelector(value), p);
          } catch (e) {
            throw this.partitionError(e, 'custom partitioner');
          }
          if (!Number.isInteger(target) || target < 0 || target >= p) {
            throw this.partitionError(new RangeError(`partition ${target} is not an integer in [0, ${p})`), 'custom partitioner');
          }
          return target;
        };
      }
    }
  }

  private partitionError(error: unknown, what: string): Error {
    if (error instanceof WeirError) return error;
    return new UserFunctionError(
      {
        operatorName: `${what} of "${this.settings.targetName}"`,
        operatorUid: undefined,
        subtaskIndex: this.settings.senderIndex,
        recordPosition: this.settings.recordPosition(),
      },
      error,
    );
  }
}
