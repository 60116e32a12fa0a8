/**
 * The control plane on a real nats-server: requests dispatched to their handlers and answered, every message
 * validated on receipt, malformed and unknown messages logged and refused without harm to the endpoint.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { packValue } from '@weir/core/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControlEndpoint, validateControlMessage, type ControlMessage, type TaskRef } from '../src/index.js';
import { NatsServer } from '../src/testing/index.js';

let server: NatsServer;
let nc: NatsConnection;
beforeAll(async () => {
  server = await NatsServer.start({ jetstream: false });
  nc = await connect({ servers: server.url });
});
afterAll(async () => {
  await nc?.close();
  await server?.dispose();
});

const task: TaskRef = { jobId: 'job1', attempt: 2, vertexId: 'v3', subtask: 1 };

describe('control plane', () => {
  it('dispatches each message type to its handler and returns the result; unhandled types are refused', async () => {
    const seen: ControlMessage[] = [];
    const logs: string[] = [];
    const taskManager = new ControlEndpoint(
      nc,
      'tm-1',
      {
        deploy: (m) => {
          seen.push(m);
          return { deployed: `${m.vertexId}#${m.subtask}`, restoreBytes: m.restore?.length ?? 0 };
        },
        'trigger-checkpoint': async (m) => {
          seen.push(m);
          await new Promise((r) => setTimeout(r, 5));
          return m.checkpointId;
        },
        heartbeat: (m) => seen.push(m) && undefined,
      },
      { log: (l) => logs.push(l) },
    );
    const jobManager = new ControlEndpoint(nc, 'jobmanager', {}, { log: (l) => logs.push(l) });
    await taskManager.ready();
    await expect(jobManager.request('tm-1', { type: 'deploy', ...task, bundle: 'abc123', restore: new Uint8Array([1, 2, 3]) })).resolves.toEqual({ deployed: 'v3#1', restoreBytes: 3 });
    await expect(jobManager.request('tm-1', { type: 'trigger-checkpoint', ...task, checkpointId: 7, timestamp: 1, savepoint: false, suspend: false })).resolves.toBe(7);
    jobManager.notify('tm-1', { type: 'heartbeat', from: 'jobmanager', timestamp: 5 });
    await expect(jobManager.request('tm-1', { type: 'cancel', ...task })).rejects.toMatchObject({
      code: 'WEIR_CONTROL_MESSAGE_REFUSED',
      message: expect.stringMatching(/tm-1 refused cancel: cancel is not handled by tm-1/),
    });
    expect(seen.map((m) => m.type)).toEqual(['deploy', 'trigger-checkpoint', 'heartbeat']);
    expect((seen[0] as { restore: Uint8Array }).restore).toEqual(new Uint8Array([1, 2, 3]));
    expect(taskManager.refused).toBe(1);
    await taskManager.close();
    await jobManager.close();
  });

  it('malformed and unknown messages are logged and refused, and the endpoint goes on serving', async () => {
    const logs: string[] = [];
    let starts = 0;
    const endpoint = new ControlEndpoint(nc, 'tm-2', { start: () => ++starts }, { log: (l) => logs.push(l) });
    await endpoint.ready();
    const ask = async (data: Uint8Array): Promise<unknown> => {
      const reply = await nc.request('weir.ctl.tm-2', data, { timeout: 2000 });
      const { unpackValue } = await import('@weir/core/internal');
      return unpackValue(reply.data);
    };
    expect(await ask(new Uint8Array([0xc1, 0xff]))).toMatchObject({ ok: false, code: 'WEIR_CONTROL_MESSAGE_REFUSED', message: expect.stringMatching(/not msgpack/) });
    expect(await ask(packValue({ type: 'rm -rf', path: '/' }))).toMatchObject({ ok: false, message: expect.stringMatching(/unknown message type "rm -rf"/) });
    expect(await ask(packValue({ type: 'start', jobId: 'job1', attempt: -1, vertexId: 'v', subtask: 0 }))).toMatchObject({ ok: false, message: 'start: attempt must be a non-negative integer' });
    expect(await ask(packValue({ type: 'start', ...task, extra: 1 }))).toMatchObject({ ok: false, message: 'start: extra is not a field of this message' });
    expect(await ask(packValue({ type: 'start', ...task, jobId: '../etc' }))).toMatchObject({ ok: false, message: expect.stringMatching(/jobId must be a token/) });
    expect(await ask(packValue([1, 2, 3]))).toMatchObject({ ok: false, message: 'a control message must be an object' });
    // Fire-and-forget garbage (no reply subject) is logged too.
    nc.publish('weir.ctl.tm-2', new Uint8Array([0xc1]));
    expect(await ask(packValue({ type: 'start', ...task }))).toEqual({ ok: true, result: 1 });
    expect(endpoint.refused).toBe(7);
    expect(logs).toHaveLength(7);
    for (const line of logs) expect(line).toMatch(/^Control endpoint tm-2 refused a message: /);
    await endpoint.close();
  });

  it('a handler that throws refuses the message with its code; a request to nobody fails clearly', async () => {
    const endpoint = new ControlEndpoint(
      nc,
      'tm-3',
      {
        start: () => {
          throw new Error('no such task');
        },
      },
      { log: () => undefined, requestTimeoutMs: 300 },
    );
    await endpoint.ready();
    await expect(endpoint.request('tm-3', { type: 'start', ...task })).rejects.toMatchObject({ message: expect.stringMatching(/refused start: start failed: no such task/) });
    await expect(endpoint.request('nobody', { type: 'start', ...task })).rejects.toMatchObject({ code: 'WEIR_CONTROL_REQUEST_FAILED', message: expect.stringMatching(/to nobody got no answer/) });
    expect(() => endpoint.notify('bad id', { type: 'start', ...task })).toThrow(TypeError);
    await endpoint.close();
  });

  it('validates every field of every message type', () => {
    const ok: ControlMessage[] = [
      { type: 'deploy', ...task, bundle: 'h' },
      { type: 'start', ...task },
      { type: 'cancel', ...task },
      { type: 'trigger-checkpoint', ...task, checkpointId: 1, timestamp: 2, savepoint: true, suspend: false },
      { type: 'checkpoint-complete', ...task, checkpointId: 1 },
      { type: 'acknowledge-checkpoint', ...task, checkpointId: 1, state: new Uint8Array() },
      { type: 'decline-checkpoint', ...task, checkpointId: 1, error: { name: 'Error', message: 'x' } },
      { type: 'task-ended', ...task, state: 'FAILED', error: { name: 'WeirError', message: 'x', code: 'WEIR_JOB_FAILED' } },
      { type: 'heartbeat', from: 'tm-1', timestamp: 3, slots: 4, tasks: [task] },
    ];
    for (const m of ok) expect(validateControlMessage(m)).toEqual({ ok: true, message: m });
    expect(validateControlMessage({ type: 'task-ended', ...task, state: 'DONE' })).toEqual({ ok: false, problem: 'task-ended: state must be one of FINISHED, CANCELED, FAILED' });
    expect(validateControlMessage({ type: 'acknowledge-checkpoint', ...task, checkpointId: 1, state: 'bytes?' })).toEqual({ ok: false, problem: 'acknowledge-checkpoint: state must be bytes' });
    expect(validateControlMessage({ type: 'heartbeat', from: 'tm', timestamp: 1, tasks: [{ jobId: 'j' }] })).toEqual({ ok: false, problem: 'heartbeat: tasks[0].attempt is missing' });
    expect(validateControlMessage({ type: 'decline-checkpoint', ...task, checkpointId: 1, error: { name: 'E' } })).toEqual({ ok: false, problem: 'decline-checkpoint: error.message is missing' });
  });
});

describe('HeartbeatMonitor', () => {
  it('declares a member lost after the timeout of silence, and new when heard again', async () => {
    const { HeartbeatMonitor } = await import('../src/index.js');
    let now = 1000;
    const events: string[] = [];
    const monitor = new HeartbeatMonitor({ timeoutMs: 500, now: () => now, onJoined: (m) => events.push(`+${m.id}/${m.slots}`), onLost: (m) => events.push(`-${m.id}`) });
    monitor.beat({ type: 'heartbeat', from: 'tm-1', timestamp: now, slots: 2 });
    monitor.beat({ type: 'heartbeat', from: 'tm-2', timestamp: now, slots: 4, tasks: [task] });
    now += 400;
    monitor.beat({ type: 'heartbeat', from: 'tm-1', timestamp: now, slots: 2 });
    expect(monitor.check()).toEqual([]);
    now += 200;
    expect(monitor.check().map((m) => m.id)).toEqual(['tm-2']);
    expect(monitor.members().map((m) => m.id)).toEqual(['tm-1']);
    monitor.beat({ type: 'heartbeat', from: 'tm-2', timestamp: now, slots: 4 });
    expect(events).toEqual(['+tm-1/2', '+tm-2/4', '-tm-2', '+tm-2/4']);
    expect(() => new HeartbeatMonitor({ timeoutMs: 0 })).toThrow(TypeError);
  });
});
