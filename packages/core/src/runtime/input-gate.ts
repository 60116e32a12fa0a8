/**
 * The input side of a task: one {@link ChannelReader} per upstream channel, a queue of arrived frames in arrival
 * order, and the bookkeeping of control elements: the combined watermark (the minimum over active channels, idle
 * channels left out), and the end of each logical input.
 */
import { ChannelReader } from './channel-reader.js';
import { MAX_WATERMARK, MIN_WATERMARK, type ControlElement, type Frame } from './frame.js';
import type { ChannelAddress, Transport } from './transport.js';

/** One upstream channel of a task. */
export interface InputChannelInfo {
  readonly address: ChannelAddress;
  /** The logical input of the operator it feeds (0, or 1 for the second input). */
  readonly inputIndex: number;
}

/** What a control element means for the task. */
export type GateEvent =
  | { readonly type: 'watermark'; readonly watermark: number }
  | { readonly type: 'watermark-status'; readonly idle: boolean }
  | { readonly type: 'end-of-input'; readonly inputIndex: number; readonly allEnded: boolean }
  | { readonly type: 'checkpoint'; readonly checkpointId: number; readonly timestamp: number; readonly savepoint: boolean };

/** How the gate treats checkpoint barriers: aligned (exactly-once) or counted (at-least-once). */
export type BarrierHandling = 'EXACTLY_ONCE' | 'AT_LEAST_ONCE';

/** A checkpoint whose barriers are arriving. */
interface PendingAlignment {
  readonly checkpointId: number;
  readonly timestamp: number;
  readonly savepoint: boolean;
  /** Channels that delivered its barrier. */
  readonly arrived: Set<number>;
}

interface ChannelState {
  readonly reader: ChannelReader;
  readonly inputIndex: number;
  watermark: number;
  idle: boolean;
  /** Counts for the output watermark: active and caught up with it (Flink's StatusWatermarkValve). */
  aligned: boolean;
  ended: boolean;
  /** Exactly-once: the channel delivered the barrier of the checkpoint being aligned; its frames wait. */
  blocked: boolean;
  /** Frames of a blocked channel, in order. */
  deferred: Frame[];
  /** The last checkpoint whose barrier the channel delivered. */
  lastBarrier: number;
}

const NO_EVENTS: readonly GateEvent[] = [];

/** Receives frames for a task and interprets their control elements. */
export class InputGate {
  private readonly channels: ChannelState[];
  private queueChannels: number[] = [];
  private queueFrames: Frame[] = [];
  private head = 0;
  private combinedWatermark = MIN_WATERMARK;
  private allIdle = false;
  private readonly remainingPerInput = new Map<number, number>();
  private remaining: number;
  private readonly pendingAlignments = new Map<number, PendingAlignment>();
  private blockedCount = 0;

  /**
   * Opens a reader per channel; `onArrival` wakes the task, `onError` fails it. `barriers` says how checkpoint
   * barriers are handled: exactly-once aligns them (a channel that delivered a barrier is blocked until every open
   * channel did), at-least-once only counts them.
   */
  constructor(
    transport: Transport,
    infos: readonly InputChannelInfo[],
    onArrival: () => void,
    onError: (e: Error) => void,
    initialCredits?: number,
    private readonly barriers: BarrierHandling = 'EXACTLY_ONCE',
  ) {
    this.channels = infos.map((info, index) => ({
      reader: new ChannelReader(
        transport,
        info.address,
        {
          onFrame: (frame) => {
            this.queueChannels.push(index);
            this.queueFrames.push(frame);
            onArrival();
          },
          onError,
        },
        initialCredits,
      ),
      inputIndex: info.inputIndex,
      watermark: MIN_WATERMARK,
      idle: false,
      aligned: true,
      ended: false,
      blocked: false,
      deferred: [],
      lastBarrier: 0,
    }));
    for (const c of this.channels) this.remainingPerInput.set(c.inputIndex, (this.remainingPerInput.get(c.inputIndex) ?? 0) + 1);
    this.remaining = this.channels.length;
  }

  /** The logical inputs among `0..inputCount-1` that have no channel at all (they are ended from the start). */
  inputsWithoutChannels(inputCount: number): number[] {
    const missing: number[] = [];
    for (let i = 0; i < inputCount; i++) if (!this.remainingPerInput.has(i)) missing.push(i);
    return missing;
  }

  /** The number of channels. */
  get channelCount(): number {
    return this.channels.length;
  }

  /** The logical input of a channel. */
  inputIndexOf(channel: number): number {
    return this.channels[channel].inputIndex;
  }

  /** True when a frame waits. */
  hasFrame(): boolean {
    if (this.blockedCount > 0) this.deferBlockedHead();
    return this.head < this.queueFrames.length;
  }

  /** Moves frames of blocked channels at the head of the queue aside, until the head is from an open channel. */
  private deferBlockedHead(): void {
    while (this.head < this.queueFrames.length) {
      const channel = this.channels[this.queueChannels[this.head]];
      if (!channel.blocked) return;
      channel.deferred.push(this.takeFrame());
    }
  }

  /** The channel of the next frame; call before {@link takeFrame}. */
  peekChannel(): number {
    return this.queueChannels[this.head];
  }

  /** Takes the next frame. */
  takeFrame(): Frame {
    const frame = this.queueFrames[this.head];
    this.queueFrames[this.head] = undefined as unknown as Frame;
    this.head++;
    if (this.head === this.queueFrames.length) {
      this.queueFrames = [];
      this.queueChannels = [];
      this.head = 0;
    }
    return frame;
  }

  /** The task processed a frame of `channel`: hand its credit back. */
  release(channel: number): void {
    this.channels[channel].reader.release();
  }

  /**
   * Applies a control element that arrived on `channel` and returns what it means for the operator: the output
   * watermark is the minimum over aligned channels (active and caught up); idle channels are left out; when every
   * channel is idle the highest channel watermark goes out, then the idle status.
   */
  onControl(channel: number, control: ControlElement): readonly GateEvent[] {
    const state = this.channels[channel];
    switch (control.kind) {
      case 'watermark': {
        if (state.idle || control.timestamp <= state.watermark) return NO_EVENTS;
        state.watermark = control.timestamp;
        if (!state.aligned && state.watermark >= this.combinedWatermark) state.aligned = true;
        return this.minimumOverAligned();
      }
      case 'watermark-status':
        return control.idle ? this.markIdle(state) : this.markActive(state);
      case 'end-of-input': {
        if (state.ended) return NO_EVENTS;
        state.ended = true;
        state.aligned = false;
        this.remaining--;
        const left = this.remainingPerInput.get(state.inputIndex)! - 1;
        this.remainingPerInput.set(state.inputIndex, left);
        const events = this.remaining > 0 ? [...this.minimumOverAligned()] : [];
        if (this.pendingAlignments.size > 0) events.push(...this.completeAlignments());
        if (left === 0) events.push({ type: 'end-of-input', inputIndex: state.inputIndex, allEnded: this.remaining === 0 });
        return events;
      }
      case 'barrier':
        return this.onBarrier(channel, control.checkpointId, control.timestamp, control.savepoint);
    }
  }

  /**
   * A barrier arrived on `channel`. When every open channel delivered it, the checkpoint event is returned (and, in
   * exactly-once mode, the blocked channels reopen with their deferred frames first). A barrier of a newer checkpoint
   * cancels the alignment of older ones (their checkpoints were abandoned upstream).
   */
  private onBarrier(channel: number, checkpointId: number, timestamp: number, savepoint: boolean): readonly GateEvent[] {
    const state = this.channels[channel];
    if (checkpointId <= state.lastBarrier) return NO_EVENTS;
    state.lastBarrier = checkpointId;
    if (this.barriers === 'EXACTLY_ONCE') for (const id of this.pendingAlignments.keys()) if (id < checkpointId) this.cancelAlignment(id);
    let pending = this.pendingAlignments.get(checkpointId);
    if (pending === undefined) this.pendingAlignments.set(checkpointId, (pending = { checkpointId, timestamp, savepoint, arrived: new Set() }));
    pending.arrived.add(channel);
    if (this.barriers === 'EXACTLY_ONCE' && !state.blocked) {
      state.blocked = true;
      this.blockedCount++;
    }
    return this.completeAlignments();
  }

  /** Checkpoints whose barriers came on every open channel. */
  private completeAlignments(): readonly GateEvent[] {
    let events: GateEvent[] | undefined;
    for (const pending of [...this.pendingAlignments.values()].sort((a, b) => a.checkpointId - b.checkpointId)) {
      if (!this.channels.every((c, i) => c.ended || pending.arrived.has(i))) continue;
      this.pendingAlignments.delete(pending.checkpointId);
      // At-least-once: an older checkpoint still counting is overtaken; it can no longer complete here.
      for (const id of this.pendingAlignments.keys()) if (id < pending.checkpointId) this.pendingAlignments.delete(id);
      this.unblockAll();
      (events ??= []).push({ type: 'checkpoint', checkpointId: pending.checkpointId, timestamp: pending.timestamp, savepoint: pending.savepoint });
    }
    return events ?? NO_EVENTS;
  }

  private cancelAlignment(checkpointId: number): void {
    this.pendingAlignments.delete(checkpointId);
    this.unblockAll();
  }

  /** Reopens blocked channels: their deferred frames go to the front of the queue, in order. */
  private unblockAll(): void {
    if (this.blockedCount === 0) return;
    const frontChannels: number[] = [];
    const frontFrames: Frame[] = [];
    this.channels.forEach((c, i) => {
      if (!c.blocked) return;
      c.blocked = false;
      for (const f of c.deferred) {
        frontChannels.push(i);
        frontFrames.push(f);
      }
      c.deferred = [];
    });
    this.blockedCount = 0;
    if (frontFrames.length === 0) return;
    this.queueChannels = [...frontChannels, ...this.queueChannels.slice(this.head)];
    this.queueFrames = [...frontFrames, ...this.queueFrames.slice(this.head)];
    this.head = 0;
  }

  /** Closes every reader; safe to call twice. */
  close(): void {
    for (const c of this.channels) c.reader.close();
  }

  private markIdle(state: ChannelState): readonly GateEvent[] {
    if (state.idle) return NO_EVENTS;
    state.idle = true;
    state.aligned = false;
    const open = this.channels.filter((c) => !c.ended);
    if (open.every((c) => c.idle)) {
      const events: GateEvent[] = [];
      let max = this.combinedWatermark;
      for (const c of open) if (c.watermark > max) max = c.watermark;
      if (max > this.combinedWatermark) {
        this.combinedWatermark = max;
        events.push({ type: 'watermark', watermark: max });
      }
      this.allIdle = true;
      events.push({ type: 'watermark-status', idle: true });
      return events;
    }
    return this.minimumOverAligned();
  }

  private markActive(state: ChannelState): readonly GateEvent[] {
    if (!state.idle) return NO_EVENTS;
    state.idle = false;
    if (state.watermark >= this.combinedWatermark) state.aligned = true;
    if (this.allIdle) {
      this.allIdle = false;
      return [{ type: 'watermark-status', idle: false }];
    }
    return NO_EVENTS;
  }

  private minimumOverAligned(): readonly GateEvent[] {
    let min = MAX_WATERMARK;
    let aligned = 0;
    for (const c of this.channels) {
      if (!c.aligned) continue;
      aligned++;
      if (c.watermark < min) min = c.watermark;
    }
    if (aligned > 0 && min > this.combinedWatermark) {
      this.combinedWatermark = min;
      return [{ type: 'watermark', watermark: min }];
    }
    return NO_EVENTS;
  }
}
