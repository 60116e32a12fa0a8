/**
 * The writer behind `executeAndCollect()`: sends records in batches to the client that runs the job, through the
 * JobManager. A batch leaves when it is full, when the input ends, or 50 ms after its first record.
 * A restart discards what the failed attempt had sent, since the job re-runs from its sources.
 */
import type { SinkWriter } from '../connector/sink.js';

/** Batch size of a collect sink's messages to the client. */
export const COLLECT_BATCH_SIZE = 1024;
/** Longest time a record waits in a collect sink's batch. */
export const COLLECT_MAX_DELAY_MS = 50;

/** Buffers records and hands them to `send` in batches. */
export function createCollectWriter<T>(send: (values: unknown[]) => void): SinkWriter<T> {
  let batch: unknown[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (batch.length > 0) {
      const values = batch;
      batch = [];
      send(values);
    }
  };
  return {
    write(element) {
      batch.push(element);
      if (batch.length >= COLLECT_BATCH_SIZE) flush();
      else if (timer === undefined) timer = setTimeout(flush, COLLECT_MAX_DELAY_MS);
    },
    flush,
    close: flush,
  };
}
