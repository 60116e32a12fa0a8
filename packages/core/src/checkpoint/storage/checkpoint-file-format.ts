/**
 * The format of every file that checkpoint storage writes (state files and `_metadata`): a 24-byte header followed by
 * the content, so that truncation, bit flips and stray files are detected when the file is read.
 *
 * ```text
 * offset size  field
 *  0     4     magic "WCKP" (0x57 0x43 0x4B 0x50)
 *  4     1     format version (1)
 *  5     1     file type: 1 state, 2 metadata
 *  6     2     reserved, zero
 *  8     8     content length in bytes (unsigned, big-endian)
 * 16     4     CRC-32 of the content (zlib.crc32, unsigned, big-endian)
 * 20     4     CRC-32 of bytes 0..19 of the header
 * 24     ...   content
 * ```
 *
 * Decoding throws `WeirError` `CHECKPOINT_CORRUPT` naming the file and the problem; it never returns damaged content.
 */
import { crc32 } from 'node:zlib';
import { ErrorCodes, WeirError } from '../../errors.js';

/** The magic bytes at the start of every checkpoint file: ASCII "WCKP". */
export const CHECKPOINT_FILE_MAGIC: Readonly<Uint8Array> = Uint8Array.of(0x57, 0x43, 0x4b, 0x50);

/** The version of the file format written here; the only one read. */
export const CHECKPOINT_FILE_FORMAT_VERSION = 1;

/** The size of the header in front of a checkpoint file's content. */
export const CHECKPOINT_FILE_HEADER_SIZE = 24;

/** What a checkpoint file holds: one task's state, or a checkpoint's `_metadata`. */
export type CheckpointFileType = 'state' | 'metadata';

const TYPE_CODES: Readonly<Record<CheckpointFileType, number>> = { state: 1, metadata: 2 };
const TYPES_BY_CODE: ReadonlyMap<number, CheckpointFileType> = new Map([
  [1, 'state'],
  [2, 'metadata'],
]);

/** What a checkpoint file's header says. */
export interface CheckpointFileHeader {
  /** The file type. */
  readonly type: CheckpointFileType;
  /** The length of the content in bytes. */
  readonly length: number;
  /** The CRC-32 of the content. */
  readonly checksum: number;
}

/** The checksum that state handles and file headers record: the CRC-32 (`zlib.crc32`) of the bytes, unsigned. */
export function checksumOf(bytes: Uint8Array): number {
  return crc32(bytes) >>> 0;
}

/** Formats a checksum for messages: `0x` and 8 hex digits. */
export function formatChecksum(checksum: number): string {
  return `0x${checksum.toString(16).padStart(8, '0')}`;
}

/** The header to write in front of `content`; `checksum` defaults to {@link checksumOf}`(content)`. */
export function encodeCheckpointFileHeader(type: CheckpointFileType, content: Uint8Array, checksum = checksumOf(content)): Uint8Array {
  const header = new Uint8Array(CHECKPOINT_FILE_HEADER_SIZE);
  header.set(CHECKPOINT_FILE_MAGIC, 0);
  const view = new DataView(header.buffer);
  view.setUint8(4, CHECKPOINT_FILE_FORMAT_VERSION);
  view.setUint8(5, TYPE_CODES[type]);
  view.setUint16(6, 0);
  view.setBigUint64(8, BigInt(content.length));
  view.setUint32(16, checksum);
  view.setUint32(20, checksumOf(header.subarray(0, 20)));
  return header;
}

/** A `CHECKPOINT_CORRUPT` error: `Checkpoint file <file> is corrupt: <problem>`. */
export function corruptCheckpointFile(file: string, problem: string, cause?: unknown): WeirError {
  return new WeirError(ErrorCodes.CHECKPOINT_CORRUPT, `Checkpoint file ${file} is corrupt: ${problem}`, { cause });
}

/**
 * Reads and checks the header at the start of `bytes` (at least the header; the content need not follow). `file`
 * names the file in errors. Throws `CHECKPOINT_CORRUPT` for a short, foreign, damaged or newer-format header.
 */
export function decodeCheckpointFileHeader(bytes: Uint8Array, file: string): CheckpointFileHeader {
  if (bytes.length < 5) {
    throw corruptCheckpointFile(file, `truncated: ${bytes.length} bytes, shorter than the ${CHECKPOINT_FILE_HEADER_SIZE}-byte header`);
  }
  for (let i = 0; i < CHECKPOINT_FILE_MAGIC.length; i++) {
    if (bytes[i] !== CHECKPOINT_FILE_MAGIC[i]) throw corruptCheckpointFile(file, 'not a weir checkpoint file (it does not start with the magic bytes "WCKP")');
  }
  const version = bytes[4];
  if (version !== CHECKPOINT_FILE_FORMAT_VERSION) {
    throw corruptCheckpointFile(file, `unsupported format version ${version} (this weir reads version ${CHECKPOINT_FILE_FORMAT_VERSION})`);
  }
  if (bytes.length < CHECKPOINT_FILE_HEADER_SIZE) {
    throw corruptCheckpointFile(file, `truncated: ${bytes.length} bytes, shorter than the ${CHECKPOINT_FILE_HEADER_SIZE}-byte header`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, CHECKPOINT_FILE_HEADER_SIZE);
  if (view.getUint32(20) !== checksumOf(bytes.subarray(0, 20))) {
    throw corruptCheckpointFile(file, 'its header is damaged (header checksum mismatch)');
  }
  const typeCode = view.getUint8(5);
  const type = TYPES_BY_CODE.get(typeCode);
  if (type === undefined) throw corruptCheckpointFile(file, `unknown file type ${typeCode}`);
  const length = view.getBigUint64(8);
  if (length > BigInt(Number.MAX_SAFE_INTEGER)) throw corruptCheckpointFile(file, `impossible content length ${length}`);
  return { type, length: Number(length), checksum: view.getUint32(16) };
}

/**
 * Checks a whole checkpoint file of type `expectedType` and returns its content (a view on `bytes`, as a plain
 * `Uint8Array`) and checksum. Throws `CHECKPOINT_CORRUPT` naming `file` when the header is bad, the type differs, the
 * file is shorter or longer than its header says, or the content's CRC-32 differs from the header's.
 */
export function decodeCheckpointFile(
  bytes: Uint8Array,
  expectedType: CheckpointFileType,
  file: string,
): { readonly content: Uint8Array; readonly checksum: number } {
  const header = decodeCheckpointFileHeader(bytes, file);
  if (header.type !== expectedType) throw corruptCheckpointFile(file, `it is a ${header.type} file where a ${expectedType} file belongs`);
  const actual = bytes.length - CHECKPOINT_FILE_HEADER_SIZE;
  if (actual < header.length) {
    throw corruptCheckpointFile(file, `truncated: its header announces ${header.length} bytes of content, the file holds ${actual}`);
  }
  if (actual > header.length) {
    throw corruptCheckpointFile(file, `it holds ${actual} bytes of content, ${actual - header.length} more than its header announces`);
  }
  const content = new Uint8Array(bytes.buffer, bytes.byteOffset + CHECKPOINT_FILE_HEADER_SIZE, header.length);
  const checksum = checksumOf(content);
  if (checksum !== header.checksum) {
    throw corruptCheckpointFile(
      file,
      `checksum mismatch (the CRC-32 of its content is ${formatChecksum(checksum)}, its header says ${formatChecksum(header.checksum)})`,
    );
  }
  return { content, checksum };
}
