/**
 * The availability future of a source reader, as in Flink's `SourceReaderBase`: `pollNext` marks the reader
 * unavailable before it returns `NOTHING_AVAILABLE`, and whatever may bring records (a split, a decoded chunk, a
 * timer) marks it available again, which resolves the promise that `isAvailable()` handed out.
 *
 * Threading model: used from one reader on the Node.js event loop; not shared between readers.
 */

const RESOLVED: Promise<void> = Promise.resolve();

/** Tells a reader's task when `pollNext` may have records again. */
export class AvailabilitySignal {
  private available = true;
  private waiting: Promise<void> | undefined;
  private resolveWaiting: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;

  /** Marks the reader unavailable; call just before `pollNext` returns `NOTHING_AVAILABLE`. */
  reset(): void {
    this.available = false;
  }

  /** Marks the reader available and resolves the pending promise, if any. */
  notify(): void {
    this.available = true;
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const resolve = this.resolveWaiting;
    this.waiting = undefined;
    this.resolveWaiting = undefined;
    resolve?.();
  }

  /** Marks the reader available after `delayMs` (unless something notifies it earlier). Replaces an earlier timer. */
  notifyAfter(delayMs: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.notify();
    }, Math.max(0, delayMs));
  }

  /** Resolves at once if the reader is available, else when it becomes available. */
  wait(): Promise<void> {
    if (this.available) return RESOLVED;
    if (this.waiting === undefined) {
      this.waiting = new Promise<void>((resolve) => {
        this.resolveWaiting = resolve;
      });
    }
    return this.waiting;
  }

  /** Cancels the timer and resolves any waiter, so nothing stays pending after the reader closed. */
  close(): void {
    this.notify();
  }
}
