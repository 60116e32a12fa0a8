/**
 * `weir cluster start|status|stop`, `weir jobmanager` and `weir taskmanager` as real processes: a local cluster with
 * its own nats-server comes up, the JobManager tracks the TaskManagers by heartbeat and notices one killed with
 * SIGKILL within the heartbeat timeout, and stop leaves no process behind. Bad configurations fail at start with a
 * message that names the problem and where the value came from.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weir-cluster-'));
});
afterAll(async () => {
  await weir(['cluster', 'stop', '--cluster-dir', join(dir, 'cluster')]).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

function weir(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [BIN, ...args], { cwd: dir, env: { ...process.env, WEIR_DEBUG: '', ...env }, timeout: 40_000 }, (error, stdout, stderr) => {
      if (error === null) resolve({ code: 0, stdout, stderr });
      else if (typeof error.code === 'number') resolve({ code: error.code, stdout, stderr });
      else reject(new Error(`weir did not run: ${error.message}`, { cause: error }));
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('weir cluster', () => {
  it('starts a local cluster, notices a TaskManager killed with SIGKILL, and stops every process', async () => {
    const clusterDir = join(dir, 'cluster');
    const timing = ['--heartbeat-interval', '200', '--heartbeat-timeout', '1000'];
    const started = await weir(['cluster', 'start', '--taskmanagers', '2', '--slots', '3', '--cluster-dir', clusterDir, '--rest-port', '0', ...timing]);
    expect(started.stderr).toBe('');
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(/Cluster started: NATS nats:\/\/127\.0\.0\.1:\d+ \(its own nats-server, pid \d+\), JobManager pid \d+, 2 TaskManager\(s\) with 3 slot\(s\) each/);
    const record = JSON.parse(readFileSync(join(clusterDir, 'cluster.json'), 'utf8')) as { natsPid: number; jobManagerPid: number; taskManagerPids: number[] };
    const pids = [record.natsPid, record.jobManagerPid, ...record.taskManagerPids];
    for (const pid of pids) expect(alive(pid)).toBe(true);

    const again = await weir(['cluster', 'start', '--cluster-dir', clusterDir]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/A cluster already runs from/);

    const status = await weir(['cluster', 'status', '--cluster-dir', clusterDir]);
    expect(status.stdout).toMatch(/2 TaskManager\(s\)/);
    expect(status.stdout).toMatch(/tm-1: 3 slot\(s\)/);
    expect(status.stdout).toMatch(/tm-2: 3 slot\(s\)/);

    // The REST API on 127.0.0.1, on Flink's paths.
    const restUrl = /REST API (http:\/\/127\.0\.0\.1:\d+)/.exec(status.stdout)![1];
    expect(await (await fetch(`${restUrl}/overview`)).json()).toMatchObject({ taskmanagers: 2, 'slots-total': 6, 'jobs-running': 0 });
    expect(await (await fetch(`${restUrl}/taskmanagers`)).json()).toMatchObject({ taskmanagers: [{ id: 'tm-1', slotsNumber: 3 }, { id: 'tm-2', slotsNumber: 3 }] });
    expect(await (await fetch(`${restUrl}/jobs`)).json()).toEqual({ jobs: [] });
    expect((await fetch(`${restUrl}/jobs/..%2F..%2Fetc%2Fpasswd`)).status).toBe(400);
    expect((await fetch(`${restUrl}/jobs/${'a'.repeat(32)}`)).status).toBe(404);
    expect((await fetch(`${restUrl}/nothing/here`)).status).toBe(404);

    process.kill(record.taskManagerPids[0], 'SIGKILL');
    const deadline = Date.now() + 5000;
    let after = await weir(['cluster', 'status', '--cluster-dir', clusterDir]);
    while (!/1 TaskManager\(s\)/.test(after.stdout) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      after = await weir(['cluster', 'status', '--cluster-dir', clusterDir]);
    }
    expect(after.stdout).toMatch(/1 TaskManager\(s\)\n {2}tm-2/);
    expect(readFileSync(join(clusterDir, 'logs', 'jobmanager.log'), 'utf8')).toMatch(/TaskManager tm-1 lost: no heartbeat for 1000 ms/);

    const stopped = await weir(['cluster', 'stop', '--cluster-dir', clusterDir]);
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toMatch(/Cluster stopped/);
    for (const pid of pids) expect(alive(pid)).toBe(false);
    expect((await weir(['cluster', 'stop', '--cluster-dir', clusterDir])).stdout).toMatch(/No cluster was started from/);
  });

  it('refuses bad configuration at start, naming the value and where it came from', async () => {
    const badUrl = await weir(['taskmanager', '--nats', 'http://x:1']);
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toMatch(/--nats: "http:\/\/x:1" is not a NATS URL/);
    const badSlots = await weir(['taskmanager', '--nats', 'nats://127.0.0.1:1'], { WEIR_SLOTS: 'many' });
    expect(badSlots.code).toBe(2);
    expect(badSlots.stderr).toMatch(/environment variable WEIR_SLOTS: expected a positive integer; got "many"/);
    await writeFile(join(dir, 'weir.json'), JSON.stringify({ nats: 'nats://127.0.0.1:1', heartbeatTimeoutMs: 100, heartbeatIntervalMs: 500 }));
    const badTimes = await weir(['jobmanager', '--config', join(dir, 'weir.json')]);
    expect(badTimes.code).toBe(2);
    expect(badTimes.stderr).toMatch(/heartbeat timeout \(100 ms\) must be longer than the heartbeat interval \(500 ms\)/);
    await writeFile(join(dir, 'typo.json'), JSON.stringify({ natz: 'nats://x:1' }));
    expect((await weir(['jobmanager', '--config', join(dir, 'typo.json')])).stderr).toMatch(/unknown key "natz"/);
    const unreachable = await weir(['taskmanager', '--nats', 'nats://127.0.0.1:1']);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/Cannot reach NATS at nats:\/\/127\.0\.0\.1:1/);
  });
});

describe('the JobManager REST API', () => {
  it('needs a token when bound beyond the loopback address, and then refuses requests without it', async () => {
    const { NatsServer } = await import('@weir/connector-nats/testing');
    const { startJobManager } = await import('../src/cluster/cluster-members.js');
    const { resolveClusterConfig } = await import('../src/cluster/cluster-config.js');
    const server = await NatsServer.start({ jetstream: false });
    try {
      const open = resolveClusterConfig({ nats: server.url, restAddress: '0.0.0.0', restPort: '0' }, {});
      await expect(startJobManager(open, () => undefined, 'test')).rejects.toThrow(/reachable from other hosts: give it a token of at least 16 characters/);
      const token = 'a-long-enough-secret-token';
      const jm = await startJobManager({ ...open, restToken: token }, () => undefined, 'test');
      try {
        const { queryClusterStatus } = await import('../src/cluster/cluster-members.js');
        const url = (await queryClusterStatus(open)).restUrl!.replace('0.0.0.0', '127.0.0.1');
        expect((await fetch(`${url}/overview`)).status).toBe(401);
        expect((await fetch(`${url}/overview`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
        const ok = await fetch(`${url}/overview`, { headers: { authorization: `Bearer ${token}` } });
        expect(ok.status).toBe(200);
        expect(await ok.json()).toMatchObject({ taskmanagers: 0, 'weir-version': 'test' });
      } finally {
        await jm.stop();
      }
    } finally {
      await server.dispose();
    }
  });
});
