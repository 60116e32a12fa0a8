import { describe, expect, it } from 'vitest';
import { ErrorCodes, WeirError } from '../errors.js';
import { transportConformanceSuite } from '../testing/transport-conformance.js';
import type { Frame } from './frame.js';
import { InProcessTransport } from './in-process-transport.js';
import type { ChannelAddress } from './transport.js';

transportConformanceSuite('in-process', () => new InProcessTransport());

const address: ChannelAddress = { jobId: 'job', attempt: 1, edgeId: 'e', senderSubtask: 0, receiverSubtask: 0 };
const frame = (seq: number): Frame => ({ seq, values: [seq], timestamps: undefined, control: undefined });
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('InProcessTransport', () => {
  it('is named in-process', () => {
    expect(new InProcessTransport().name).toBe('in-process');
  });

  it('hands frames over as the same objects, without copying', async () => {
    const transport = new InProcessTransport();
    const received: Frame[] = [];
    const receiver = transport.createReceiver(address, { onFrame: (f) => received.push(f), onError: () => {} });
    const sender = transport.createSender(address, { onCredit: () => {}, onError: () => {} });
    receiver.grantCredit(1);
    const sent = frame(1);
    sender.send(sent);
    await flush();
    expect(received[0]).toBe(sent);
    await transport.close();
  });

  it('delivers within microtasks, before timers and I/O callbacks', async () => {
    const transport = new InProcessTransport();
    const received: Frame[] = [];
    let credits = 0;
    const receiver = transport.createReceiver(address, { onFrame: (f) => received.push(f), onError: () => {} });
    const sender = transport.createSender(address, { onCredit: (n) => (credits += n), onError: () => {} });
    receiver.grantCredit(2);
    expect(credits).toBe(0);
    await Promise.resolve();
    expect(credits).toBe(2);
    sender.send(frame(1));
    sender.send(frame(2));
    expect(received).toHaveLength(0);
    await Promise.resolve();
    expect(received.map((f) => f.seq)).toEqual([1, 2]);
    await transport.close();
  });

  it('keeps credits and frames of different channels in global order', async () => {
    const transport = new InProcessTransport();
    const events: string[] = [];
    const a = { ...address, edgeId: 'a' };
    const b = { ...address, edgeId: 'b' };
    const ra = transport.createReceiver(a, { onFrame: (f) => events.push(`a${f.seq}`), onError: () => {} });
    const rb = transport.createReceiver(b, { onFrame: (f) => events.push(`b${f.seq}`), onError: () => {} });
    const sa = transport.createSender(a, { onCredit: (n) => events.push(`credit-a${n}`), onError: () => {} });
    const sb = transport.createSender(b, { onCredit: (n) => events.push(`credit-b${n}`), onError: () => {} });
    ra.grantCredit(2);
    rb.grantCredit(1);
    sa.send(frame(1));
    sb.send(frame(1));
    sa.send(frame(2));
    await flush();
    expect(events).toEqual(['credit-a2', 'credit-b1', 'a1', 'b1', 'a2']);
    await transport.close();
  });

  it('defers deliveries caused by a listener to a later microtask, in order', async () => {
    const transport = new InProcessTransport();
    const seqs: number[] = [];
    let depth = 0;
    let maxDepth = 0;
    const receiver = transport.createReceiver(address, {
      onFrame: (f) => {
        depth++;
        maxDepth = Math.max(maxDepth, depth);
        seqs.push(f.seq);
        receiver.grantCredit(1);
        depth--;
      },
      onError: () => {},
    });
    let next = 1;
    const sender = transport.createSender(address, {
      onCredit: (n) => {
        for (let i = 0; i < n && next <= 100; i++) sender.send(frame(next++));
      },
      onError: () => {},
    });
    receiver.grantCredit(1);
    for (let i = 0; i < 50 && seqs.length < 100; i++) await flush();
    expect(seqs).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(maxDepth).toBe(1);
    await transport.close();
  });

  it('holds frames sent before the receiver exists and delivers them first, in order', async () => {
    const transport = new InProcessTransport();
    const sender = transport.createSender(address, { onCredit: () => {}, onError: () => {} });
    sender.send(frame(1));
    sender.send(frame(2));
    await flush();
    const received: number[] = [];
    const receiver = transport.createReceiver(address, { onFrame: (f) => received.push(f.seq), onError: () => {} });
    sender.send(frame(3));
    await flush();
    expect(received).toEqual([1, 2, 3]);
    receiver.close();
    await transport.close();
  });

  it('keeps frames held for a receiver after their sender closed', async () => {
    const transport = new InProcessTransport();
    const sender = transport.createSender(address, { onCredit: () => {}, onError: () => {} });
    sender.send(frame(1));
    sender.close();
    const received: number[] = [];
    transport.createReceiver(address, { onFrame: (f) => received.push(f.seq), onError: () => {} });
    await flush();
    expect(received).toEqual([1]);
    await transport.close();
  });

  it('does not deliver credits queued for a sender that closed meanwhile', async () => {
    const transport = new InProcessTransport();
    let credits = 0;
    const receiver = transport.createReceiver(address, { onFrame: () => {}, onError: () => {} });
    const sender = transport.createSender(address, { onCredit: (n) => (credits += n), onError: () => {} });
    receiver.grantCredit(5);
    sender.close();
    await flush();
    expect(credits).toBe(0);
    await transport.close();
  });

  it('forgets a channel once both ends are closed', async () => {
    const transport = new InProcessTransport();
    const receiver = transport.createReceiver(address, { onFrame: () => {}, onError: () => {} });
    const sender = transport.createSender(address, { onCredit: () => {}, onError: () => {} });
    expect(transport.channelCount).toBe(1);
    receiver.grantCredit(3);
    sender.close();
    expect(transport.channelCount).toBe(1);
    receiver.close();
    expect(transport.channelCount).toBe(0);
    await transport.close();
  });

  it('refuses a second open end of the same kind on a channel', async () => {
    const transport = new InProcessTransport();
    transport.createSender(address, { onCredit: () => {}, onError: () => {} });
    transport.createReceiver(address, { onFrame: () => {}, onError: () => {} });
    expect(() => transport.createSender(address, { onCredit: () => {}, onError: () => {} })).toThrow(TypeError);
    expect(() => transport.createReceiver(address, { onFrame: () => {}, onError: () => {} })).toThrow(TypeError);
    await transport.close();
  });

  it('throws TRANSPORT_CLOSED when opening ends or sending after close, and drops pending deliveries', async () => {
    const transport = new InProcessTransport();
    const received: Frame[] = [];
    let credits = 0;
    const receiver = transport.createReceiver(address, { onFrame: (f) => received.push(f), onError: () => {} });
    const sender = transport.createSender(address, { onCredit: (n) => (credits += n), onError: () => {} });
    receiver.grantCredit(1);
    sender.send(frame(1));
    await transport.close();
    await transport.close();
    await flush();
    expect(received).toEqual([]);
    expect(credits).toBe(0);
    const expectClosed = (fn: () => unknown): void => {
      try {
        fn();
        expect.unreachable('should have thrown');
      } catch (error) {
        expect(error).toBeInstanceOf(WeirError);
        expect((error as WeirError).code).toBe(ErrorCodes.TRANSPORT_CLOSED);
      }
    };
    expectClosed(() => transport.createSender(address, { onCredit: () => {}, onError: () => {} }));
    expectClosed(() => transport.createReceiver(address, { onFrame: () => {}, onError: () => {} }));
    expectClosed(() => sender.send(frame(2)));
    expect(() => receiver.grantCredit(1)).not.toThrow();
    sender.close();
    receiver.close();
  });

  it('rejects a non-positive or fractional credit grant', async () => {
    const transport = new InProcessTransport();
    const receiver = transport.createReceiver(address, { onFrame: () => {}, onError: () => {} });
    expect(() => receiver.grantCredit(0)).toThrow(TypeError);
    expect(() => receiver.grantCredit(1.5)).toThrow(TypeError);
    await transport.close();
  });

  it('moves 20,000 frames through one channel quickly', async () => {
    const transport = new InProcessTransport();
    const count = 20_000;
    let received = 0;
    const receiver = transport.createReceiver(address, {
      onFrame: () => {
        received++;
        receiver.grantCredit(1);
      },
      onError: () => {},
    });
    let next = 1;
    const values = Array.from({ length: 1000 }, (_, i) => i);
    const sender = transport.createSender(address, {
      onCredit: (n) => {
        for (let i = 0; i < n && next <= count; i++) sender.send({ seq: next++, values, timestamps: undefined, control: undefined });
      },
      onError: () => {},
    });
    const started = performance.now();
    receiver.grantCredit(4);
    while (received < count) await flush();
    const elapsed = performance.now() - started;
    expect(received).toBe(count);
    expect(elapsed).toBeLessThan(2000);
    await transport.close();
  });
});
