/**
 * An actor's mailbox (Flink's `TaskMailbox`): the only way into an actor. Anyone may `put` mail or `signal` that
 * input arrived; only the actor's loop takes mail, one at a time, and sleeps in `waitForSignal` when it has nothing.
 */

/** A FIFO of mail with a wake-up signal for its single consumer. */
export class Mailbox<M> {
  private items: M[] = [];
  private head = 0;
  private waiter: (() => void) | undefined;
  private signalled = false;

  /** Adds mail and wakes the actor. */
  put(mail: M): void {
    this.items.push(mail);
    this.signal();
  }

  /** Takes the oldest mail, or undefined. */
  take(): M | undefined {
    if (this.head >= this.items.length) return undefined;
    const mail = this.items[this.head];
    this.items[this.head++] = undefined as M;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    }
    return mail;
  }

  /** True when mail waits. */
  hasMail(): boolean {
    return this.head < this.items.length;
  }

  /** Wakes the actor if it sleeps (input arrived, credit came back, a reader has data). */
  signal(): void {
    const w = this.waiter;
    if (w !== undefined) {
      this.waiter = undefined;
      w();
    } else {
      this.signalled = true;
    }
  }

  /** Resolves at the next `put` or `signal` (at once if one happened since the last wait). */
  waitForSignal(): Promise<void> {
    if (this.signalled || this.hasMail()) {
      this.signalled = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.waiter = () => {
        this.signalled = false;
        resolve();
      };
    });
  }
}
