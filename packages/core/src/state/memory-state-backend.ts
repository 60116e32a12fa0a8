/**
 * `MemoryStateBackend`: keeps keyed state in memory (Flink's `HashMapStateBackend`), the embedded default. State is
 * lost with the process unless checkpoints store its snapshots.
 */
import { MemoryKeyedStateBackend } from './memory-keyed-state-backend.js';
import type { KeyedStateBackendParameters, StateBackend } from './state-backend.js';

/** The state backend that keeps keyed state in memory. */
export class MemoryStateBackend implements StateBackend {
  /** `'memory'`. */
  readonly name = 'memory';

  /** Creates and opens an in-memory keyed state backend for one operator instance. */
  createKeyedStateBackend(parameters: KeyedStateBackendParameters): Promise<MemoryKeyedStateBackend> {
    return MemoryKeyedStateBackend.create(parameters);
  }
}
