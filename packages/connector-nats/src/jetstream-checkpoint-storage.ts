/**
 * `JetStreamCheckpointStorage`: checkpoints and savepoints in a JetStream object store bucket, so that any host that
 * reaches the NATS servers can restore a task (a TaskManager on another machine, a JobManager started again). It is
 * core's `CheckpointStorage` template filled in over object names: the layout, the checksummed file format, the
 * metadata and its commit protocol, verification and the search for the newest valid checkpoint are core's, so it
 * behaves exactly like the local directory storage and passes the same conformance suite.
 *
 * Pointers are `nats-object://<bucket>/<jobId>/chk-<n>`; a file is the object `<jobId>/chk-<n>/<name>`. Directories
 * are implicit (one exists while an object lies under it). An object store `put` is all or nothing (its metadata
 * entry is written after the chunks and acknowledged by the server), so every write is atomic and, with file
 * storage, durable once acknowledged. The bucket is created on first use (file storage, `replicas` copies in a
 * cluster) unless it exists.
 *
 * Threading model and lifecycle: those of `CheckpointStorage`. The connection belongs to the caller, who closes it
 * after the storage.
 *
 * @example
 * ```ts
 * const nc = await connectNats({ servers: 'nats://nats-1:4222' });
 * env.getCheckpointConfig().setCheckpointStorage(new JetStreamCheckpointStorage(nc, { bucket: 'weir-checkpoints' }));
 * ```
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { Objm, StorageType, type ObjectStore } from '@nats-io/obj';
import { CheckpointStorage, type CheckpointStorageOptions, type CheckpointStorageSupports } from '@weir/core';

/** The scheme of the storage's pointers. */
export const JETSTREAM_CHECKPOINT_SCHEME = 'nats-object://';

/** Options of {@link JetStreamCheckpointStorage}. */
export interface JetStreamCheckpointStorageOptions extends CheckpointStorageOptions {
  /** The object store bucket (default `weir-checkpoints`): letters, digits, `_` and `-`. */
  readonly bucket?: string;
  /** Copies of the bucket's data in a cluster (default 1). */
  readonly replicas?: number;
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const result = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    result.set(chunk, offset);
    offset += chunk.length;
  }
  return result;
}

/** Checkpoint storage in a JetStream object store; see the module documentation. */
export class JetStreamCheckpointStorage extends CheckpointStorage {
  /** `jetstream-object-store`. */
  readonly name = 'jetstream-object-store';
  /** Checkpoints live on the NATS servers and outlive the process. */
  readonly supports: CheckpointStorageSupports = { durable: true };
  /** The bucket. */
  readonly bucket: string;
  private readonly root: string;
  private readonly replicas: number;
  private store: Promise<ObjectStore> | undefined;

  /** A storage over `connection`; throws `TypeError` for a bad bucket name or replica count. */
  constructor(
    private readonly connection: NatsConnection,
    options: JetStreamCheckpointStorageOptions = {},
  ) {
    super(options);
    const bucket = options.bucket ?? 'weir-checkpoints';
    if (!/^[A-Za-z0-9_-]+$/.test(bucket)) throw new TypeError(`bucket must consist of letters, digits, "_" and "-"; got ${JSON.stringify(bucket)}`);
    const replicas = options.replicas ?? 1;
    if (!Number.isSafeInteger(replicas) || replicas < 1 || replicas > 5) throw new TypeError(`replicas must be an integer from 1 to 5; got ${replicas}`);
    this.bucket = bucket;
    this.replicas = replicas;
    this.root = `${JETSTREAM_CHECKPOINT_SCHEME}${bucket}`;
  }

  /** The bucket, created on first use. */
  private objects(): Promise<ObjectStore> {
    this.store ??= new Objm(this.connection).create(this.bucket, { storage: StorageType.File, replicas: this.replicas }).catch((error: unknown) => {
      this.store = undefined;
      throw error;
    });
    return this.store;
  }

  /** The object name of the file `name` in `directory`, or of the directory itself. */
  private objectName(directory: string, name?: string): string {
    const path = directory === this.root ? '' : directory.slice(this.root.length + 1);
    if (name === undefined) return path;
    return path === '' ? name : `${path}/${name}`;
  }

  protected _rootDirectory(): string {
    return this.root;
  }

  protected _resolve(pointer: string): string | undefined {
    if (pointer !== this.root && !pointer.startsWith(`${this.root}/`)) return undefined;
    const segments = pointer
      .slice(this.root.length)
      .split('/')
      .filter((segment) => segment !== '' && segment !== '.');
    if (segments.includes('..')) return undefined;
    return segments.length === 0 ? this.root : `${this.root}/${segments.join('/')}`;
  }

  protected _child(directory: string, name: string): string {
    return `${directory}/${name}`;
  }

  protected _parent(pointer: string): string {
    const slash = pointer.lastIndexOf('/');
    return slash <= this.root.length ? this.root : pointer.slice(0, slash);
  }

  protected _baseName(pointer: string): string {
    return pointer.slice(pointer.lastIndexOf('/') + 1);
  }

  protected _makeDirectory(): Promise<void> {
    return Promise.resolve();
  }

  protected async _list(directory: string): Promise<string[] | undefined> {
    const store = await this.objects();
    const base = this.objectName(directory);
    const prefix = base === '' ? '' : `${base}/`;
    const names = new Set<string>();
    for (const info of await store.list()) {
      if (info.deleted || !info.name.startsWith(prefix)) continue;
      const rest = info.name.slice(prefix.length);
      const slash = rest.indexOf('/');
      names.add(slash < 0 ? rest : rest.slice(0, slash));
    }
    return names.size === 0 ? undefined : [...names];
  }

  protected async _writeFile(directory: string, name: string, chunks: readonly Uint8Array[]): Promise<void> {
    const store = await this.objects();
    await store.putBlob({ name: this.objectName(directory, name) }, concat(chunks));
  }

  protected _writeFileAtomically(directory: string, name: string, chunks: readonly Uint8Array[]): Promise<void> {
    // An object store put is all or nothing: readers see the previous object or the whole new one.
    return this._writeFile(directory, name, chunks);
  }

  protected async _readFile(directory: string, name: string, maxBytes?: number): Promise<Uint8Array | undefined> {
    const store = await this.objects();
    const bytes = await store.getBlob(this.objectName(directory, name));
    if (bytes === null) return undefined;
    return maxBytes === undefined || maxBytes >= bytes.length ? bytes : bytes.subarray(0, maxBytes);
  }

  protected async _fileSize(directory: string, name: string): Promise<number | undefined> {
    const store = await this.objects();
    const info = await store.info(this.objectName(directory, name));
    return info === null || info.deleted ? undefined : info.size;
  }

  protected async _deleteFile(directory: string, name: string): Promise<void> {
    const store = await this.objects();
    const objectName = this.objectName(directory, name);
    const info = await store.info(objectName);
    if (info !== null && !info.deleted) await store.delete(objectName);
  }

  protected async _deleteDirectory(directory: string): Promise<void> {
    const store = await this.objects();
    const prefix = `${this.objectName(directory)}/`;
    for (const info of await store.list()) {
      if (!info.deleted && info.name.startsWith(prefix)) await store.delete(info.name);
    }
  }
}
