import { describe, expect, it } from 'vitest';
import { ErrorCodes, WeirError } from '../../errors.js';
import {
  CHECKPOINT_FILE_HEADER_SIZE,
  checksumOf,
  decodeCheckpointFile,
  decodeCheckpointFileHeader,
  encodeCheckpointFileHeader,
} from './checkpoint-file-format.js';

const content = new TextEncoder().encode('some state');
const file = (): Uint8Array => {
  const header = encodeCheckpointFileHeader('state', content);
  const bytes = new Uint8Array(header.length + content.length);
  bytes.set(header);
  bytes.set(content, header.length);
  return bytes;
};

function corruptMessage(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(WeirError);
    expect((error as WeirError).code).toBe(ErrorCodes.CHECKPOINT_CORRUPT);
    return (error as Error).message;
  }
  throw new Error('expected CHECKPOINT_CORRUPT');
}

describe('checkpoint file format', () => {
  it('has a 24-byte header with magic, version, type, length and checksums', () => {
    const bytes = file();
    expect(CHECKPOINT_FILE_HEADER_SIZE).toBe(24);
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('WCKP');
    expect(decodeCheckpointFileHeader(bytes, 'f')).toEqual({ type: 'state', length: content.length, checksum: checksumOf(content) });
    const decoded = decodeCheckpointFile(bytes, 'state', 'f');
    expect(decoded.content).toEqual(content);
    expect(decoded.content.constructor).toBe(Uint8Array);
    expect(decoded.checksum).toBe(checksumOf(content));
  });

  it('names the file and the problem for every kind of damage', () => {
    const bytes = file();
    expect(corruptMessage(() => decodeCheckpointFile(bytes.subarray(0, 3), 'state', '/x/f'))).toMatch(/^Checkpoint file \/x\/f is corrupt: truncated/);
    expect(corruptMessage(() => decodeCheckpointFile(bytes.subarray(0, 10), 'state', 'f'))).toMatch(/truncated: 10 bytes/);
    expect(corruptMessage(() => decodeCheckpointFile(bytes.subarray(0, bytes.length - 1), 'state', 'f'))).toMatch(/truncated: its header announces 10/);
    const longer = new Uint8Array(bytes.length + 2);
    longer.set(bytes);
    expect(corruptMessage(() => decodeCheckpointFile(longer, 'state', 'f'))).toMatch(/2 more than its header announces/);
    const flipped = bytes.slice();
    flipped[flipped.length - 1] ^= 1;
    expect(corruptMessage(() => decodeCheckpointFile(flipped, 'state', 'f'))).toMatch(/checksum mismatch/);
    const damagedHeader = bytes.slice();
    damagedHeader[10] ^= 1;
    expect(corruptMessage(() => decodeCheckpointFile(damagedHeader, 'state', 'f'))).toMatch(/header is damaged/);
    const foreign = bytes.slice();
    foreign[0] = 0x7b;
    expect(corruptMessage(() => decodeCheckpointFile(foreign, 'state', 'f'))).toMatch(/not a weir checkpoint file/);
    const newer = bytes.slice();
    newer[4] = 2;
    expect(corruptMessage(() => decodeCheckpointFile(newer, 'state', 'f'))).toMatch(/unsupported format version 2/);
    expect(corruptMessage(() => decodeCheckpointFile(bytes, 'metadata', 'f'))).toMatch(/it is a state file where a metadata file belongs/);
  });
});
