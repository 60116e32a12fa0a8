/**
 * `print()`: writes each record as a line to standard output (or standard error), prefixed as Flink does: `i> `
 * with the 1-based subtask index when the parallelism is above 1, and `prefix> ` or `prefix:i> ` with a prefix.
 */
import type { Sink, SinkWriter, SinkWriterContext } from '../connector/sink.js';
import { formatRecord } from './format-record.js';

/** The Flink-style line prefix of a print sink's subtask. */
export function printPrefix(prefix: string | undefined, subtaskIndex: number, parallelism: number): string {
  let p = prefix ?? '';
  if (parallelism > 1) p += `${p.length > 0 ? ':' : ''}${subtaskIndex + 1}`;
  return p.length > 0 ? `${p}> ` : '';
}

/** Where a print sink writes. */
export interface PrintTarget {
  /** Writes a chunk of text. */
  write(text: string): unknown;
}

/** A sink that prints records, one line each. */
export class PrintSink<T> implements Sink<T> {
  /** Creates a print sink; `target` defaults to standard output (or standard error with `stdErr`). */
  constructor(
    private readonly prefix?: string,
    private readonly stdErr = false,
    private readonly target?: PrintTarget,
  ) {}

  createWriter(context: SinkWriterContext): SinkWriter<T> {
    const prefix = printPrefix(this.prefix, context.subtaskIndex, context.parallelism);
    const target = this.target ?? (this.stdErr ? process.stderr : process.stdout);
    let buffered = '';
    const flush = (): void => {
      if (buffered.length > 0) {
        target.write(buffered);
        buffered = '';
      }
    };
    return {
      write(element) {
        buffered += `${prefix}${formatRecord(element)}\n`;
        if (buffered.length >= 16_384) flush();
      },
      flush,
      close: flush,
    };
  }
}
