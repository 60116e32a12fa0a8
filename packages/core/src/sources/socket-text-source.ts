/**
 * The source behind `env.socketTextStream(host, port, delimiter)`, as Flink's `SocketTextStreamFunction`: connects
 * to a TCP server and emits the UTF-8 text it sends, cut at `delimiter` (a `'\r'` before a `'\n'` delimiter is
 * dropped). When the server closes the connection, the text after the last delimiter (if any) is emitted and the
 * source ends. Non-parallel and unbounded; what the server sends while the job is down is lost (at most once).
 */
import type {
  Boundedness,
  Source,
  SourceReader,
  SourceReaderContext,
  SourceSplit,
  SplitEnumerator,
  SplitEnumeratorContext,
} from '../connector/source.js';
import { IteratorSourceEnumerator } from './iterator-source-enumerator.js';
import { SocketTextSourceReader } from './socket-text-source-reader.js';

/** The only split of a {@link SocketTextSource}: the connection (it has no position). */
export interface SocketSplit extends SourceSplit {
  /** Always `'0'`. */
  readonly splitId: string;
}

/** A non-parallel source of the delimited text a TCP server sends. */
export class SocketTextSource implements Source<string, SocketSplit, SocketSplit[]> {
  /** The source is not parallel. */
  readonly maxParallelism = 1;

  /** Creates the source; invalid arguments throw a `TypeError`. */
  constructor(
    readonly host: string,
    readonly port: number,
    readonly delimiter: string = '\n',
  ) {
    if (typeof host !== 'string' || host === '') throw new TypeError(`host must be a non-empty string, got ${String(host)}`);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new TypeError(`port must be an integer in 1..65535, got ${port}`);
    if (typeof delimiter !== 'string' || delimiter === '') throw new TypeError('delimiter must be a non-empty string');
  }

  /** Always `'CONTINUOUS_UNBOUNDED'`. */
  getBoundedness(): Boundedness {
    return 'CONTINUOUS_UNBOUNDED';
  }

  /** An enumerator holding the one split. */
  createEnumerator(context: SplitEnumeratorContext<SocketSplit>): SplitEnumerator<SocketSplit, SocketSplit[]> {
    return new IteratorSourceEnumerator<SocketSplit>(context, [{ splitId: '0' }]);
  }

  /** An enumerator holding the splits of `state` (the split, if it was not assigned). */
  restoreEnumerator(context: SplitEnumeratorContext<SocketSplit>, state: SocketSplit[]): SplitEnumerator<SocketSplit, SocketSplit[]> {
    return new IteratorSourceEnumerator(context, state);
  }

  /** A reader that connects once it gets the split. */
  createReader(context: SourceReaderContext): SourceReader<string, SocketSplit> {
    return new SocketTextSourceReader(context, this.host, this.port, this.delimiter);
  }
}
