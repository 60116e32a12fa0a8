/**
 * The sources of `@weir/core`: collections, number sequences, generated data, files and sockets, in the style of
 * Flink's FLIP-27 sources (see `connector/source.ts`).
 *
 * ```ts
 * const numbers = new NumberSequenceSource(1, 1_000_000);
 * const events = new DataGeneratorSource((i) => ({ id: i }), Infinity, RateLimiterStrategy.perSecond(100));
 * const lines = FileSource.forRecordStreamFormat(new TextLineInputFormat(), 'input/').build();
 * ```
 */
export { CollectionSource } from './collection-source.js';
export type { CollectionSplit } from './collection-source.js';
export { NumberSequenceSource } from './number-sequence-source.js';
export type { NumberSequenceSplit } from './number-sequence-source.js';
export { RateLimiterStrategy } from './rate-limiter-strategy.js';
export type { RateLimiter } from './rate-limiter.js';
export { DataGeneratorSource } from './data-generator-source.js';
export type { GeneratorFunction } from './data-generator-source.js';
export type { RecordCallback, StreamFormat, StreamFormatDecoder } from './stream-format.js';
export { TextLineInputFormat } from './text-line-input-format.js';
export { FileSource, FileSourceBuilder } from './file-source.js';
export type { FileSourceEnumeratorState, FileSourceSplit } from './file-source-split.js';
export { SocketTextSource } from './socket-text-source.js';
export type { SocketSplit } from './socket-text-source.js';
