/**
 * `weir cluster start|stop`: a cluster on this machine, as Flink's `start-cluster.sh` gives. Start launches, as
 * detached processes, a nats-server of its own (unless a NATS URL was configured), one JobManager and N TaskManagers,
 * each logging to `<clusterDir>/logs/<name>.log`, records their pids in `<clusterDir>/cluster.json`, and waits until
 * the JobManager has heard every TaskManager. Stop sends SIGTERM to each (SIGKILL after 5 s) and removes the record.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError, CliErrorCodes } from '../errors.js';
import type { ClusterConfig } from './cluster-config.js';
import { queryClusterStatus, type ClusterStatus } from './cluster-members.js';

/** What `cluster.json` records. */
export interface ClusterRecord {
  readonly nats: readonly string[];
  /** The pid of the nats-server the cluster started, if it did. */
  readonly natsPid?: number;
  readonly jobManagerPid: number;
  readonly taskManagerPids: readonly number[];
}

const RECORD = 'cluster.json';

/** The `weir` executable script, to start cluster processes with. */
function weirScript(): string {
  return fileURLToPath(new URL('../../bin/weir.js', import.meta.url));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1');
  });
}

/** The record of the cluster in `clusterDir`, if one was started there. */
export function readClusterRecord(clusterDir: string): ClusterRecord | undefined {
  const path = join(clusterDir, RECORD);
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as ClusterRecord;
}

function launch(command: string, args: readonly string[], logFile: string): number {
  const out = openSync(logFile, 'a');
  const child = spawn(command, [...args], { detached: true, stdio: ['ignore', out, out] });
  child.unref();
  if (child.pid === undefined) throw new CliError(CliErrorCodes.BAD_ARGUMENT, `Could not start ${command}`);
  return child.pid;
}

/** Starts a local cluster; resolves once the JobManager has heard all TaskManagers. */
export async function startLocalCluster(config: ClusterConfig, taskManagers: number, natsConfigured: boolean, log: (line: string) => void): Promise<ClusterRecord> {
  const dir = config.clusterDir;
  const existing = readClusterRecord(dir);
  if (existing !== undefined && [existing.jobManagerPid, ...existing.taskManagerPids].some(isAlive)) {
    throw new CliError(CliErrorCodes.BAD_ARGUMENT, `A cluster already runs from ${dir} (JobManager pid ${existing.jobManagerPid}); stop it first with weir cluster stop`);
  }
  const logs = join(dir, 'logs');
  mkdirSync(logs, { recursive: true });
  let nats = config.nats;
  let natsPid: number | undefined;
  if (!natsConfigured) {
    const port = await freePort();
    const binary = process.env.WEIR_NATS_SERVER ?? 'nats-server';
    const args = ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', join(dir, 'nats-store')];
    natsPid = await new Promise<number>((resolve, reject) => {
      const out = openSync(join(logs, 'nats-server.log'), 'a');
      const child = spawn(binary, args, { detached: true, stdio: ['ignore', out, out] });
      child.once('error', (e: NodeJS.ErrnoException) =>
        reject(
          new CliError(
            CliErrorCodes.BAD_ARGUMENT,
            e.code === 'ENOENT' ? `nats-server is not installed (install it: apt-get install nats-server), or give a NATS URL with --nats` : `Could not start nats-server: ${e.message}`,
          ),
        ),
      );
      child.once('spawn', () => {
        child.unref();
        resolve(child.pid!);
      });
    });
    for (let i = 0; !(await accepts(port)); i++) {
      if (i > 100) throw new CliError(CliErrorCodes.BAD_ARGUMENT, `nats-server did not start; see ${join(logs, 'nats-server.log')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    nats = [`nats://127.0.0.1:${port}`];
  }
  const common = ['--nats', nats.join(','), '--heartbeat-interval', String(config.heartbeatIntervalMs), '--heartbeat-timeout', String(config.heartbeatTimeoutMs)];
  const jobManagerPid = launch(process.execPath, [weirScript(), 'jobmanager', ...common, '--rest-port', String(config.restPort)], join(logs, 'jobmanager.log'));
  const taskManagerPids: number[] = [];
  for (let i = 1; i <= taskManagers; i++) {
    taskManagerPids.push(launch(process.execPath, [weirScript(), 'taskmanager', ...common, '--slots', String(config.slots), '--id', `tm-${i}`], join(logs, `taskmanager-${i}.log`)));
  }
  const record: ClusterRecord = { nats, natsPid, jobManagerPid, taskManagerPids };
  writeFileSync(join(dir, RECORD), `${JSON.stringify(record, null, 2)}\n`);
  const deadline = Date.now() + 30_000;
  let status: ClusterStatus | undefined;
  for (;;) {
    status = await queryClusterStatus({ ...config, nats }, 1000).catch(() => undefined);
    if (status !== undefined && status.taskManagers.length >= taskManagers) break;
    if (Date.now() > deadline) {
      throw new CliError(CliErrorCodes.BAD_ARGUMENT, `The cluster did not come up within 30 s (${status?.taskManagers.length ?? 0} of ${taskManagers} TaskManagers registered); see the logs in ${logs}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  log(`Cluster started: NATS ${nats.join(', ')}${natsPid === undefined ? '' : ` (its own nats-server, pid ${natsPid})`}, JobManager pid ${jobManagerPid}, ${taskManagers} TaskManager(s) with ${config.slots} slot(s) each; logs in ${logs}`);
  return record;
}

async function terminate(pid: number): Promise<void> {
  if (!isAlive(pid)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let i = 0; i < 50 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

/** Stops the cluster recorded in `clusterDir`; false when none was recorded there. */
export async function stopLocalCluster(clusterDir: string, log: (line: string) => void): Promise<boolean> {
  const record = readClusterRecord(clusterDir);
  if (record === undefined) return false;
  await Promise.all(record.taskManagerPids.map(terminate));
  await terminate(record.jobManagerPid);
  if (record.natsPid !== undefined) await terminate(record.natsPid);
  rmSync(join(clusterDir, RECORD), { force: true });
  log(`Cluster stopped: ${record.taskManagerPids.length} TaskManager(s), the JobManager${record.natsPid === undefined ? '' : ' and its nats-server'}`);
  return true;
}
