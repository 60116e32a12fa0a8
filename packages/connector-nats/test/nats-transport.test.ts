/**
 * The NATS transport against a real nats-server started for this file: core's transport conformance suite with both
 * ends on one connection and with each end on its own connection (as two processes would be), plus what is specific
 * to NATS: credit totals that survive a lost message, fencing by attempt, bad subjects and a closed connection.
 */
import { connect } from '@nats-io/transport-node';
import { ChannelReader, ChannelWriter, type ChannelAddress, type Frame } from '@weir/core';
import { transportConformanceSuite } from '@weir/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NatsTransport } from '../src/index.js';
import { NatsServer } from '../src/testing/index.js';

let server: NatsServer;
beforeAll(async () => {
  server = await NatsServer.start({ jetstream: false });
});
afterAll(async () => {
  await server?.dispose();
});

const options = { deliveryTimeoutMs: 5000, quietPeriodMs: 100, testTimeoutMs: 30_000 };
transportConformanceSuite('nats, one connection', () => NatsTransport.connect({ servers: server.url }), options);
transportConformanceSuite('nats, a connection per end', () => NatsTransport.connect({ servers: server.url }), {
  ...options,
  createReceiverTransport: () => NatsTransport.connect({ servers: server.url }),
});

const address = (attempt: number, job = 'nats-specific'): ChannelAddress => ({ jobId: job, attempt, edgeId: 'e1', senderSubtask: 0, receiverSubtask: 1 });

async function eventually(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('NatsTransport', () => {
  it('a sender that opens after the receiver granted credit still gets it (the sync), and frames arrive in order', async () => {
    const a = await NatsTransport.connect({ servers: server.url });
    const b = await NatsTransport.connect({ servers: server.url });
    try {
      const frames: Frame[] = [];
      const receiver = b.createReceiver(address(0, 'late-sender'), { onFrame: (f) => frames.push(f), onError: (e) => frames.push(e as never) });
      receiver.grantCredit(3);
      await b.connection.flush();
      await new Promise((r) => setTimeout(r, 50));
      let credit = 0;
      const sender = a.createSender(address(0, 'late-sender'), { onCredit: (n) => (credit += n), onError: () => undefined });
      await eventually(() => credit === 3, 'the credit granted before the sender opened');
      for (let seq = 1; seq <= 3; seq++) sender.send({ seq, values: [seq], timestamps: undefined, control: undefined });
      await eventually(() => frames.length === 3, 'three frames');
      expect(frames.map((f) => f.seq)).toEqual([1, 2, 3]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('a lost credit message is made up by the resync of a sender that ran out of credit', async () => {
    const transport = await NatsTransport.connect({ servers: server.url }, { creditResyncMs: 50 });
    const spy = await connect({ servers: server.url });
    try {
      let credit = 0;
      const sender = transport.createSender(address(0, 'lost-credit'), { onCredit: (n) => (credit += n), onError: () => undefined });
      await transport.connection.flush();
      // A credit total published while nobody answers syncs: the sender takes it, uses it up, then asks again.
      spy.publish('weir.ch.lost-credit.0.e1.0.1.c', '2');
      await eventually(() => credit === 2, 'the first total');
      sender.send({ seq: 1, values: [1], timestamps: undefined, control: undefined });
      sender.send({ seq: 2, values: [2], timestamps: undefined, control: undefined });
      const syncs = spy.subscribe('weir.ch.lost-credit.0.e1.0.1.s');
      let asked = 0;
      const counting = (async () => {
        for await (const _ of syncs) if (++asked >= 2) break;
      })();
      await counting;
      expect(asked).toBeGreaterThanOrEqual(2);
      // A repeated or older total adds nothing; a higher one adds the difference.
      spy.publish('weir.ch.lost-credit.0.e1.0.1.c', '2');
      spy.publish('weir.ch.lost-credit.0.e1.0.1.c', '5');
      await eventually(() => credit === 5, 'the new total');
      await new Promise((r) => setTimeout(r, 100));
      expect(credit).toBe(5);
    } finally {
      await spy.close();
      await transport.close();
    }
  });

  it('a receiver that got fewer frames than a sync says fails with CHANNEL_SEQUENCE (frames lost, as in a server restart)', async () => {
    const transport = await NatsTransport.connect({ servers: server.url });
    const spy = await connect({ servers: server.url });
    try {
      const errors: Error[] = [];
      const frames: Frame[] = [];
      transport.createReceiver(address(0, 'lost-frames'), { onFrame: (f) => frames.push(f), onError: (e) => errors.push(e) });
      await transport.connection.flush();
      spy.publish('weir.ch.lost-frames.0.e1.0.1.s', '0');
      await spy.flush();
      await new Promise((r) => setTimeout(r, 50));
      expect(errors).toEqual([]);
      spy.publish('weir.ch.lost-frames.0.e1.0.1.s', '3');
      await eventually(() => errors.length === 1, 'the error');
      expect(errors[0]).toMatchObject({ code: 'WEIR_CHANNEL_SEQUENCE', message: expect.stringMatching(/3 frame\(s\) were lost/) });
    } finally {
      await spy.close();
      await transport.close();
    }
  });

  it('frames of another attempt never reach a receiver (fencing by attempt)', async () => {
    const transport = await NatsTransport.connect({ servers: server.url });
    try {
      const got: unknown[] = [];
      const reader = new ChannelReader(transport, address(2, 'fenced'), { onFrame: (f) => got.push(f.values[0]), onError: (e) => got.push(e) }, 4);
      const stale = new ChannelWriter(transport, address(1, 'fenced'), { onAvailable: () => undefined, onError: () => undefined });
      const current = new ChannelWriter(transport, address(2, 'fenced'), { onAvailable: () => undefined, onError: () => undefined });
      stale.write(['stale'], undefined, undefined);
      current.write(['current'], undefined, undefined);
      await eventually(() => got.length >= 1, 'the current frame');
      await new Promise((r) => setTimeout(r, 100));
      expect(got).toEqual(['current']);
      expect(stale.backlogSize).toBe(1);
      reader.close();
    } finally {
      await transport.close();
    }
  });

  it('subjects are checked, and a closed connection fails every open end with TRANSPORT_CLOSED', async () => {
    const connection = await connect({ servers: server.url });
    const transport = new NatsTransport(connection);
    expect(() => transport.createSender({ ...address(0), jobId: 'a.b' }, { onCredit: () => undefined, onError: () => undefined })).toThrow(/A job id must consist of/);
    expect(() => new NatsTransport(connection, { subjectPrefix: 'bad prefix' })).toThrow(TypeError);
    const errors: Error[] = [];
    transport.createSender(address(0, 'closing'), { onCredit: () => undefined, onError: (e) => errors.push(e) });
    transport.createReceiver(address(0, 'closing'), { onFrame: () => undefined, onError: (e) => errors.push(e) });
    await connection.close();
    await eventually(() => errors.length === 2, 'two errors');
    for (const e of errors) expect(e).toMatchObject({ code: 'WEIR_TRANSPORT_CLOSED' });
    expect(() => transport.createReceiver(address(1, 'closing'), { onFrame: () => undefined, onError: () => undefined })).toThrow(/connection of the transport is closed/);
    await transport.close();
  });
});
