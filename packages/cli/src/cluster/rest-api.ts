/**
 * The JobManager's REST API, on Flink's paths where they fit (fastify): `GET /overview`, `/taskmanagers`, `/jobs`,
 * `/jobs/:jobId`. It binds to 127.0.0.1 unless configured otherwise, and then requires a token
 * (`Authorization: Bearer <token>`); every parameter is validated, and no file path is ever taken from a request.
 * Jobs appear once the cluster runs them (submission is the next step of the cluster work); today the lists are empty.
 */
import { isIP } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { CliError, CliErrorCodes } from '../errors.js';
import type { ClusterStatus } from './cluster-members.js';

/** Where the REST API listens and how it is protected. */
export interface RestApiOptions {
  /** The address to bind (default 127.0.0.1). Any other address needs a token. */
  readonly address: string;
  /** The port (default 8081, as Flink; 0 picks a free one). */
  readonly port: number;
  /** The bearer token clients must send; required when the address is not a loopback address. */
  readonly token?: string;
  /** The weir version, for `/overview`. */
  readonly version: string;
}

/** A running REST API. */
export interface RestApi {
  /** The URL it listens on. */
  readonly url: string;
  close(): Promise<void>;
}

function isLoopback(address: string): boolean {
  return address === 'localhost' || address === '::1' || /^127\./.test(address);
}

/** Checks the options; a non-loopback address without a token is `WEIR_CLI_BAD_ARGUMENT`. */
export function checkRestApiOptions(options: RestApiOptions): void {
  if (options.address !== 'localhost' && isIP(options.address) === 0) throw new CliError(CliErrorCodes.BAD_ARGUMENT, `--rest-address: ${JSON.stringify(options.address)} is not an IP address`);
  if (!Number.isSafeInteger(options.port) || options.port < 0 || options.port > 65535) throw new CliError(CliErrorCodes.BAD_ARGUMENT, `--rest-port: expected a port number; got ${options.port}`);
  if (!isLoopback(options.address) && (options.token === undefined || options.token.length < 16)) {
    throw new CliError(CliErrorCodes.BAD_ARGUMENT, `The REST API on ${options.address} is reachable from other hosts: give it a token of at least 16 characters (--rest-token or WEIR_REST_TOKEN)`);
  }
}

/** Starts the REST API over `status()` (the JobManager's view of the cluster). */
export async function startRestApi(options: RestApiOptions, status: () => ClusterStatus): Promise<RestApi> {
  checkRestApiOptions(options);
  const app: FastifyInstance = Fastify({ logger: false, bodyLimit: 1024 });
  if (options.token !== undefined) {
    const expected = `Bearer ${options.token}`;
    app.addHook('onRequest', async (request, reply) => {
      if (request.headers.authorization !== expected) await reply.code(401).send({ errors: ['Missing or wrong bearer token'] });
    });
  }
  app.setNotFoundHandler(async (request, reply) => reply.code(404).send({ errors: [`No such resource: ${request.method} ${request.url.split('?')[0].slice(0, 100)}`] }));
  app.setErrorHandler(async (error: { statusCode?: number; message: string }, _request, reply) =>
    reply.code(error.statusCode !== undefined && error.statusCode < 500 ? error.statusCode : 500).send({ errors: [error.statusCode !== undefined && error.statusCode < 500 ? error.message : 'Internal error'] }),
  );
  app.get('/overview', (_request, reply) => {
    const s = status();
    const slots = s.taskManagers.reduce((n, tm) => n + tm.slots, 0);
    return reply.send({ taskmanagers: s.taskManagers.length, 'slots-total': slots, 'slots-available': slots, 'jobs-running': s.jobs.length, 'jobs-finished': 0, 'jobs-cancelled': 0, 'jobs-failed': 0, 'weir-version': options.version });
  });
  app.get('/taskmanagers', (_request, reply) =>
    reply.send({ taskmanagers: status().taskManagers.map((tm) => ({ id: tm.id, slotsNumber: tm.slots, freeSlots: tm.slots, timeSinceLastHeartbeat: tm.lastHeartbeatMsAgo })) }),
  );
  app.get('/jobs', (_request, reply) => reply.send({ jobs: status().jobs }));
  app.get<{ Params: { jobId: string } }>(
    '/jobs/:jobId',
    { schema: { params: { type: 'object', properties: { jobId: { type: 'string', pattern: '^[0-9a-f]{32}$' } }, required: ['jobId'] } } },
    async (request, reply) => reply.code(404).send({ errors: [`Job ${request.params.jobId} not found`] }),
  );
  const address = await app.listen({ host: options.address, port: options.port });
  return { url: address, close: () => app.close() };
}
