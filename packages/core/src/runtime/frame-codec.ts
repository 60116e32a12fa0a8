/**
 * The msgpack frame codec: turns a {@link Frame} into bytes and back, for transports that leave the process.
 *
 * Wire format (format version 1): one msgpack array `[version, seq, values, timestamps, control]`, where
 * `timestamps` is nil or an array aligned with `values`, and `control` is nil or a tuple whose first entry is the
 * kind: `[0, timestamp]` watermark, `[1, idle]` watermark status, `[2, checkpointId, timestamp, savepoint]` barrier,
 * `[3]` end of input. Values use standard msgpack plus msgpackr's extensions (undefined, Date, Set, typed arrays,
 * bigints beyond 64 bits) and two of weir's own extensions, because msgpackr writes a `Map` and a plain object the same
 * way and writes `-0` as `0`: a `Map` is sent as extension {@link MAP_EXTENSION_TYPE}, `-0` as
 * {@link NEGATIVE_ZERO_EXTENSION_TYPE}. No record structures are used, so every frame decodes on its own.
 *
 * Decoding validates the frame's shape and throws `WeirError` with code `MALFORMED_FRAME` for garbage, truncated
 * input, an unknown format version or a wrong shape; it never returns a half-valid frame.
 */
import { prepareValues, valuePackr } from '../codec/value-packr.js';
import { ErrorCodes, WeirError } from '../errors.js';
import type { ControlElement, Frame } from './frame.js';

/** The version of the wire format written by {@link encodeFrame}; {@link decodeFrame} accepts only this one. */
export const FRAME_FORMAT_VERSION = 1;

export { MAP_EXTENSION_TYPE, NEGATIVE_ZERO_EXTENSION_TYPE } from '../codec/value-packr.js';

const CONTROL_WATERMARK = 0;
const CONTROL_WATERMARK_STATUS = 1;
const CONTROL_BARRIER = 2;
const CONTROL_END_OF_INPUT = 3;

/** Encodes a frame as msgpack. Throws `TypeError` if a value cannot be encoded (a symbol, for example). */
export function encodeFrame(frame: Frame): Uint8Array {
  const message = [
    FRAME_FORMAT_VERSION,
    frame.seq,
    prepareValues(frame.values),
    frame.timestamps,
    encodeControl(frame.control),
  ];
  try {
    return valuePackr.pack(message);
  } catch (error) {
    throw new TypeError(`Cannot encode frame ${frame.seq}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

/** Decodes bytes written by {@link encodeFrame}; throws `WeirError` `MALFORMED_FRAME` for anything else. */
export function decodeFrame(bytes: Uint8Array): Frame {
  let message: unknown;
  try {
    message = valuePackr.unpack(bytes);
  } catch (error) {
    throw malformed(`not valid msgpack (${bytes.length} bytes): ${error instanceof Error ? error.message : String(error)}`, error);
  }
  if (!Array.isArray(message)) throw malformed(`expected an array of 5 fields, got ${describeValue(message)}`);
  if (message[0] !== FRAME_FORMAT_VERSION) {
    throw malformed(`unsupported format version ${describeValue(message[0])} (expected ${FRAME_FORMAT_VERSION})`);
  }
  if (message.length !== 5) throw malformed(`expected an array of 5 fields, got ${message.length}`);
  const seq: unknown = message[1];
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) {
    throw malformed(`seq must be a positive integer, got ${describeValue(seq)}`);
  }
  const values: unknown = message[2];
  if (!Array.isArray(values)) throw malformed(`frame ${seq}: values must be an array, got ${describeValue(values)}`);
  const timestamps = decodeTimestamps(message[3], values.length, seq);
  const control = decodeControl(message[4], seq);
  return { seq, values, timestamps, control };
}

function decodeTimestamps(raw: unknown, count: number, seq: number): (number | undefined)[] | undefined {
  if (raw === undefined) return undefined;
  if (!Array.isArray(raw)) throw malformed(`frame ${seq}: timestamps must be an array or undefined, got ${describeValue(raw)}`);
  if (raw.length !== count) {
    throw malformed(`frame ${seq}: ${raw.length} timestamps for ${count} values`);
  }
  for (let i = 0; i < raw.length; i++) {
    const t: unknown = raw[i];
    if (t !== undefined && typeof t !== 'number') {
      throw malformed(`frame ${seq}: timestamp ${i} must be a number or undefined, got ${describeValue(t)}`);
    }
  }
  return raw as (number | undefined)[];
}

function encodeControl(control: ControlElement | undefined): unknown[] | undefined {
  if (control === undefined) return undefined;
  switch (control.kind) {
    case 'watermark':
      return [CONTROL_WATERMARK, control.timestamp];
    case 'watermark-status':
      return [CONTROL_WATERMARK_STATUS, control.idle];
    case 'barrier':
      return [CONTROL_BARRIER, control.checkpointId, control.timestamp, control.savepoint];
    case 'end-of-input':
      return [CONTROL_END_OF_INPUT];
    default:
      throw new TypeError(`Unknown control element kind ${JSON.stringify((control as { kind: unknown }).kind)}`);
  }
}

function decodeControl(raw: unknown, seq: number): ControlElement | undefined {
  if (raw === undefined) return undefined;
  if (!Array.isArray(raw) || raw.length === 0) {
    throw malformed(`frame ${seq}: control must be a non-empty array or undefined, got ${describeValue(raw)}`);
  }
  const fields = raw as unknown[];
  const expectFields = (name: string, n: number): void => {
    if (fields.length !== n) throw malformed(`frame ${seq}: ${name} control element must have ${n} fields, got ${fields.length}`);
  };
  const expectNumber = (name: string, value: unknown): number => {
    if (typeof value !== 'number' || Number.isNaN(value)) {
      throw malformed(`frame ${seq}: ${name} must be a number, got ${describeValue(value)}`);
    }
    return value;
  };
  const expectBoolean = (name: string, value: unknown): boolean => {
    if (typeof value !== 'boolean') throw malformed(`frame ${seq}: ${name} must be a boolean, got ${describeValue(value)}`);
    return value;
  };
  switch (fields[0]) {
    case CONTROL_WATERMARK:
      expectFields('watermark', 2);
      return { kind: 'watermark', timestamp: expectNumber('watermark timestamp', fields[1]) };
    case CONTROL_WATERMARK_STATUS:
      expectFields('watermark-status', 2);
      return { kind: 'watermark-status', idle: expectBoolean('watermark-status idle', fields[1]) };
    case CONTROL_BARRIER: {
      expectFields('barrier', 4);
      const checkpointId = expectNumber('barrier checkpointId', fields[1]);
      if (!Number.isSafeInteger(checkpointId)) {
        throw malformed(`frame ${seq}: barrier checkpointId must be an integer, got ${checkpointId}`);
      }
      return {
        kind: 'barrier',
        checkpointId,
        timestamp: expectNumber('barrier timestamp', fields[2]),
        savepoint: expectBoolean('barrier savepoint', fields[3]),
      };
    }
    case CONTROL_END_OF_INPUT:
      expectFields('end-of-input', 1);
      return { kind: 'end-of-input' };
    default:
      throw malformed(`frame ${seq}: unknown control element kind ${describeValue(fields[0])}`);
  }
}

function malformed(message: string, cause?: unknown): WeirError {
  return new WeirError(ErrorCodes.MALFORMED_FRAME, `Malformed frame: ${message}`, cause === undefined ? undefined : { cause });
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
    case 'number':
    case 'boolean':
    case 'bigint':
      return `${typeof value} ${String(value)}`;
    case 'undefined':
      return 'undefined';
    case 'object':
      return value.constructor?.name ? `a ${value.constructor.name}` : 'an object';
    default:
      return typeof value;
  }
}
