/**
 * The split and the enumerator state of a {@link FileSource}: one split per file, holding the byte offset of the
 * next record to read, and the enumerator's record of which files it already found.
 */
import type { SourceSplit } from '../connector/source.js';

/** One file to read, from the byte offset of its next unread record. */
export interface FileSourceSplit extends SourceSplit {
  /** The file's absolute path (also used as the split id). */
  readonly splitId: string;
  /** The file's absolute path. */
  readonly path: string;
  /** The byte offset of the next record (line) to emit; 0 for a fresh split. */
  readonly offset: number;
  /** How many records (lines) of the file come before `offset`, when known. */
  readonly lineNumber?: number;
}

/** What a file enumerator checkpoints. */
export interface FileSourceEnumeratorState {
  /** Every file the enumerator has found so far (assigned or pending); a continuous scan skips them. */
  readonly alreadyProcessedPaths: string[];
  /** The splits found but not yet assigned. */
  readonly pendingSplits: FileSourceSplit[];
}
