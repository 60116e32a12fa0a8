/**
 * The JobManager and TaskManager processes of a cluster, as far as they go today: they connect to NATS, the
 * TaskManagers send heartbeats with their slots, and the JobManager tracks them (a TaskManager silent for the
 * heartbeat timeout is declared lost) and answers `cluster-status`. Deploying jobs onto them comes next.
 */
import { hostname } from 'node:os';
import { connectNats, ControlEndpoint, HeartbeatMonitor, type ClusterMember } from '@weir/connector-nats';
import type { ClusterConfig } from './cluster-config.js';
import { startRestApi } from './rest-api.js';

/** The control endpoint id of the JobManager. */
export const JOBMANAGER_ID = 'jobmanager';

/** What `cluster-status` answers. */
export interface ClusterStatus {
  readonly taskManagers: readonly { readonly id: string; readonly slots: number; readonly lastHeartbeatMsAgo: number }[];
  readonly jobs: readonly unknown[];
  /** The URL of the JobManager's REST API. */
  readonly restUrl?: string;
}

/** A running cluster process; `stop` closes it. */
export interface ClusterProcess {
  stop(): Promise<void>;
}

/** A TaskManager id from the host name and process id, as a NATS subject token. */
export function defaultTaskManagerId(): string {
  return `tm-${hostname().replace(/[^A-Za-z0-9_-]/g, '-')}-${process.pid}`;
}

/** Starts the JobManager: tracks TaskManagers by heartbeat, answers `cluster-status`, serves the REST API. */
export async function startJobManager(config: ClusterConfig, log: (line: string) => void, version: string): Promise<ClusterProcess> {
  const nc = await connectNats({ servers: config.nats, name: 'weir-jobmanager' });
  const monitor = new HeartbeatMonitor({
    timeoutMs: config.heartbeatTimeoutMs,
    onJoined: (m: ClusterMember) => log(`TaskManager ${m.id} joined with ${m.slots} slot(s)`),
    onLost: (m: ClusterMember) => log(`TaskManager ${m.id} lost: no heartbeat for ${config.heartbeatTimeoutMs} ms`),
  });
  const rest$ = { url: undefined as string | undefined };
  const status = (): ClusterStatus => {
    const now = Date.now();
    return { taskManagers: monitor.members().map((m) => ({ id: m.id, slots: m.slots, lastHeartbeatMsAgo: now - m.lastSeen })), jobs: [], restUrl: rest$.url };
  };
  const endpoint = new ControlEndpoint(nc, JOBMANAGER_ID, { heartbeat: (m) => monitor.beat(m), 'cluster-status': status }, { log });
  await endpoint.ready();
  monitor.start();
  let rest;
  try {
    rest = await startRestApi({ address: config.restAddress, port: config.restPort, token: config.restToken, version }, status);
  } catch (error) {
    monitor.stop();
    await endpoint.close();
    await nc.close();
    throw error;
  }
  rest$.url = rest.url;
  log(`JobManager ready on ${config.nats.join(', ')} (heartbeat timeout ${config.heartbeatTimeoutMs} ms); REST API on ${rest.url}`);
  return {
    stop: async () => {
      await rest.close();
      monitor.stop();
      await endpoint.close();
      await nc.drain().catch(() => undefined);
    },
  };
}

/** Starts a TaskManager: sends heartbeats with its slots to the JobManager. */
export async function startTaskManager(config: ClusterConfig, id: string, log: (line: string) => void): Promise<ClusterProcess> {
  const nc = await connectNats({ servers: config.nats, name: `weir-${id}` });
  const endpoint = new ControlEndpoint(nc, id, {}, { log });
  await endpoint.ready();
  const beat = (): void => {
    if (!nc.isClosed()) endpoint.notify(JOBMANAGER_ID, { type: 'heartbeat', from: id, timestamp: Date.now(), slots: config.slots, tasks: [] });
  };
  beat();
  const timer = setInterval(beat, config.heartbeatIntervalMs);
  log(`TaskManager ${id} ready with ${config.slots} slot(s) on ${config.nats.join(', ')}`);
  return {
    stop: async () => {
      clearInterval(timer);
      await endpoint.close();
      await nc.drain().catch(() => undefined);
    },
  };
}

/** Asks the JobManager for the cluster's status. */
export async function queryClusterStatus(config: ClusterConfig, timeoutMs = 3000): Promise<ClusterStatus> {
  const nc = await connectNats({ servers: config.nats, name: 'weir-cli', maxReconnectAttempts: 0, timeoutMs });
  try {
    const client = new ControlEndpoint(nc, `cli-${process.pid}`, {}, { requestTimeoutMs: timeoutMs, log: () => undefined });
    const status = (await client.request(JOBMANAGER_ID, { type: 'cluster-status', from: `cli-${process.pid}` })) as ClusterStatus;
    await client.close();
    return status;
  } finally {
    await nc.close();
  }
}
