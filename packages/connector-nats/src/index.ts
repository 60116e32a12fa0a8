/**
 * `@weir/connector-nats`: weir over NATS. The distributed transport (`NatsTransport`) and the connection
 * configuration every NATS connection of weir uses (`connectNats`); NATS and JetStream sources and sinks and
 * checkpoint storage on JetStream follow.
 */
export { NatsTransport } from './nats-transport.js';
export type { NatsTransportOptions } from './nats-transport.js';
export { authenticationMethod, connectNats, natsConnectionOptions } from './nats-connection.js';
export type { NatsConnectionConfig, NatsTlsConfig } from './nats-connection.js';
export { JETSTREAM_CHECKPOINT_SCHEME, JetStreamCheckpointStorage } from './jetstream-checkpoint-storage.js';
export type { JetStreamCheckpointStorageOptions } from './jetstream-checkpoint-storage.js';
export { ControlEndpoint } from './control/control-endpoint.js';
export type { ControlEndpointOptions, ControlHandlers } from './control/control-endpoint.js';
export { validateControlMessage } from './control/control-validation.js';
export { HeartbeatMonitor } from './control/heartbeat-monitor.js';
export type { ClusterMember, HeartbeatMonitorOptions } from './control/heartbeat-monitor.js';
export type { ControlValidation } from './control/control-validation.js';
export type {
  AcknowledgeCheckpointMessage,
  CancelMessage,
  CheckpointCompleteMessage,
  ClusterStatusMessage,
  ControlMessage,
  ControlMessageType,
  ControlReply,
  DeclineCheckpointMessage,
  DeployMessage,
  ErrorInfo,
  HeartbeatMessage,
  StartMessage,
  TaskEndedMessage,
  TaskRef,
  TriggerCheckpointMessage,
} from './control/control-messages.js';
export { bundleHash, JobBundleStore } from './job-bundle-store.js';
export type { JobBundleStoreOptions } from './job-bundle-store.js';
export { JobMetadataStore } from './job-metadata-store.js';
export type { JobMetadataStoreOptions, JobRecord, RecordedJobStatus } from './job-metadata-store.js';
export { JetStreamSink } from './jetstream-sink.js';
export type { JetStreamCommittable, JetStreamSinkOptions } from './jetstream-sink.js';
export { JetStreamSource } from './jetstream-source.js';
export type { JetStreamSourceOptions, JetStreamSplit } from './jetstream-source.js';
export { NatsSink, NatsSource } from './nats-source.js';
export type { NatsMessage, NatsSinkOptions, NatsSourceOptions } from './nats-source.js';
export { Deserializers, Serializers } from './codecs.js';
export type { MessageData } from './codecs.js';
