/**
 * The `StateBackend` interface: a factory of keyed state backends, one per keyed operator instance (Flink's
 * `StateBackend`). Core ships {@link MemoryStateBackend}; `@weir/state-level` ships a LevelDB one. Every
 * implementation runs the conformance suite `stateBackendConformanceSuite` of `@weir/core/testing`.
 */
import type { KeyedStateBackend } from './keyed-state-backend.js';
import type { TtlTimeProvider } from './ttl-time-provider.js';

/** Where a keyed state backend sits in the job. */
export interface KeyedStateBackendParameters {
  /** The operator's stable id (its uid, or the id the job graph gave it); a disk backend names its files after it. */
  readonly operatorId: string;
  /** The number of key groups (1 to 32768). */
  readonly maxParallelism: number;
  /** The operator's parallelism. */
  readonly parallelism: number;
  /** This instance's subtask index; with the two above it fixes the key-group range the backend owns. */
  readonly subtaskIndex: number;
  /** The clock of state time-to-live; the system clock by default (tests inject a fake one). */
  readonly ttlTimeProvider?: TtlTimeProvider;
}

/** Creates keyed state backends. */
export interface StateBackend {
  /** A short name for logs, such as `memory` or `level`. */
  readonly name: string;
  /** Creates and opens the keyed state backend of one operator instance; close it when the instance ends. */
  createKeyedStateBackend(parameters: KeyedStateBackendParameters): Promise<KeyedStateBackend>;
}
