/**
 * The `RateLimiter` interface: how a rate-limited source reader learns how many records it may emit now. Unlike
 * Flink's `RateLimiter.acquire()`, which returns a future the reader waits on, this one never blocks: the reader asks
 * for permits, emits what it got, and when it got none waits (off the mailbox) for `millisUntilNextPermit()`.
 *
 * Threading model: used by one reader, from its task's mailbox loop.
 */

/** Hands out permits to emit records. */
export interface RateLimiter {
  /** Takes up to `wanted` permits available now and returns how many it took: 0 when the budget for now is spent. */
  tryAcquire(wanted: number): number;
  /** Milliseconds until at least one permit is available (0 if one is available now). */
  millisUntilNextPermit(): number;
}
