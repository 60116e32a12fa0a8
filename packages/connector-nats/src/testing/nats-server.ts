/**
 * Real nats-server processes for tests (conventions.md, item 7): a server on a free port of 127.0.0.1 with JetStream
 * in a temporary store, its log kept in memory, stopped (SIGTERM) or killed (SIGKILL), restarted on the same port with
 * the same store, and a 3-node cluster. Tests never use a server they did not start.
 *
 * The binary is `nats-server` on the PATH (Debian: `apt-get install nats-server`), or `WEIR_NATS_SERVER`; when it is
 * missing, {@link NatsServer.start} rejects with a message that says how to install it.
 *
 * @example
 * ```ts
 * const server = await NatsServer.start();
 * try {
 *   const nc = await connect({ servers: server.url });
 *   // ...
 * } finally {
 *   await server.stop();
 * }
 * ```
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Options of {@link NatsServer.start}. */
export interface NatsServerOptions {
  /** Enable JetStream (default true), with its store in {@link NatsServer.storeDirectory}. */
  readonly jetstream?: boolean;
  /** The client port (default: a free one). */
  readonly port?: number;
  /** Configuration text added to the generated file (accounts, authorization, tls, limits...). */
  readonly config?: string;
  /** How long to wait for the server to be ready, in ms (default 10 000). */
  readonly readyTimeoutMs?: number;
}

/** How a cluster node is configured (internal to {@link startNatsCluster}). */
interface ClusterSettings {
  readonly name: string;
  readonly serverName: string;
  readonly port: number;
  readonly routes: readonly number[];
}

const READY_LINE = 'Server is ready';

/** The nats-server binary to run. */
export function natsServerBinary(): string {
  return process.env.WEIR_NATS_SERVER ?? 'nats-server';
}

/** A free TCP port on 127.0.0.1 (the OS picks one; it is free when this resolves). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** One nats-server process that a test started. */
export class NatsServer {
  private process: ChildProcess | undefined;
  private output = '';
  private exited: Promise<void> = Promise.resolve();

  private constructor(
    /** The client port. */
    readonly port: number,
    /** The directory of the configuration file and the JetStream store (removed by {@link stop}). */
    readonly directory: string,
    private readonly options: NatsServerOptions,
    private readonly cluster: ClusterSettings | undefined,
  ) {}

  /** Starts a server and resolves once it accepts clients. */
  static async start(options: NatsServerOptions = {}): Promise<NatsServer> {
    return NatsServer.launch(options, undefined);
  }

  /** @internal Starts a server with cluster settings. */
  static async launch(options: NatsServerOptions, cluster: ClusterSettings | undefined): Promise<NatsServer> {
    const port = options.port ?? (await freePort());
    const directory = await mkdtemp(join(tmpdir(), 'weir-nats-'));
    const server = new NatsServer(port, directory, options, cluster);
    try {
      await server.run();
    } catch (error) {
      await rm(directory, { recursive: true, force: true });
      throw error;
    }
    return server;
  }

  /** `nats://127.0.0.1:<port>`. */
  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** The JetStream store directory (kept across {@link restart}). */
  get storeDirectory(): string {
    return join(this.directory, 'jetstream');
  }

  /** Everything the server logged so far (across restarts). */
  get log(): string {
    return this.output;
  }

  /** Whether the process is running. */
  get running(): boolean {
    return this.process !== undefined;
  }

  /** Stops the server with SIGTERM (or `signal`) and waits until it exited; the store stays until {@link dispose}. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.process;
    if (child === undefined) return;
    child.kill(signal);
    await this.exited;
  }

  /** Kills the server with SIGKILL, as a crash would. */
  kill(): Promise<void> {
    return this.stop('SIGKILL');
  }

  /** Starts the server again on the same port with the same store (after {@link stop} or {@link kill}). */
  async restart(): Promise<void> {
    await this.stop();
    await this.run();
  }

  /** Stops the server and removes its directory (configuration and store). Safe to call twice. */
  async dispose(): Promise<void> {
    await this.stop();
    await rm(this.directory, { recursive: true, force: true });
  }

  private configText(): string {
    const lines = [`listen: 127.0.0.1:${this.port}`];
    if (this.cluster !== undefined) lines.push(`server_name: ${this.cluster.serverName}`);
    if (this.options.jetstream !== false) lines.push(`jetstream { store_dir: ${JSON.stringify(this.storeDirectory)} }`);
    if (this.cluster !== undefined) {
      const routes = this.cluster.routes.map((p) => `nats-route://127.0.0.1:${p}`).join(', ');
      lines.push(`cluster { name: ${this.cluster.name}, listen: 127.0.0.1:${this.cluster.port}, routes: [${routes}] }`);
    }
    if (this.options.config !== undefined) lines.push(this.options.config);
    return `${lines.join('\n')}\n`;
  }

  private async run(): Promise<void> {
    const configFile = join(this.directory, 'nats-server.conf');
    await writeFile(configFile, this.configText());
    const child = spawn(natsServerBinary(), ['-c', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.process = child;
    const collect = (chunk: Buffer): void => {
      this.output += chunk.toString('utf8');
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    this.exited = new Promise<void>((resolve) => {
      child.once('close', () => {
        if (this.process === child) this.process = undefined;
        resolve();
      });
    });
    const before = this.output.length;
    await new Promise<void>((resolve, reject) => {
      const timeoutMs = this.options.readyTimeoutMs ?? 10_000;
      const timer = setTimeout(() => {
        cleanup();
        child.kill('SIGKILL');
        reject(new Error(`nats-server on port ${this.port} was not ready within ${timeoutMs} ms. Its log:\n${this.output.slice(before)}`));
      }, timeoutMs);
      const onData = (): void => {
        if (this.output.indexOf(READY_LINE, before) >= 0) {
          cleanup();
          resolve();
        }
      };
      const onError = (error: NodeJS.ErrnoException): void => {
        cleanup();
        reject(
          error.code === 'ENOENT'
            ? new Error(`nats-server is not installed: "${natsServerBinary()}" was not found on the PATH. Install it (Debian: apt-get install nats-server) or set WEIR_NATS_SERVER to its path.`)
            : new Error(`Could not start nats-server: ${error.message}`, { cause: error }),
        );
      };
      const onClose = (code: number | null): void => {
        cleanup();
        reject(new Error(`nats-server on port ${this.port} exited (code ${code}) before it was ready. Its log:\n${this.output.slice(before)}`));
      };
      const cleanup = (): void => {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        child.stderr.off('data', onData);
        child.off('error', onError);
        child.off('close', onClose);
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('error', onError);
      child.once('close', onClose);
    });
  }
}

/** A cluster of nats-servers that a test started. */
export interface NatsCluster {
  /** The servers, in start order. */
  readonly servers: readonly NatsServer[];
  /** Every server's client URL, for a client's `servers` option. */
  readonly urls: readonly string[];
  /** Stops every server and removes their directories. */
  dispose(): Promise<void>;
}

/**
 * Starts `size` servers (default 3) routed to each other as one cluster with JetStream; resolves once each accepts
 * clients and has a route to every other.
 */
export async function startNatsCluster(size = 3, options: NatsServerOptions = {}): Promise<NatsCluster> {
  const name = `weir-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const routePorts: number[] = [];
  for (let i = 0; i < size; i++) routePorts.push(await freePort());
  const servers: NatsServer[] = [];
  try {
    const started = await Promise.all(
      routePorts.map((port, i) =>
        NatsServer.launch({ ...options, port: undefined }, { name, serverName: `${name}-${i}`, port, routes: routePorts.filter((p) => p !== port) }),
      ),
    );
    servers.push(...started);
    const deadline = Date.now() + (options.readyTimeoutMs ?? 10_000);
    while (!servers.every((s) => routesIn(s.log) >= size - 1)) {
      if (Date.now() > deadline) throw new Error(`The ${size} nats-servers did not route to each other in time. Logs:\n${servers.map((s) => s.log).join('\n---\n')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } catch (error) {
    await Promise.all(servers.map((s) => s.dispose()));
    throw error;
  }
  return {
    servers,
    urls: servers.map((s) => s.url),
    dispose: async () => {
      await Promise.all(servers.map((s) => s.dispose()));
    },
  };
}

function routesIn(log: string): number {
  return (log.match(/Route connection created/g) ?? []).length;
}
