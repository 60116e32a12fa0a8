/** `@weir/connector-nats/testing`: real nats-server processes for tests. */
export { freePort, NatsServer, natsServerBinary, startNatsCluster } from './nats-server.js';
export type { NatsCluster, NatsServerOptions } from './nats-server.js';
