/**
 * The configuration of cluster processes (`weir jobmanager`, `weir taskmanager`, `weir cluster`), from three places,
 * the first that sets a value winning: command-line flags, environment variables (`WEIR_NATS_URL`, `WEIR_SLOTS`,
 * `WEIR_HEARTBEAT_INTERVAL_MS`, `WEIR_HEARTBEAT_TIMEOUT_MS`, `WEIR_CLUSTER_DIR`, `WEIR_REST_ADDRESS`, `WEIR_REST_PORT`,
 * `WEIR_REST_TOKEN`), and a JSON configuration file (`--config FILE` or `WEIR_CONFIG`) with the keys `nats`, `slots`,
 * `heartbeatIntervalMs`, `heartbeatTimeoutMs`, `clusterDir`, `restAddress`, `restPort`, `restToken`. Every value is checked at start; a wrong one is a `WEIR_CLI_BAD_ARGUMENT` naming where it came from.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliError, CliErrorCodes } from '../errors.js';

/** What cluster processes are configured with. */
export interface ClusterConfig {
  /** NATS server URLs. */
  readonly nats: readonly string[];
  /** Slots of a TaskManager. */
  readonly slots: number;
  /** How often TaskManagers send heartbeats, in ms. */
  readonly heartbeatIntervalMs: number;
  /** Silence after which the JobManager declares a TaskManager lost, in ms. */
  readonly heartbeatTimeoutMs: number;
  /** Where `weir cluster` keeps pid files and logs. */
  readonly clusterDir: string;
  /** The JobManager's REST API: address (default 127.0.0.1), port (default 8081; 0 for a free one), token. */
  readonly restAddress: string;
  readonly restPort: number;
  readonly restToken?: string;
}

/** The flags a cluster command may get. */
export interface ClusterFlags {
  readonly nats?: string;
  readonly slots?: string;
  readonly heartbeatInterval?: string;
  readonly heartbeatTimeout?: string;
  readonly clusterDir?: string;
  readonly config?: string;
  readonly restAddress?: string;
  readonly restPort?: string;
  readonly restToken?: string;
}

/** The defaults: a local NATS, 1 slot, heartbeats every second, lost after 5 s of silence, `.weir/cluster`. */
export const CLUSTER_DEFAULTS: ClusterConfig = {
  nats: ['nats://127.0.0.1:4222'],
  slots: 1,
  heartbeatIntervalMs: 1000,
  heartbeatTimeoutMs: 5000,
  clusterDir: '.weir/cluster',
  restAddress: '127.0.0.1',
  restPort: 8081,
};

function bad(message: string): CliError {
  return new CliError(CliErrorCodes.BAD_ARGUMENT, message);
}

function natsUrls(value: unknown, where: string): string[] {
  const list = typeof value === 'string' ? value.split(',').map((s) => s.trim()) : value;
  if (!Array.isArray(list) || list.length === 0) throw bad(`${where}: expected NATS URLs (nats://host:port, comma-separated); got ${JSON.stringify(value)}`);
  for (const url of list) {
    if (typeof url !== 'string' || !/^(nats|tls):\/\/[^\s/]+(:\d+)?\/?$/.test(url)) throw bad(`${where}: ${JSON.stringify(url)} is not a NATS URL (nats://host:port or tls://host:port)`);
  }
  return list as string[];
}

function positiveInteger(value: unknown, where: string): number {
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) throw bad(`${where}: expected a positive integer; got ${JSON.stringify(value)}`);
  return n;
}

function text(value: unknown, where: string): string {
  if (typeof value !== 'string' || value.length === 0) throw bad(`${where}: expected a non-empty string`);
  return value;
}

function port(value: unknown, where: string): number {
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0 || n > 65535) throw bad(`${where}: expected a port number (0 to 65535); got ${JSON.stringify(value)}`);
  return n;
}

function directory(value: unknown, where: string): string {
  if (typeof value !== 'string' || value.length === 0) throw bad(`${where}: expected a directory path; got ${JSON.stringify(value)}`);
  return resolve(value);
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw bad(`Cannot read the configuration file ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw bad(`The configuration file ${path} is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw bad(`The configuration file ${path} must hold a JSON object`);
  const known = new Set(['nats', 'slots', 'heartbeatIntervalMs', 'heartbeatTimeoutMs', 'clusterDir', 'restAddress', 'restPort', 'restToken']);
  for (const key of Object.keys(parsed)) if (!known.has(key)) throw bad(`The configuration file ${path} has an unknown key "${key}" (known: ${[...known].join(', ')})`);
  return parsed as Record<string, unknown>;
}

/** Resolves and checks the configuration from `flags`, `env` and the configuration file. */
export function resolveClusterConfig(flags: ClusterFlags, env: NodeJS.ProcessEnv = process.env): ClusterConfig {
  const configPath = flags.config ?? env.WEIR_CONFIG;
  const file = configPath === undefined ? {} : readConfigFile(configPath);
  const pick = (flag: string | undefined, flagName: string, envName: string, key: string): [unknown, string] | undefined => {
    if (flag !== undefined) return [flag, `--${flagName}`];
    if (env[envName] !== undefined) return [env[envName], `environment variable ${envName}`];
    if (file[key] !== undefined) return [file[key], `"${key}" in ${configPath}`];
    return undefined;
  };
  const nats = pick(flags.nats, 'nats', 'WEIR_NATS_URL', 'nats');
  const slots = pick(flags.slots, 'slots', 'WEIR_SLOTS', 'slots');
  const interval = pick(flags.heartbeatInterval, 'heartbeat-interval', 'WEIR_HEARTBEAT_INTERVAL_MS', 'heartbeatIntervalMs');
  const timeout = pick(flags.heartbeatTimeout, 'heartbeat-timeout', 'WEIR_HEARTBEAT_TIMEOUT_MS', 'heartbeatTimeoutMs');
  const dir = pick(flags.clusterDir, 'cluster-dir', 'WEIR_CLUSTER_DIR', 'clusterDir');
  const restAddress = pick(flags.restAddress, 'rest-address', 'WEIR_REST_ADDRESS', 'restAddress');
  const restPort = pick(flags.restPort, 'rest-port', 'WEIR_REST_PORT', 'restPort');
  const restToken = pick(flags.restToken, 'rest-token', 'WEIR_REST_TOKEN', 'restToken');
  const config: ClusterConfig = {
    nats: nats === undefined ? CLUSTER_DEFAULTS.nats : natsUrls(...nats),
    slots: slots === undefined ? CLUSTER_DEFAULTS.slots : positiveInteger(...slots),
    heartbeatIntervalMs: interval === undefined ? CLUSTER_DEFAULTS.heartbeatIntervalMs : positiveInteger(...interval),
    heartbeatTimeoutMs: timeout === undefined ? CLUSTER_DEFAULTS.heartbeatTimeoutMs : positiveInteger(...timeout),
    clusterDir: directory(...(dir ?? [CLUSTER_DEFAULTS.clusterDir, 'the default'])),
    restAddress: restAddress === undefined ? CLUSTER_DEFAULTS.restAddress : text(...restAddress),
    restPort: restPort === undefined ? CLUSTER_DEFAULTS.restPort : port(...restPort),
    restToken: restToken === undefined ? undefined : text(...restToken),
  };
  if (config.heartbeatTimeoutMs <= config.heartbeatIntervalMs) {
    throw bad(`The heartbeat timeout (${config.heartbeatTimeoutMs} ms) must be longer than the heartbeat interval (${config.heartbeatIntervalMs} ms)`);
  }
  return config;
}
