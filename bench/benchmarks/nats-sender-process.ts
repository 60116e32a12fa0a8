/**
 * The sending process of the NATS transport benchmark (`nats-transport.ts` spawns it once): connects to the server
 * given as argument, prints `ready`, then for each command line on stdin (`{"mode","n","id","credits"}`) sends the
 * records `0..n-1` in frames of 1024 and prints `sent <id>`:
 * - `raw`: each frame encoded with core's frame codec and published with `@nats-io/transport-node` on
 *   `bench.raw.<id>` (no flow control; a flush at the end);
 * - `weir`: each frame written to a core `ChannelWriter` over a `NatsTransport` (credit-based flow control), on the
 *   channel `bench-<id>.0.e.0.0`.
 */
import { createInterface } from 'node:readline';
import { connect } from '@nats-io/transport-node';
import { ChannelWriter, DEFAULT_FRAME_SIZE, encodeFrame, type ChannelAddress } from '@weir/core';
import { NatsTransport } from '@weir/connector-nats';

interface Command {
  readonly mode: 'raw' | 'weir';
  readonly n: number;
  readonly id: string;
}

/** The values of frame `f` of a run of `n` records. */
function frameValues(f: number, n: number): number[] {
  const start = f * DEFAULT_FRAME_SIZE;
  const end = Math.min(n, start + DEFAULT_FRAME_SIZE);
  const values = new Array<number>(end - start);
  for (let i = start; i < end; i++) values[i - start] = i;
  return values;
}

async function main(): Promise<void> {
  const url = process.argv[2];
  const nc = await connect({ servers: url });
  const transport = new NatsTransport(nc);
  console.log('ready');
  for await (const line of createInterface({ input: process.stdin })) {
    const command = JSON.parse(line) as Command;
    const frames = Math.ceil(command.n / DEFAULT_FRAME_SIZE);
    if (command.mode === 'raw') {
      const subject = `bench.raw.${command.id}`;
      for (let f = 0; f < frames; f++) nc.publish(subject, encodeFrame({ seq: f + 1, values: frameValues(f, command.n), timestamps: undefined, control: undefined }));
      await nc.flush();
    } else {
      const address: ChannelAddress = { jobId: `bench-${command.id}`, attempt: 0, edgeId: 'e', senderSubtask: 0, receiverSubtask: 0 };
      let wake: (() => void) | undefined;
      const writer = new ChannelWriter(transport, address, {
        onAvailable: () => wake?.(),
        onError: (e) => {
          console.error(e);
          process.exit(1);
        },
      });
      for (let f = 0; f < frames; f++) {
        writer.write(frameValues(f, command.n), undefined, undefined);
        // Backpressure as a task applies it: no new frame while one waits for credit.
        while (!writer.isAvailable()) await new Promise<void>((resolve) => (wake = resolve));
      }
      await nc.flush();
      writer.close();
    }
    console.log(`sent ${command.id}`);
  }
  await transport.close();
  await nc.close();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
