/**
 * The conformance suite of the {@link Transport} interface: every transport (in-process, NATS, ...) runs it in one
 * line. It uses only the `Transport` interface and core's `ChannelWriter` and `ChannelReader`, assumes nothing about
 * when deliveries happen (it polls with a timeout), and waits a fixed time only to check that nothing more arrives.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCodes, WeirError } from '../errors.js';
import { ChannelReader } from '../runtime/channel-reader.js';
import { ChannelWriter } from '../runtime/channel-writer.js';
import type { ControlElement, Frame } from '../runtime/frame.js';
import type { ChannelAddress, ChannelReceiver, ChannelSender, Transport } from '../runtime/transport.js';

/** Timeouts and knobs of {@link transportConformanceSuite}; the defaults suit the in-process transport. */
export interface TransportConformanceOptions {
  /** How long to wait for an expected delivery before failing, in ms. Default 5000. */
  readonly deliveryTimeoutMs?: number;
  /** How long to wait to be sure that nothing more arrives, in ms. Default 30. */
  readonly quietPeriodMs?: number;
  /** The timeout of each test, in ms. Default 20000. */
  readonly testTimeoutMs?: number;
  /** How long the slow consumer of the backpressure test takes per frame, in ms. Default 2. */
  readonly slowConsumerDelayMs?: number;
  /**
   * Opens the transport for the receiving ends, given the one for the sending ends (for example a second connection
   * standing for another process). Default: both ends use the same transport. It is closed after each test, before
   * the sending transport.
   */
  readonly createReceiverTransport?: (senderTransport: Transport) => Transport | Promise<Transport>;
}

/** What a raw receiving end got. */
interface ReceiverRecord {
  readonly receiver: ChannelReceiver;
  readonly frames: Frame[];
  readonly errors: Error[];
}

/** What a raw sending end got. */
interface SenderRecord {
  readonly sender: ChannelSender;
  /** The credits received so far. */
  readonly credits: number;
  readonly errors: Error[];
}

let suiteCounter = 0;

/**
 * Registers vitest tests that check a {@link Transport} against the interface's contract: per-channel order,
 * independent channels, asynchronous non-re-entrant delivery, exact credits (also when granted before the sender
 * exists), bounded memory under backpressure, end of input, sequence checking, safe closing, and values of every
 * msgpack-able type arriving unchanged. Call it at the top level of a test file; `createTransport` runs before each
 * test and the transport is closed after it.
 *
 * @example
 * ```ts
 * import { transportConformanceSuite } from '@weir/core/testing';
 * transportConformanceSuite('in-process', () => new InProcessTransport());
 * ```
 */
export function transportConformanceSuite(
  name: string,
  createTransport: () => Transport | Promise<Transport>,
  options: TransportConformanceOptions = {},
): void {
  const deliveryTimeoutMs = options.deliveryTimeoutMs ?? 5000;
  const quietPeriodMs = options.quietPeriodMs ?? 30;
  const testTimeoutMs = options.testTimeoutMs ?? 20_000;
  const slowConsumerDelayMs = options.slowConsumerDelayMs ?? 2;
  const suiteId = `${name.replace(/[^A-Za-z0-9_-]/g, '_')}-${process.pid}-${++suiteCounter}-${Math.random().toString(36).slice(2, 8)}`;
  let testCounter = 0;

  describe(`Transport conformance: ${name}`, () => {
    let senderTransport: Transport | undefined;
    let receiverTransport: Transport | undefined;
    let jobId = '';

    beforeEach(async () => {
      jobId = `conformance-${suiteId}-${++testCounter}`;
      senderTransport = await createTransport();
      receiverTransport = options.createReceiverTransport
        ? await options.createReceiverTransport(senderTransport)
        : senderTransport;
    });

    afterEach(async () => {
      if (receiverTransport !== undefined && receiverTransport !== senderTransport) await receiverTransport.close();
      if (senderTransport !== undefined) await senderTransport.close();
      senderTransport = undefined;
      receiverTransport = undefined;
    });

    const senders = (): Transport => senderTransport!;
    const receivers = (): Transport => receiverTransport!;
    const address = (edgeId = 'edge-a', senderSubtask = 0, receiverSubtask = 0, attempt = 1): ChannelAddress => ({
      jobId,
      attempt,
      edgeId,
      senderSubtask,
      receiverSubtask,
    });

    /** Polls `condition` until it holds, failing after the delivery timeout with `what` in the message. */
    async function waitFor(what: string | (() => string), condition: () => boolean): Promise<void> {
      const deadline = Date.now() + deliveryTimeoutMs;
      let polls = 0;
      while (!condition()) {
        if (Date.now() > deadline) throw new Error(`Timed out after ${deliveryTimeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`);
        // Poll quickly at first (in-process delivery takes microtasks), then back off to a timer.
        await (polls++ < 100 ? new Promise<void>((resolve) => setImmediate(resolve)) : sleep(2));
      }
    }

    /** Waits long enough that anything still under way would have arrived. */
    const quietPeriod = (): Promise<void> => sleep(quietPeriodMs);

    function openReceiver(at: ChannelAddress, transport = receivers()): ReceiverRecord {
      const frames: Frame[] = [];
      const errors: Error[] = [];
      const receiver = transport.createReceiver(at, {
        onFrame: (frame) => frames.push(frame),
        onError: (error) => errors.push(error),
      });
      return { receiver, frames, errors };
    }

    function openSender(at: ChannelAddress, transport = senders()): SenderRecord {
      const errors: Error[] = [];
      let credits = 0;
      const sender = transport.createSender(at, {
        onCredit: (n) => {
          credits += n;
        },
        onError: (error) => errors.push(error),
      });
      return {
        sender,
        errors,
        get credits() {
          return credits;
        },
      };
    }

    describe('order', () => {
      it(
        'delivers 10,000 frames of one channel in order, with their sequence numbers and payloads',
        async () => {
          const count = 10_000;
          const at = address();
          const rx = openReceiver(at);
          const tx = openSender(at);
          rx.receiver.grantCredit(count);
          await waitFor(`${count} credits`, () => tx.credits === count);
          for (let i = 1; i <= count; i++) tx.sender.send(orderedFrame(i));
          await waitFor(() => `${count} frames (got ${rx.frames.length})`, () => rx.frames.length >= count);
          await quietPeriod();
          expect(rx.frames.length).toBe(count);
          const firstWrong = rx.frames.findIndex((frame, i) => !framesEqual(frame, orderedFrame(i + 1)));
          expect(firstWrong, firstWrong < 0 ? '' : `frame at position ${firstWrong}: ${JSON.stringify(rx.frames[firstWrong])}`).toBe(-1);
          expect(rx.errors).toEqual([]);
          expect(tx.errors).toEqual([]);
        },
        testTimeoutMs,
      );

      it(
        'keeps several channels independent, each in order',
        async () => {
          const perChannel = 500;
          const addresses = [
            address('edge-a', 0, 0),
            address('edge-a', 0, 1),
            address('edge-a', 1, 0),
            address('edge-a', 1, 1),
            address('edge-b', 0, 0),
            address('edge-a', 0, 0, 2),
          ];
          const receivers = addresses.map((at) => openReceiver(at));
          const sendersOf = addresses.map((at) => openSender(at));
          for (const rx of receivers) rx.receiver.grantCredit(perChannel);
          await waitFor('credits on every channel', () => sendersOf.every((tx) => tx.credits === perChannel));
          for (let seq = 1; seq <= perChannel; seq++) {
            for (let c = 0; c < addresses.length; c++) {
              sendersOf[c].sender.send({ seq, values: [c, seq], timestamps: undefined, control: undefined });
            }
          }
          await waitFor('every frame on every channel', () => receivers.every((rx) => rx.frames.length >= perChannel));
          await quietPeriod();
          receivers.forEach((rx, c) => {
            expect(rx.frames.length, `channel ${c}`).toBe(perChannel);
            const wrong = rx.frames.findIndex((frame, i) => frame.seq !== i + 1 || frame.values[0] !== c || frame.values[1] !== i + 1);
            expect(wrong, `channel ${c}, first wrong frame: ${JSON.stringify(rx.frames[wrong])}`).toBe(-1);
            expect(rx.errors).toEqual([]);
          });
        },
        testTimeoutMs,
      );

      it(
        'never calls listeners from inside send or grantCredit',
        async () => {
          const at = address();
          let inside = false;
          const violations: string[] = [];
          let frames = 0;
          let credits = 0;
          const receiver = receivers().createReceiver(at, {
            onFrame: () => {
              if (inside) violations.push('onFrame inside a call');
              frames++;
            },
            onError: (error) => violations.push(`receiver error: ${error.message}`),
          });
          const sender = senders().createSender(at, {
            onCredit: (n) => {
              if (inside) violations.push('onCredit inside a call');
              credits += n;
            },
            onError: (error) => violations.push(`sender error: ${error.message}`),
          });
          for (let i = 0; i < 10; i++) {
            inside = true;
            receiver.grantCredit(1);
            inside = false;
          }
          await waitFor('10 credits', () => credits === 10);
          for (let seq = 1; seq <= 10; seq++) {
            inside = true;
            sender.send({ seq, values: [seq], timestamps: undefined, control: undefined });
            inside = false;
          }
          await waitFor('10 frames', () => frames === 10);
          expect(violations).toEqual([]);
        },
        testTimeoutMs,
      );
    });

    describe('credit', () => {
      it(
        'gives a sender exactly the credit granted',
        async () => {
          const at = address();
          const rx = openReceiver(at);
          const tx = openSender(at);
          rx.receiver.grantCredit(3);
          rx.receiver.grantCredit(2);
          rx.receiver.grantCredit(5);
          await waitFor('10 credits', () => tx.credits >= 10);
          await quietPeriod();
          expect(tx.credits).toBe(10);
          rx.receiver.grantCredit(1);
          await waitFor('11 credits', () => tx.credits >= 11);
          await quietPeriod();
          expect(tx.credits).toBe(11);
          expect(tx.errors).toEqual([]);
        },
        testTimeoutMs,
      );

      it(
        'holds credits granted before the sender exists and delivers them when it is created',
        async () => {
          const at = address();
          const rx = openReceiver(at);
          rx.receiver.grantCredit(4);
          rx.receiver.grantCredit(3);
          await quietPeriod();
          const tx = openSender(at);
          await waitFor('7 held credits', () => tx.credits >= 7);
          await quietPeriod();
          expect(tx.credits).toBe(7);
          for (let seq = 1; seq <= 7; seq++) tx.sender.send({ seq, values: [seq], timestamps: undefined, control: undefined });
          await waitFor('7 frames', () => rx.frames.length >= 7);
          expect(rx.frames.map((f) => f.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
        },
        testTimeoutMs,
      );

      it(
        'works when the sender is created before the receiver',
        async () => {
          const at = address();
          const tx = openSender(at);
          await quietPeriod();
          const rx = openReceiver(at);
          rx.receiver.grantCredit(2);
          await waitFor('2 credits', () => tx.credits >= 2);
          tx.sender.send({ seq: 1, values: ['a'], timestamps: undefined, control: undefined });
          tx.sender.send({ seq: 2, values: ['b'], timestamps: undefined, control: { kind: 'end-of-input' } });
          await waitFor('2 frames', () => rx.frames.length >= 2);
          expect(rx.frames.map((f) => f.values)).toEqual([['a'], ['b']]);
          expect(tx.credits).toBe(2);
        },
        testTimeoutMs,
      );
    });

    describe('backpressure', () => {
      it(
        'bounds the backlog and frames in flight when the consumer is much slower than the producer',
        async () => {
          const frameCount = 100;
          const recordsPerFrame = 10;
          const initialCredits = 4;
          const at = address();
          const errors: Error[] = [];

          // The consumer: takes one frame at a time, holds it for slowConsumerDelayMs, then releases its credit.
          const received: number[] = [];
          const queued: Frame[] = [];
          let held = 0;
          let maxHeld = 0;
          let released = 0;
          let busy = false;
          let endOfInput = false;
          let framesAfterEnd = 0;
          const processNext = (): void => {
            if (busy) return;
            const frame = queued.shift();
            if (frame === undefined) return;
            busy = true;
            setTimeout(() => {
              for (const value of frame.values) received.push(value as number);
              if (frame.control?.kind === 'end-of-input') endOfInput = true;
              held--;
              released++;
              busy = false;
              reader.release();
              processNext();
            }, slowConsumerDelayMs);
          };
          const reader = new ChannelReader(
            receivers(),
            at,
            {
              onFrame: (frame) => {
                if (endOfInput) framesAfterEnd++;
                held++;
                maxHeld = Math.max(maxHeld, held);
                queued.push(frame);
                processNext();
              },
              onError: (error) => errors.push(error),
            },
            initialCredits,
          );

          // The producer: writes as fast as it may, i.e. while the writer is available, else waits for onAvailable.
          let wakeProducer: (() => void) | undefined;
          const writer = new ChannelWriter(senders(), at, {
            onAvailable: () => {
              const wake = wakeProducer;
              wakeProducer = undefined;
              wake?.();
            },
            onError: (error) => errors.push(error),
          });
          let written = 0;
          let waits = 0;
          let maxBacklog = 0;
          let maxInFlight = 0;
          let maxHeldAnywhere = 0;
          const observe = (): void => {
            const sent = written - writer.backlogSize;
            maxBacklog = Math.max(maxBacklog, writer.backlogSize);
            maxInFlight = Math.max(maxInFlight, sent - released);
            maxHeldAnywhere = Math.max(maxHeldAnywhere, writer.backlogSize + sent - released);
          };
          const produce = async (): Promise<void> => {
            for (let f = 0; f < frameCount; f++) {
              while (!writer.isAvailable()) {
                waits++;
                await new Promise<void>((resolve) => {
                  wakeProducer = resolve;
                });
                observe();
              }
              const values = Array.from({ length: recordsPerFrame }, (_, r) => f * recordsPerFrame + r);
              writer.write(values, undefined, f === frameCount - 1 ? { kind: 'end-of-input' } : undefined);
              written++;
              observe();
            }
          };
          let produced = false;
          let producerError: unknown;
          produce().then(
            () => (produced = true),
            (error: unknown) => (producerError = error),
          );
          await waitFor(
            () => `end of input (received ${received.length} records, wrote ${written} frames)`,
            () => (endOfInput && produced) || errors.length > 0 || producerError !== undefined,
          );
          expect(errors).toEqual([]);
          expect(producerError).toBeUndefined();
          await quietPeriod();
          observe();

          expect(received).toEqual(Array.from({ length: frameCount * recordsPerFrame }, (_, i) => i));
          expect(framesAfterEnd).toBe(0);
          expect(written).toBe(frameCount);
          expect(waits, 'the producer was never held back').toBeGreaterThan(0);
          expect(maxBacklog, 'frames waiting for credit in the writer').toBeLessThanOrEqual(1);
          expect(maxInFlight, 'frames sent but not yet released by the consumer').toBeLessThanOrEqual(initialCredits);
          expect(maxHeld, 'frames held by the consumer').toBeLessThanOrEqual(initialCredits);
          expect(maxHeldAnywhere, 'frames held anywhere between producer and consumer').toBeLessThanOrEqual(initialCredits + 1);
          writer.close();
          reader.close();
        },
        testTimeoutMs,
      );
    });

    describe('end of input', () => {
      it(
        'delivers the end-of-input frame last, with its records, and nothing after it',
        async () => {
          const at = address();
          const frames: Frame[] = [];
          const errors: Error[] = [];
          const reader = new ChannelReader(receivers(), at, { onFrame: (f) => frames.push(f), onError: (e) => errors.push(e) }, 8);
          const writer = new ChannelWriter(senders(), at, { onAvailable: () => {}, onError: (e) => errors.push(e) });
          for (let i = 1; i <= 4; i++) writer.write([i], undefined, i === 2 ? { kind: 'watermark', timestamp: 2 } : undefined);
          writer.write(['last-a', 'last-b'], [50, undefined], { kind: 'end-of-input' });
          await waitFor('the end-of-input frame', () => frames.some((f) => f.control?.kind === 'end-of-input'));
          await quietPeriod();
          expect(errors).toEqual([]);
          expect(frames.map((f) => f.seq)).toEqual([1, 2, 3, 4, 5]);
          const last = frames[frames.length - 1];
          expect(last.control).toEqual({ kind: 'end-of-input' });
          expect(last.values).toEqual(['last-a', 'last-b']);
          expect(last.timestamps).toEqual([50, undefined]);
          expect(frames.slice(0, -1).every((f) => f.control?.kind !== 'end-of-input')).toBe(true);
          writer.close();
          reader.close();
        },
        testTimeoutMs,
      );
    });

    describe('sequence check', () => {
      for (const [what, seqs, deliveredBefore] of [
        ['a skipped sequence number (a gap)', [1, 3, 4], [1]],
        ['a repeated sequence number (a duplicate)', [1, 2, 2, 3], [1, 2]],
      ] as const) {
        it(
          `makes the ChannelReader fail with CHANNEL_SEQUENCE on ${what}`,
          async () => {
            const at = address();
            const frames: Frame[] = [];
            const errors: Error[] = [];
            const reader = new ChannelReader(receivers(), at, { onFrame: (f) => frames.push(f), onError: (e) => errors.push(e) }, 8);
            const tx = openSender(at);
            await waitFor('initial credits', () => tx.credits >= 8);
            for (const seq of seqs) tx.sender.send({ seq, values: [seq], timestamps: undefined, control: undefined });
            await waitFor('the sequence error', () => errors.length > 0);
            await quietPeriod();
            expect(errors).toHaveLength(1);
            const error = errors[0];
            expect(error).toBeInstanceOf(WeirError);
            expect((error as WeirError).code).toBe(ErrorCodes.CHANNEL_SEQUENCE);
            expect(frames.map((f) => f.seq)).toEqual([...deliveredBefore]);
            reader.close();
          },
          testTimeoutMs,
        );
      }
    });

    describe('close', () => {
      it(
        'lets ends and the transport be closed twice',
        async () => {
          const at = address();
          const rx = openReceiver(at);
          const tx = openSender(at);
          rx.receiver.grantCredit(1);
          await waitFor('1 credit', () => tx.credits >= 1);
          tx.sender.close();
          tx.sender.close();
          rx.receiver.close();
          rx.receiver.close();

          const other = address('edge-b');
          const reader = new ChannelReader(receivers(), other, { onFrame: () => {}, onError: () => {} });
          const writer = new ChannelWriter(senders(), other, { onAvailable: () => {}, onError: () => {} });
          writer.close();
          writer.close();
          reader.close();
          reader.close();

          const transport = receivers();
          await transport.close();
          await transport.close();
          if (senders() !== transport) {
            await senders().close();
            await senders().close();
          }
        },
        testTimeoutMs,
      );

      it(
        'delivers nothing to a receiver after it is closed',
        async () => {
          const at = address();
          const rx = openReceiver(at);
          const tx = openSender(at);
          rx.receiver.grantCredit(3);
          await waitFor('3 credits', () => tx.credits >= 3);
          tx.sender.send({ seq: 1, values: ['before'], timestamps: undefined, control: undefined });
          await waitFor('the first frame', () => rx.frames.length >= 1);
          rx.receiver.close();
          try {
            tx.sender.send({ seq: 2, values: ['after'], timestamps: undefined, control: undefined });
          } catch {
            // A transport may refuse to send to a closed receiver; it must not deliver.
          }
          await quietPeriod();
          expect(rx.frames.map((f) => f.values)).toEqual([['before']]);
        },
        testTimeoutMs,
      );
    });

    describe('values', () => {
      it(
        'carries values of every msgpack-able type, timestamps and every control element unchanged',
        async () => {
          const at = address();
          const frames: Frame[] = [];
          const errors: Error[] = [];
          const expected = valueFrames();
          const reader = new ChannelReader(
            receivers(),
            at,
            { onFrame: (f) => frames.push(f), onError: (e) => errors.push(e) },
            expected.length,
          );
          const writer = new ChannelWriter(senders(), at, { onAvailable: () => {}, onError: (e) => errors.push(e) });
          for (const frame of valueFrames()) writer.write(frame.values, frame.timestamps, frame.control);
          await waitFor(`${expected.length} frames`, () => frames.length >= expected.length || errors.length > 0);
          expect(errors).toEqual([]);
          expect(frames).toHaveLength(expected.length);
          frames.forEach((frame, i) => {
            const want = expected[i];
            expect(frame.seq, `frame ${i + 1}`).toBe(i + 1);
            expect(frame.values, `values of frame ${i + 1}`).toStrictEqual(want.values);
            expect(frame.timestamps, `timestamps of frame ${i + 1}`).toStrictEqual(want.timestamps);
            expect(frame.control, `control of frame ${i + 1}`).toStrictEqual(want.control);
          });
          writer.close();
          reader.close();
        },
        testTimeoutMs,
      );
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The `seq`-th frame of the ordering test: its payload depends on `seq` so that a mix-up shows. */
function orderedFrame(seq: number): Frame {
  return {
    seq,
    values: [seq, `record-${seq}`, { n: seq, even: seq % 2 === 0 }],
    timestamps: seq % 3 === 0 ? undefined : [seq * 10, undefined, seq * 10 + 1],
    control: seq % 100 === 0 ? { kind: 'watermark', timestamp: seq * 10 } : undefined,
  };
}

function framesEqual(a: Frame, b: Frame): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Frames whose values cover every type a transport must carry unchanged; built fresh on every call. */
function valueFrames(): { values: unknown[]; timestamps: (number | undefined)[] | undefined; control: ControlElement | undefined }[] {
  const nested = {
    name: 'nested',
    list: [1, 'two', [3, [4]], { five: 5 }],
    map: new Map<unknown, unknown>([
      ['a', 1],
      [2, 'b'],
    ]),
    when: new Date(Date.UTC(2024, 1, 29, 12, 0, 0, 123)),
    bytes: new Uint8Array([0, 1, 254, 255]),
    missing: undefined,
    none: null,
  };
  return [
    { values: [], timestamps: undefined, control: undefined },
    {
      values: ['', 'plain', 'unicode: héllo wörld ✓ 日本語 🌍', 'x'.repeat(10_000)],
      timestamps: [1, 2, 3, 4],
      control: undefined,
    },
    {
      values: [0, -0, 1, -1, 42, 3.14159, -2.5e-300, 2 ** 31, 2 ** 32 + 1, -(2 ** 40), Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, Number.MAX_VALUE, Number.MIN_VALUE, NaN, Infinity, -Infinity],
      timestamps: undefined,
      control: { kind: 'watermark', timestamp: 1_700_000_000_000 },
    },
    {
      values: [0n, 1n, -1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 64n - 1n, 2n ** 100n, -(2n ** 100n)],
      timestamps: [undefined, 5, undefined, 6, undefined, 7, undefined, 8],
      control: { kind: 'watermark-status', idle: true },
    },
    {
      values: [true, false, null, undefined, [undefined, null, 1]],
      timestamps: undefined,
      control: { kind: 'watermark-status', idle: false },
    },
    {
      values: [
        { a: 1, b: 'two', c: [3], d: { e: { f: 'deep' } } },
        ['tuple', 1, { key: 'k' }],
        [
          ['word', 3],
          ['other', 1],
        ],
        new Map<unknown, unknown>([
          ['string key', 'v'],
          [7, { nested: true }],
          [true, [1, 2]],
        ]),
        new Map([['inner', new Map([['deeper', 1n]])]]),
        new Set([1, 'two', 3n]),
        new Date(0),
        new Date(Date.UTC(1969, 6, 20, 20, 17, 40, 5)),
        new Uint8Array([]),
        new Uint8Array([1, 2, 3, 250]),
        nested,
        { withUndefined: undefined, withNull: null },
      ],
      timestamps: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
      control: { kind: 'barrier', checkpointId: 17, timestamp: 1_700_000_000_123, savepoint: false },
    },
    {
      values: [{ kind: 'looks like control', seq: -1 }],
      timestamps: [Number.MAX_SAFE_INTEGER],
      control: { kind: 'barrier', checkpointId: 18, timestamp: 1_700_000_000_456, savepoint: true },
    },
    { values: ['last'], timestamps: undefined, control: { kind: 'end-of-input' } },
  ];
}
