/** Test helper: every message of a JetStream stream, as text, in stream order. */
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';

/** Reads every message of `stream` once, with an ordered consumer. */
export async function readStream(nc: NatsConnection, stream: string): Promise<string[]> {
  const info = await (await jetstreamManager(nc)).streams.info(stream);
  const out: string[] = [];
  if (info.state.messages === 0) return out;
  const consumer = await jetstream(nc).consumers.get(stream);
  for await (const m of await consumer.fetch({ max_messages: info.state.messages, expires: 5000 })) {
    out.push(m.string());
    if (out.length === info.state.messages) break;
  }
  return out;
}
