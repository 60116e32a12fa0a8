/**
 * `@weir/connector-nats`: weir over NATS. The distributed transport (`NatsTransport`) today; NATS and JetStream
 * sources and sinks, checkpoint storage on JetStream and secure connections follow.
 */
export { NatsTransport } from './nats-transport.js';
export type { NatsTransportOptions } from './nats-transport.js';
