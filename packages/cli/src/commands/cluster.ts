/**
 * The cluster commands: `weir jobmanager`, `weir taskmanager` (long-running processes that meet over NATS) and
 * `weir cluster start|stop|status` (a local cluster in the background). Their configuration comes from flags,
 * environment variables and a configuration file (see `cluster/cluster-config.ts`), checked at start.
 */
import type { Command } from 'commander';
import { resolveClusterConfig, type ClusterFlags } from '../cluster/cluster-config.js';
import { defaultTaskManagerId, queryClusterStatus, startJobManager, startTaskManager, type ClusterProcess } from '../cluster/cluster-members.js';
import { readClusterRecord, startLocalCluster, stopLocalCluster } from '../cluster/local-cluster.js';
import { cliVersion } from '../cli.js';
import { CliError, CliErrorCodes } from '../errors.js';

function withClusterOptions(command: Command): Command {
  return command
    .option('--nats <urls>', 'NATS server URLs, comma-separated (env WEIR_NATS_URL; default nats://127.0.0.1:4222)')
    .option('--config <file>', 'a JSON configuration file (env WEIR_CONFIG)')
    .option('--heartbeat-interval <ms>', 'how often TaskManagers send heartbeats (default 1000)')
    .option('--heartbeat-timeout <ms>', 'silence after which a TaskManager is lost (default 5000)')
    .option('--cluster-dir <dir>', 'where weir cluster keeps pid files and logs (default .weir/cluster)');
}

const log = (line: string): void => {
  process.stdout.write(`${new Date().toISOString()} ${line}\n`);
};

/** Runs a cluster process until SIGINT or SIGTERM. */
async function runUntilSignal(process$: ClusterProcess): Promise<void> {
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await process$.stop();
}

/** Defines `jobmanager`, `taskmanager` and `cluster` on the program. */
export function defineClusterCommands(program: Command): void {
  withClusterOptions(program.command('jobmanager'))
    .summary('run a JobManager (until SIGTERM)')
    .description('Run a JobManager: it meets TaskManagers over NATS, tracks them by heartbeat and serves the REST API.')
    .option('--rest-address <ip>', 'the REST API address (env WEIR_REST_ADDRESS; default 127.0.0.1; others need a token)')
    .option('--rest-port <port>', 'the REST API port (env WEIR_REST_PORT; default 8081; 0 for a free one)')
    .option('--rest-token <token>', 'the bearer token of the REST API (env WEIR_REST_TOKEN)')
    .action(async (flags: ClusterFlags) => {
      const config = resolveClusterConfig(flags);
      await runUntilSignal(await startJobManager(config, log, cliVersion()));
    });

  withClusterOptions(program.command('taskmanager'))
    .summary('run a TaskManager (until SIGTERM)')
    .description('Run a TaskManager with N slots: it registers with the JobManager over NATS and sends heartbeats.')
    .option('--slots <n>', 'task slots (env WEIR_SLOTS; default 1)')
    .option('--id <id>', 'the TaskManager id (default tm-<host>-<pid>)')
    .action(async (flags: ClusterFlags & { id?: string }) => {
      const config = resolveClusterConfig(flags);
      const id = flags.id ?? defaultTaskManagerId();
      if (!/^[A-Za-z0-9_-]{1,128}$/.test(id)) throw new CliError(CliErrorCodes.BAD_ARGUMENT, `--id: ${JSON.stringify(id)} must consist of letters, digits, "_" and "-"`);
      await runUntilSignal(await startTaskManager(config, id, log));
    });

  const cluster = program.command('cluster').summary('start, stop or show a local cluster').description('Start, stop or show a cluster on this machine.');
  withClusterOptions(cluster.command('start'))
    .description('Start a JobManager and TaskManagers in the background (and a nats-server of their own unless --nats is given).')
    .option('--taskmanagers <n>', 'how many TaskManagers (default 1)', '1')
    .option('--slots <n>', 'task slots per TaskManager (default 1)')
    .option('--rest-port <port>', 'the JobManager REST API port (default 8081; 0 for a free one)')
    .action(async (flags: ClusterFlags & { taskmanagers: string }) => {
      const config = resolveClusterConfig(flags);
      const count = Number(flags.taskmanagers);
      if (!Number.isSafeInteger(count) || count < 1) throw new CliError(CliErrorCodes.BAD_ARGUMENT, `--taskmanagers: expected a positive integer; got ${JSON.stringify(flags.taskmanagers)}`);
      const natsConfigured = flags.nats !== undefined || process.env.WEIR_NATS_URL !== undefined || flags.config !== undefined || process.env.WEIR_CONFIG !== undefined;
      await startLocalCluster(config, count, natsConfigured, (line) => process.stdout.write(`${line}\n`));
    });
  withClusterOptions(cluster.command('stop'))
    .description('Stop the cluster started from the cluster directory.')
    .action(async (flags: ClusterFlags) => {
      const config = resolveClusterConfig(flags);
      const stopped = await stopLocalCluster(config.clusterDir, (line) => process.stdout.write(`${line}\n`));
      if (!stopped) process.stdout.write(`No cluster was started from ${config.clusterDir}\n`);
    });
  withClusterOptions(cluster.command('status'))
    .description("Show the cluster's TaskManagers, as the JobManager knows them.")
    .action(async (flags: ClusterFlags) => {
      let config = resolveClusterConfig(flags);
      const record = flags.nats === undefined ? readClusterRecord(config.clusterDir) : undefined;
      if (record !== undefined) config = { ...config, nats: record.nats };
      const status = await queryClusterStatus(config);
      process.stdout.write(`JobManager at ${config.nats.join(', ')}${status.restUrl === undefined ? '' : ` (REST API ${status.restUrl})`}: ${status.taskManagers.length} TaskManager(s)\n`);
      for (const tm of status.taskManagers) process.stdout.write(`  ${tm.id}: ${tm.slots} slot(s), last heartbeat ${(tm.lastHeartbeatMsAgo / 1000).toFixed(1)} s ago\n`);
    });
}
