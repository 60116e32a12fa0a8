/**
 * Processing time for operators: the current wall-clock time and timers whose callbacks run as mail in the
 * operator's task (never concurrently with record processing). The test harness swaps in a manual clock.
 */
import type { MaybePromise } from './stream-operator.js';

/** Cancels a registered timer; safe to call after it fired. */
export type CancelTimer = () => void;

/** Processing time and timers of one task. */
export interface ProcessingTimeService {
  /** The current processing time in ms. */
  getCurrentProcessingTime(): number;
  /** Runs `callback(time)` in the task's mailbox once the processing time reaches `time`. */
  registerTimer(time: number, callback: (time: number) => MaybePromise): CancelTimer;
}

/** A processing-time service with a clock that only moves when told to (tests and the test harness). */
export class ManualProcessingTimeService implements ProcessingTimeService {
  private now: number;
  private timers: { time: number; seq: number; callback: (time: number) => MaybePromise }[] = [];
  private seq = 0;

  /** Starts the clock at `start` ms. */
  constructor(start = 0) {
    this.now = start;
  }

  getCurrentProcessingTime(): number {
    return this.now;
  }

  registerTimer(time: number, callback: (time: number) => MaybePromise): CancelTimer {
    const timer = { time, seq: this.seq++, callback };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Moves the clock to `time` and runs, in time order, every timer due by then (including ones they register). */
  async advanceTo(time: number): Promise<void> {
    for (;;) {
      const due = this.timers.filter((t) => t.time <= time).sort((a, b) => a.time - b.time || a.seq - b.seq)[0];
      if (due === undefined) break;
      this.timers = this.timers.filter((t) => t !== due);
      if (due.time > this.now) this.now = due.time;
      await due.callback(due.time);
    }
    if (time > this.now) this.now = time;
  }

  /** The number of pending timers. */
  get pendingTimers(): number {
    return this.timers.length;
  }
}
