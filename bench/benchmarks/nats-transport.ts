/**
 * The NATS transport between two processes (issue 5: "records/s through the NATS transport between two processes is
 * at least 70% of raw `@nats-io/transport-node` publish/subscribe of the same msgpack frames measured in the same
 * run"). A nats-server (started for the benchmark on a free port) and a sending process (`nats-sender-process.ts`,
 * spawned once) are shared by the runs; this process receives. Each run sends the records `0..N-1` in frames of 1024:
 *
 * - weir: a core `ChannelWriter` over a `NatsTransport` in the sender, a `ChannelReader` over another in this process,
 *   with the credit-based flow control of jobs (the transport's `initialCredits`, 32, frames in flight per channel,
 *   credit returned per frame processed);
 * - raw NATS: the sender encodes the same frames with core's frame codec and publishes them on a subject; this process
 *   subscribes and decodes them. No flow control, no sequence checks.
 *
 * Every value received goes into the checksum sink (the sum of `0..N-1`). A run's time is from the command to the
 * sender until the last record arrived.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { ChannelReader, decodeFrame } from '@weir/core';
import { NatsTransport } from '@weir/connector-nats';
import { NatsServer } from '@weir/connector-nats/testing';
import type { Benchmark, Contender } from '../harness/benchmark.js';
import type { Checksum, ChecksumSink } from '../harness/checksum-sink.js';

interface Shared {
  readonly server: NatsServer;
  readonly sender: ChildProcess;
  readonly lines: AsyncIterator<string>;
  readonly connection: NatsConnection;
  readonly transport: NatsTransport;
}

let shared: Promise<Shared> | undefined;
let runs = 0;

/** The server, the sending process and this process's connection, started on first use and stopped at exit. */
function setUp(): Promise<Shared> {
  shared ??= (async () => {
    const server = await NatsServer.start({ jetstream: false });
    const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'nats-sender-process.ts');
    const sender = spawn(process.execPath, ['--import', 'tsx', script, server.url], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: sender.stdout })[Symbol.asyncIterator]();
    const first = await lines.next();
    if (first.value !== 'ready') throw new Error(`The sending process did not start: ${String(first.value)}`);
    const connection = await connect({ servers: server.url });
    const transport = new NatsTransport(connection);
    process.once('exit', () => {
      sender.kill('SIGKILL');
      server.kill().catch(() => undefined);
    });
    return { server, sender, lines, connection, transport };
  })();
  return shared;
}

/** Rejects when `progress()` has not moved for `ms` (raw NATS drops frames for a slow consumer; no run may hang). */
function watchdog(progress: () => number, total: number, what: string, ms = 10_000): { promise: Promise<never>; stop: () => void } {
  let last = -1;
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setInterval(() => {
      const now = progress();
      if (now === last) reject(new Error(`${what}: stalled at ${now} of ${total} records (frames lost?)`));
      last = now;
    }, ms);
  });
  promise.catch(() => undefined);
  return { promise, stop: () => clearInterval(timer) };
}

async function command(s: Shared, mode: 'raw' | 'weir', n: number, id: string): Promise<void> {
  s.sender.stdin!.write(`${JSON.stringify({ mode, n, id })}\n`);
  const line = await s.lines.next();
  if (line.value !== `sent ${id}`) throw new Error(`The sending process answered ${String(line.value)}`);
}

const weir: Contender = {
  name: 'weir',
  async run(n: number, sink: ChecksumSink): Promise<void> {
    const s = await setUp();
    const id = `${process.pid}-${++runs}`;
    let received = 0;
    let done!: () => void;
    let failed!: (e: Error) => void;
    const finished = new Promise<void>((resolve, reject) => {
      done = resolve;
      failed = reject;
    });
    const reader: ChannelReader = new ChannelReader(s.transport, { jobId: `bench-${id}`, attempt: 0, edgeId: 'e', senderSubtask: 0, receiverSubtask: 0 }, {
      onFrame: (frame) => {
        const values = frame.values as number[];
        for (let i = 0; i < values.length; i++) sink.value(values[i]);
        received += values.length;
        reader.release();
        if (received === n) done();
      },
      onError: (e) => failed(e),
    }, s.transport.initialCredits);
    await s.connection.flush();
    const guard = watchdog(() => received, n, 'weir over NATS');
    try {
      await Promise.race([Promise.all([command(s, 'weir', n, id), finished]), guard.promise]);
    } finally {
      guard.stop();
      reader.close();
    }
  },
};

const raw: Contender = {
  name: 'raw NATS',
  async run(n: number, sink: ChecksumSink): Promise<void> {
    const s = await setUp();
    const id = `${process.pid}-${++runs}`;
    let received = 0;
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const subscription = s.connection.subscribe(`bench.raw.${id}`, {
      callback: (_error, message) => {
        const values = decodeFrame(message.data).values as number[];
        for (let i = 0; i < values.length; i++) sink.value(values[i]);
        received += values.length;
        if (received === n) done();
      },
    });
    await s.connection.flush();
    const guard = watchdog(() => received, n, 'raw NATS');
    try {
      await Promise.race([Promise.all([command(s, 'raw', n, id), finished]), guard.promise]);
    } finally {
      guard.stop();
      subscription.unsubscribe();
    }
  },
};

/** Records through the NATS transport between two processes against raw publish/subscribe of the same frames. */
export const natsTransportThroughput: Benchmark = {
  id: 'nats-transport',
  title: '(issue 5) records between two processes over NATS: weir channel (credit-based) vs raw publish/subscribe, frames of 1024',
  contenders: [weir, raw],
  expected: (n): Checksum => ({ outputs: n, sum: (n * (n - 1)) / 2, weighted: 0 }),
};
