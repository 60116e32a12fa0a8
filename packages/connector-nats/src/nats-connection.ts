/**
 * How weir connects to NATS, configured once and used by every connection it makes (transport, sources, sinks,
 * checkpoint storage): servers, one authentication method (user and password, token, NKey seed, or a credentials
 * file) and TLS (CA, client certificate). {@link connectNats} turns the configuration into a connection and every
 * failure into a `WeirError` with a stable code that names the servers and the problem, never a secret.
 */
import { readFile } from 'node:fs/promises';
import {
  connect,
  credsAuthenticator,
  nkeyAuthenticator,
  type ConnectionOptions,
  type NatsConnection,
} from '@nats-io/transport-node';
import { ErrorCodes, WeirError } from '@weir/core';

/** TLS settings of a NATS connection (PEM files). */
export interface NatsTlsConfig {
  /** The CA that signed the server's certificate (default: the system's CAs). */
  readonly caFile?: string;
  /** The client certificate, for servers that verify clients. */
  readonly certFile?: string;
  /** The client certificate's private key. */
  readonly keyFile?: string;
}

/** Everything weir needs to connect to NATS. At most one authentication method may be set. */
export interface NatsConnectionConfig {
  /** One URL or several (`nats://host:4222`, `tls://host:4222`). */
  readonly servers: string | readonly string[];
  /** The connection name the server shows (default `weir`). */
  readonly name?: string;
  /** User and password authentication. */
  readonly user?: string;
  readonly password?: string;
  /** Token authentication. */
  readonly token?: string;
  /** NKey authentication: the user's seed (`SU...`), or a file holding it. */
  readonly nkeySeed?: string;
  readonly nkeySeedFile?: string;
  /** JWT authentication with a credentials file (as made by `nsc`). */
  readonly credentialsFile?: string;
  /** TLS: `true` for the system's CAs, or CA and client certificate files. */
  readonly tls?: true | NatsTlsConfig;
  /** Reconnect attempts after a lost connection (default -1: without end). */
  readonly maxReconnectAttempts?: number;
  /** The wait between reconnect attempts, in ms (default 250). */
  readonly reconnectTimeWaitMs?: number;
  /** The timeout of the first connection, in ms (default 5000). */
  readonly timeoutMs?: number;
}

function describeServers(servers: string | readonly string[]): string {
  return typeof servers === 'string' ? servers : servers.join(', ');
}

function invalid(message: string): WeirError {
  return new WeirError(ErrorCodes.NATS_CONFIGURATION_INVALID, `Invalid NATS connection configuration: ${message}`);
}

/** The authentication method set in `config`, for messages (never the secret). */
export function authenticationMethod(config: NatsConnectionConfig): string {
  if (config.user !== undefined) return `user "${config.user}" with a password`;
  if (config.token !== undefined) return 'a token';
  if (config.nkeySeed !== undefined || config.nkeySeedFile !== undefined) return 'an NKey';
  if (config.credentialsFile !== undefined) return `the credentials file ${config.credentialsFile}`;
  return 'no credentials';
}

async function readConfigFile(what: string, path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (e) {
    throw invalid(`cannot read the ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

/**
 * Checks `config` and builds the `@nats-io/transport-node` connection options (reading seed and credentials files).
 * A wrong configuration is `NATS_CONFIGURATION_INVALID` naming the problem.
 */
export async function natsConnectionOptions(config: NatsConnectionConfig): Promise<ConnectionOptions> {
  if (typeof config !== 'object' || config === null) throw invalid('expected an object');
  const servers = typeof config.servers === 'string' ? [config.servers] : config.servers;
  if (!Array.isArray(servers) || servers.length === 0 || servers.some((s) => typeof s !== 'string' || s.length === 0)) {
    throw invalid('servers must be a URL or a non-empty list of URLs');
  }
  const methods = [
    config.user !== undefined || config.password !== undefined,
    config.token !== undefined,
    config.nkeySeed !== undefined || config.nkeySeedFile !== undefined,
    config.credentialsFile !== undefined,
  ].filter(Boolean).length;
  if (methods > 1) throw invalid('set one authentication method only (user and password, token, NKey seed, or credentials file)');
  if ((config.user === undefined) !== (config.password === undefined)) throw invalid('user and password go together');
  if (config.nkeySeed !== undefined && config.nkeySeedFile !== undefined) throw invalid('set nkeySeed or nkeySeedFile, not both');
  const options: ConnectionOptions = {
    servers: [...servers],
    name: config.name ?? 'weir',
    maxReconnectAttempts: config.maxReconnectAttempts ?? -1,
    reconnectTimeWait: config.reconnectTimeWaitMs ?? 250,
    timeout: config.timeoutMs ?? 5000,
  };
  if (config.user !== undefined) {
    options.user = config.user;
    options.pass = config.password;
  }
  if (config.token !== undefined) options.token = config.token;
  if (config.nkeySeed !== undefined || config.nkeySeedFile !== undefined) {
    const seed = config.nkeySeed !== undefined ? new TextEncoder().encode(config.nkeySeed.trim()) : await readConfigFile('NKey seed file', config.nkeySeedFile!);
    const text = new TextDecoder().decode(seed).trim();
    if (!/^SU[A-Z2-7]+$/.test(text)) throw invalid('the NKey seed must be a user seed (starting with "SU")');
    options.authenticator = nkeyAuthenticator(new TextEncoder().encode(text));
  }
  if (config.credentialsFile !== undefined) {
    const creds = await readConfigFile('credentials file', config.credentialsFile);
    if (!new TextDecoder().decode(creds).includes('BEGIN NATS USER JWT')) throw invalid(`the credentials file ${config.credentialsFile} holds no user JWT`);
    options.authenticator = credsAuthenticator(creds);
  }
  if (config.tls !== undefined) {
    if (config.tls === true) options.tls = {};
    else {
      const { caFile, certFile, keyFile } = config.tls;
      if ((certFile === undefined) !== (keyFile === undefined)) throw invalid('tls.certFile and tls.keyFile go together');
      for (const [what, file] of [['tls.caFile', caFile], ['tls.certFile', certFile], ['tls.keyFile', keyFile]] as const) {
        if (file !== undefined) await readConfigFile(what, file);
      }
      options.tls = { caFile, certFile, keyFile };
    }
  }
  return options;
}

/** What a connection error says, in lower case (nats.js errors differ by version in class and code). */
function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error).toLowerCase();
  const code = (error as { code?: unknown }).code;
  const cause = error.cause instanceof Error ? ` ${error.cause.message}` : '';
  return `${error.name} ${typeof code === 'string' ? code : ''} ${error.message}${cause}`.toLowerCase();
}

/**
 * Connects to NATS as `config` says. Rejects with `NATS_CONFIGURATION_INVALID` (a wrong configuration),
 * `NATS_AUTHENTICATION_FAILED` (the server refused the credentials), `NATS_TLS_FAILED` (the TLS handshake failed)
 * or `NATS_UNREACHABLE` (no server answered); each names the servers, none holds a secret.
 */
export async function connectNats(config: NatsConnectionConfig): Promise<NatsConnection> {
  const options = await natsConnectionOptions(config);
  const where = describeServers(config.servers);
  try {
    return await connect(options);
  } catch (error) {
    const text = errorText(error);
    if (/authori[sz]ation|authentication|auth_|user authentication|permissions/.test(text)) {
      throw new WeirError(ErrorCodes.NATS_AUTHENTICATION_FAILED, `NATS at ${where} refused the connection with ${authenticationMethod(config)}: authorization violation`, { cause: error });
    }
    if (/tls|ssl|certificate|handshake/.test(text)) {
      throw new WeirError(ErrorCodes.NATS_TLS_FAILED, `TLS with NATS at ${where} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    throw new WeirError(ErrorCodes.NATS_UNREACHABLE, `Cannot reach NATS at ${where}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
