/**
 * The write cache between the states and LevelDB: the most recently used `(state, key, namespace)` entries stay
 * decoded in memory, at most `capacity` of them; every state operation reads and writes the cache only.
 *
 * - **Reads**: a hit is a `Map` lookup and a move to the end of the LRU list. A miss creates the entry; when the state
 *   is read (not blindly overwritten) its stored value is read from LevelDB, unless the {@link BloomFilter} of keys
 *   on disk says it was never written (every new key of a stream), in which case no read happens. LevelDB is read
 *   with `getSync`: the task's mailbox cannot go on without the value anyway, and a synchronous read costs a few
 *   microseconds where a promise round trip through libuv's thread pool costs tens (Flink's RocksDB backend also reads
 *   on the task thread).
 * - **Writes** mark the entry dirty. When the cache overflows, the least recently used entries leave it: clean ones
 *   are dropped, dirty ones are encoded into the current LevelDB write batch and stay readable ("flushing") until
 *   LevelDB confirmed the batch (so do clean ones whose last write is not confirmed yet). A batch goes out when it holds `writeBatchSize` operations; batches are written one
 *   after another, in order, through one promise chain. When more than `maxInFlight` operations wait for LevelDB,
 *   state operations return a promise that settles when they are written (backpressure).
 * - **Snapshots** call {@link flushDirty} (every dirty entry into batches, synchronously), then take a LevelDB
 *   snapshot behind those batches ({@link afterWrites}), so that the snapshot is of the moment of the call while
 *   processing goes on.
 * - **Changes** since the last snapshot are recorded per state table once a first snapshot started tracking them.
 *
 * Threading model: used from the owning task's mailbox only; LevelDB writes run on libuv's thread pool.
 */
import { assignToKeyGroup, ErrorCodes, WeirError, type Key } from '@weir/core';
import type { KeyIdentity } from '@weir/core/internal';
import { BloomFilter, hashStoredKey } from './bloom-filter.js';
import type { LevelDatabase } from './level-database.js';
import { cachedFromStored, encodeCached } from './stored-form.js';
import { StoredKeyWriter } from './stored-key.js';
import { CacheEntry, ENTRY_DETACHED, ENTRY_FLUSHING, ENTRY_LIVE, type StateTable } from './state-table.js';
import { decodeValue } from './value-codec.js';

/** A LevelDB write batch being filled (abstract-level's chained batch). */
interface WriteBatch {
  put(key: Buffer, value: Buffer): unknown;
  del(key: Buffer): unknown;
  write(): Promise<void>;
  close(): Promise<void>;
}

/** The sizes of a {@link StateCache}. */
export interface StateCacheOptions {
  /** Entries kept in memory. */
  readonly capacity: number;
  /** Operations per LevelDB write batch. */
  readonly writeBatchSize: number;
  /** Operations waiting for LevelDB beyond which state operations wait (backpressure). */
  readonly maxInFlight: number;
  /** The operator's max parallelism (for the key group of a key). */
  readonly maxParallelism: number;
  /** What to call the backend in error messages. */
  readonly description: string;
}

/** The write cache of one keyed state backend; see the module documentation. */
export class StateCache {
  /** Keys ever written to LevelDB. */
  readonly bloom = new BloomFilter();
  private readonly keys = new StoredKeyWriter();
  private head: CacheEntry | null = null;
  private tail: CacheEntry | null = null;
  private liveCount = 0;
  private batch: WriteBatch | undefined;
  private batchOperations = 0;
  private batchEntries: CacheEntry[] = [];
  private batchId = 1;
  /** The last batch LevelDB confirmed (batches are written in order). */
  private confirmedBatch = 0;
  private inFlight = 0;
  private writes: Promise<void> = Promise.resolve();
  private failure: unknown = undefined;
  private closed = false;
  private tracking = false;
  private epoch = 0;
  /** Detached entries ready for reuse (fewer long-lived objects for the garbage collector). */
  private readonly pool: CacheEntry[] = [];
  /** Entries detached during the current operation: pooled only after it (it may still hold them). */
  private recycled: CacheEntry[] = [];
  private readonly maxPooled: number;

  constructor(
    private readonly db: LevelDatabase,
    private readonly options: StateCacheOptions,
  ) {
    this.maxPooled = options.maxInFlight + options.writeBatchSize;
  }

  /** Entries in the LRU list. */
  get size(): number {
    return this.liveCount;
  }

  /** Operations handed to LevelDB and not confirmed yet. */
  get pendingWrites(): number {
    return this.inFlight + this.batchOperations;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Entries

  /**
   * The entry of `key` (identity `id`) in `namespace` of `table`: cached, or created. With `load`, a created entry
   * gets the stored value from LevelDB (when it may be there); without, its value is unknown and the caller must set
   * it (a blind write). Throws the error of a failed LevelDB write.
   */
  get(table: StateTable, id: KeyIdentity, key: Key, namespace: string, load: boolean): CacheEntry {
    if (this.failure !== undefined) throw this.failedError();
    let entry = table.get(id, namespace);
    if (entry !== undefined) {
      if (entry.status !== ENTRY_LIVE) this.revive(entry);
      else if (entry !== this.tail) this.moveToTail(entry);
      return entry;
    }
    let value: unknown;
    if (load && this.bloom.mightContain(hashStoredKey(table.id, id, namespace))) value = this.read(table, key, namespace);
    const pooled = this.pool.pop();
    entry = pooled === undefined ? new CacheEntry(table, id, key, namespace, value) : pooled.reuse(table, id, key, namespace, value);
    table.add(entry);
    this.append(entry);
    if (++this.liveCount > this.options.capacity) this.evict();
    return entry;
  }

  /** Whether `entry` is the most recently used entry (then it is cached and needs no move in the LRU list). */
  isMostRecent(entry: CacheEntry): boolean {
    return entry === this.tail;
  }

  /** Marks `entry` changed (call after every change of its value). */
  markDirty(entry: CacheEntry): void {
    if (entry.status !== ENTRY_LIVE) this.revive(entry);
    entry.dirty = true;
    if (this.tracking && entry.changedEpoch !== this.epoch) {
      entry.changedEpoch = this.epoch;
      entry.table.noteChanged(entry.id, entry.key, entry.namespace);
    }
  }

  /**
   * Undefined normally; while more than `maxInFlight` operations wait for LevelDB, a promise that settles when they
   * are written (or rejects with the write's error). State operations return it.
   */
  settle(): Promise<void> | undefined {
    if (this.inFlight <= this.options.maxInFlight) return undefined;
    return this.writes.then(() => {
      if (this.failure !== undefined) throw this.failedError();
    });
  }

  /** Records `(key, namespace)` of `table` as changed (for entries written without going through the cache). */
  noteChanged(table: StateTable, id: KeyIdentity, key: Key, namespace: string): void {
    if (this.tracking) table.noteChanged(id, key, namespace);
  }

  /** Starts (or restarts) recording changes: a snapshot was taken, its base for the next delta. */
  startTracking(): void {
    this.tracking = true;
    this.epoch++;
  }

  /** A new change-tracking epoch: the changes recorded so far were taken by a delta. */
  nextEpoch(): void {
    this.epoch++;
  }

  /** The cached entry of `id` in `namespace`, without touching the LRU order; undefined when not cached. */
  peek(table: StateTable, id: KeyIdentity, namespace: string): CacheEntry | undefined {
    return table.get(id, namespace);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // LevelDB

  /** The stored key of `(table, key, namespace)`: a view valid until the next call. */
  storedKey(table: StateTable, key: Key, namespace: string): Buffer {
    return this.keys.write(assignToKeyGroup(key, this.options.maxParallelism), table.id, key, namespace);
  }

  /** Reads the cache form of `(table, key, namespace)` from LevelDB; undefined when it is not there. */
  private read(table: StateTable, key: Key, namespace: string): unknown {
    const bytes = this.db.getSync(this.storedKey(table, key, namespace));
    return bytes === undefined ? undefined : cachedFromStored(table.type, decodeValue(bytes));
  }

  /** Adds a put of `value` under `storedKey` to the current batch (for restores); records the key in the filter. */
  put(storedKey: Buffer, value: Buffer, hash: number): void {
    this.currentBatch().put(storedKey, value);
    this.bloom.add(hash);
    if (++this.batchOperations >= this.options.writeBatchSize) this.submit();
  }

  /** Writes every dirty entry into batches and submits them; the entries stay cached, clean. */
  flushDirty(): void {
    for (let entry = this.head; entry !== null; entry = entry.next) {
      if (entry.dirty) this.stage(entry, false);
    }
    this.submit();
  }

  /**
   * Runs `action` once every batch submitted so far is written, before any batch submitted later: e.g. to take a
   * LevelDB snapshot of this moment. Rejects with the error of a failed write.
   */
  afterWrites<T>(action: () => T): Promise<T> {
    const result = this.writes.then(() => {
      if (this.failure !== undefined) throw this.failedError();
      return action();
    });
    this.writes = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Waits for the writes in flight and forgets everything; pending, unsubmitted writes are dropped. */
  async close(): Promise<void> {
    this.closed = true;
    const batch = this.batch;
    this.batch = undefined;
    this.batchEntries = [];
    this.batchOperations = 0;
    this.head = this.tail = null;
    this.liveCount = 0;
    this.pool.length = 0;
    this.recycled = [];
    await this.writes;
    if (batch !== undefined) await batch.close();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The LRU list and write-back

  private append(entry: CacheEntry): void {
    entry.previous = this.tail;
    entry.next = null;
    if (this.tail === null) this.head = entry;
    else this.tail.next = entry;
    this.tail = entry;
  }

  private unlink(entry: CacheEntry): void {
    const { previous, next } = entry;
    if (previous === null) this.head = next;
    else previous.next = next;
    if (next === null) this.tail = previous;
    else next.previous = previous;
    entry.previous = entry.next = null;
  }

  private moveToTail(entry: CacheEntry): void {
    this.unlink(entry);
    this.append(entry);
  }

  /** Puts a flushing or detached entry back into the LRU list. */
  private revive(entry: CacheEntry): void {
    if (entry.status === ENTRY_DETACHED) {
      // An operation changes an entry it got before a later step of it evicted the entry (clean) again.
      const cached = entry.table.get(entry.id, entry.namespace);
      if (cached === undefined) entry.table.add(entry);
      else if (cached !== entry) throw new Error(`Internal error: two cache entries for one key of state "${entry.table.name}"`);
    }
    entry.status = ENTRY_LIVE;
    this.append(entry);
    if (++this.liveCount > this.options.capacity) this.evict();
  }

  /** Evicts least recently used entries until the cache is within its capacity. */
  private evict(): void {
    while (this.liveCount > this.options.capacity) {
      const entry = this.head!;
      this.unlink(entry);
      this.liveCount--;
      if (entry.dirty) {
        this.stage(entry, true);
      } else if (entry.batch > this.confirmedBatch) {
        // Clean, but its last write is not confirmed yet: LevelDB may not have it. Readable until it is.
        entry.status = ENTRY_FLUSHING;
      } else {
        this.detach(entry, true);
      }
    }
  }

  /**
   * Takes `entry` out of its table. It is reused for another key later: at once when no operation can hold it (after a
   * write completed), else after the current operation (a microtask later).
   */
  private detach(entry: CacheEntry, duringOperation: boolean): void {
    entry.status = ENTRY_DETACHED;
    entry.table.remove(entry);
    entry.value = undefined;
    if (!duringOperation) {
      if (this.pool.length < this.maxPooled) this.pool.push(entry);
      return;
    }
    if (entry.recycling || this.recycled.length >= this.maxPooled) return;
    if (this.recycled.length === 0) queueMicrotask(() => this.poolRecycled());
    entry.recycling = true;
    this.recycled.push(entry);
  }

  private poolRecycled(): void {
    const recycled = this.recycled;
    this.recycled = [];
    for (const entry of recycled) {
      entry.recycling = false;
      // Still detached (an operation may have put it back in the meantime): free for another key.
      if (entry.status === ENTRY_DETACHED && this.pool.length < this.maxPooled) this.pool.push(entry);
    }
  }

  /**
   * Writes a dirty entry into the current batch (a put, or a delete when it has no value and may be on disk). An
   * evicted entry stays readable as flushing until the batch is written.
   */
  private stage(entry: CacheEntry, evicting: boolean): void {
    const table = entry.table;
    const hash = hashStoredKey(table.id, entry.id, entry.namespace);
    entry.dirty = false;
    if (entry.value !== undefined) {
      this.currentBatch().put(this.storedKey(table, entry.key, entry.namespace), encodeCached(table.type, entry.value));
      this.bloom.add(hash);
    } else if (this.bloom.mightContain(hash)) {
      this.currentBatch().del(this.storedKey(table, entry.key, entry.namespace));
    } else {
      // Never written: nothing to delete on disk.
      if (evicting) this.detach(entry, true);
      return;
    }
    if (evicting) entry.status = ENTRY_FLUSHING;
    entry.batch = this.batchId;
    this.batchEntries.push(entry);
    if (++this.batchOperations >= this.options.writeBatchSize) this.submit();
  }

  private currentBatch(): WriteBatch {
    return (this.batch ??= this.db.batch() as WriteBatch);
  }

  /** Hands the current batch to LevelDB, behind the batches before it. */
  submit(): void {
    const batch = this.batch;
    if (batch === undefined) return;
    const entries = this.batchEntries;
    const id = this.batchId++;
    const operations = this.batchOperations;
    this.batch = undefined;
    this.batchEntries = [];
    this.batchOperations = 0;
    this.inFlight += operations;
    this.writes = this.writes.then(async () => {
      try {
        if (this.failure !== undefined || this.closed) {
          await batch.close();
          return;
        }
        await batch.write();
      } catch (error) {
        this.failure ??= error;
        return;
      } finally {
        this.inFlight -= operations;
      }
      this.confirmedBatch = id;
      for (const entry of entries) {
        if (entry.status === ENTRY_FLUSHING && entry.batch === id) this.detach(entry, false);
      }
    });
  }

  private failedError(): Error {
    const cause = this.failure;
    const code = (cause as { code?: unknown } | undefined)?.code;
    const reason = `${typeof code === 'string' ? `${code}: ` : ''}${cause instanceof Error ? cause.message : String(cause)}`;
    return new WeirError(
      ErrorCodes.STATE_BACKEND_NOT_OPEN,
      `The LevelDB state of ${this.options.description} failed: a write was rejected (${reason}); the backend cannot be used any more`,
      { cause },
    );
  }
}
