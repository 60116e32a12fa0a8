/**
 * Ready-made deserializers and serializers for the NATS and JetStream sources and sinks: text, JSON, and msgpack (as
 * weir writes values: Maps, `-0`, Dates, bigints and typed arrays keep their types). Any function of the same shape
 * works as well.
 */
import { packValue, unpackValue } from '@weir/core/internal';

/** A message as deserializers see it (JetStream and core NATS messages both fit). */
export interface MessageData {
  readonly data: Uint8Array;
  string(): string;
}

/** Deserializers by format. */
export const Deserializers = {
  /** The payload as UTF-8 text. */
  string: (message: MessageData): string => message.string(),
  /** The payload parsed as JSON (a malformed one throws: a poison message). */
  json: <T = unknown>(message: MessageData): T => JSON.parse(message.string()) as T,
  /** The payload decoded as msgpack. */
  msgpack: <T = unknown>(message: MessageData): T => unpackValue(message.data) as T,
} as const;

/** Serializers by format. */
export const Serializers = {
  /** `String(record)`. */
  string: (record: unknown): string => String(record),
  /** `JSON.stringify(record)`. */
  json: (record: unknown): string => JSON.stringify(record),
  /** msgpack, as weir writes values. */
  msgpack: (record: unknown): Uint8Array => packValue(record),
} as const;
