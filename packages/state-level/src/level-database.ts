/**
 * The LevelDB database of one keyed state backend: `level` (classic-level on Node.js) with binary keys and values.
 * Keys are the stored keys of `stored-key.ts`; values are msgpack bytes (`value-codec.ts`).
 */
import { Level } from 'level';

/** A LevelDB database with binary keys and values. */
export type LevelDatabase = Level<Buffer, Buffer>;

/** LevelDB's own tuning knobs that {@link openLevelDatabase} passes on. */
export interface LevelDatabaseTuning {
  /** LevelDB's block cache, bytes. */
  readonly blockCacheSize: number;
  /** LevelDB's write buffer (memtable), bytes. */
  readonly writeBufferSize: number;
}

/** Creates and opens a new, empty database at `location` (which must not exist yet). */
export async function openLevelDatabase(location: string, tuning: LevelDatabaseTuning): Promise<LevelDatabase> {
  const db = new Level<Buffer, Buffer>(location, {
    keyEncoding: 'buffer',
    valueEncoding: 'buffer',
    createIfMissing: true,
    errorIfExists: true,
    cacheSize: tuning.blockCacheSize,
    writeBufferSize: tuning.writeBufferSize,
  });
  await db.open();
  return db;
}
