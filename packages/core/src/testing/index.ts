/**
 * `@weir/core/testing`: helpers for testing weir itself and its pluggable parts, shipped so that implementations in
 * other packages run the same checks as core's own.
 *
 * @example
 * ```ts
 * // nats-transport.test.ts
 * import { transportConformanceSuite } from '@weir/core/testing';
 * import { NatsTransport } from './nats-transport.js';
 *
 * transportConformanceSuite('nats', () => NatsTransport.create({ servers: url }), {
 *   deliveryTimeoutMs: 10_000,
 *   quietPeriodMs: 200,
 * });
 * ```
 */
export { transportConformanceSuite } from './transport-conformance.js';
export type { TransportConformanceOptions } from './transport-conformance.js';
export { stateBackendConformanceSuite, type StateBackendConformanceOptions } from './state-backend-conformance.js';
export { StreamTestHarness } from './stream-test-harness.js';
export type { HarnessRecord, StreamTestHarnessOptions } from './stream-test-harness.js';
export { checkpointStorageConformanceSuite, corruptCheckpointBytes } from './checkpoint-storage-conformance.js';
export type { CheckpointCorruption, CheckpointStorageConformanceOptions } from './checkpoint-storage-conformance.js';
export { TwoPhaseCommitTestDriver } from '../sinks/file-sink/two-phase-commit-test-driver.js';
export type { SinkTestCheckpoint, TwoPhaseCommitTestDriverOptions } from '../sinks/file-sink/two-phase-commit-test-driver.js';
export { listFileSinkOutput, readFinishedLines } from '../sinks/file-sink/file-sink-output.js';
export type { FileSinkOutput } from '../sinks/file-sink/file-sink-output.js';
