/**
 * The source behind `env.fromCollection(iterable)` and `env.fromElements(...items)`: a non-parallel, bounded source
 * of the given elements, in order (Flink's `FromElementsSource`).
 */
import type {
  Boundedness,
  ReaderOutput,
  Source,
  SourceReader,
  SourceReaderContext,
  SourceSplit,
  SplitEnumerator,
  SplitEnumeratorContext,
} from '../connector/source.js';
import { IteratorSourceEnumerator } from './iterator-source-enumerator.js';
import { IteratorSourceReader } from './iterator-source-reader.js';

/** The only split of a {@link CollectionSource}: the elements and the index of the next one to emit. */
export interface CollectionSplit<T> extends SourceSplit {
  /** Always `'0'`. */
  readonly splitId: string;
  /** All elements of the collection. */
  readonly elements: readonly T[];
  /** The index in `elements` of the next element to emit; a restored reader resumes there. */
  readonly position: number;
}

/** A bounded, non-parallel source emitting the elements of a collection in order. */
export class CollectionSource<T> implements Source<T, CollectionSplit<T>, CollectionSplit<T>[]> {
  /** The source is not parallel. */
  readonly maxParallelism = 1;
  private readonly elements: readonly T[];

  /** Copies the elements of `elements` (an array or any iterable); later changes to it are not seen. */
  constructor(elements: Iterable<T>) {
    if (elements === null || elements === undefined || typeof elements[Symbol.iterator] !== 'function') {
      throw new TypeError(`CollectionSource needs an iterable of elements, got ${elements === null ? 'null' : typeof elements}`);
    }
    this.elements = Array.from(elements);
  }

  /** Always `'BOUNDED'`. */
  getBoundedness(): Boundedness {
    return 'BOUNDED';
  }

  /** An enumerator holding the one split. */
  createEnumerator(context: SplitEnumeratorContext<CollectionSplit<T>>): SplitEnumerator<CollectionSplit<T>, CollectionSplit<T>[]> {
    return new IteratorSourceEnumerator(context, [{ splitId: '0', elements: this.elements, position: 0 }]);
  }

  /** An enumerator holding the splits of `state` (the ones it had not assigned). */
  restoreEnumerator(
    context: SplitEnumeratorContext<CollectionSplit<T>>,
    state: CollectionSplit<T>[],
  ): SplitEnumerator<CollectionSplit<T>, CollectionSplit<T>[]> {
    return new IteratorSourceEnumerator(context, state);
  }

  /** A reader emitting up to a batch of elements per `pollNext`. */
  createReader(context: SourceReaderContext): SourceReader<T, CollectionSplit<T>> {
    return new CollectionSourceReader<T>(context);
  }
}

interface CollectionPosition<T> {
  readonly splitId: string;
  readonly elements: readonly T[];
  position: number;
}

/** Reads {@link CollectionSplit}s. */
class CollectionSourceReader<T> extends IteratorSourceReader<T, CollectionSplit<T>, CollectionPosition<T>> {
  protected toPosition(split: CollectionSplit<T>): CollectionPosition<T> {
    return { splitId: split.splitId, elements: split.elements, position: split.position };
  }

  protected toSplit(position: CollectionPosition<T>): CollectionSplit<T> {
    return { splitId: position.splitId, elements: position.elements, position: position.position };
  }

  protected remaining(position: CollectionPosition<T>): number {
    return Math.max(0, position.elements.length - position.position);
  }

  protected emit(position: CollectionPosition<T>, output: ReaderOutput<T>, count: number): void {
    const elements = position.elements;
    let index = position.position;
    const end = index + count;
    for (; index < end; index++) output.collect(elements[index]);
    position.position = end;
  }
}
