/**
 * `JobBundleStore`: job bundles in a JetStream object store, addressed by the SHA-256 of their bytes, so that every
 * TaskManager runs exactly the bundle that was submitted (a bundle cannot change under its name). `put` is
 * idempotent (a bundle stored already is not written again); `get` verifies the hash of what it read.
 */
import { createHash } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import { Objm, StorageType, type ObjectStore } from '@nats-io/obj';
import { ErrorCodes, WeirError } from '@weir/core';

/** Options of {@link JobBundleStore}. */
export interface JobBundleStoreOptions {
  /** The object store bucket (default `weir-bundles`). */
  readonly bucket?: string;
  /** Copies in a cluster (default 1). */
  readonly replicas?: number;
}

/** The content hash of a bundle: the hex SHA-256 of its bytes. */
export function bundleHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const HASH = /^[0-9a-f]{64}$/;

/** Job bundles by content hash; see the module documentation. */
export class JobBundleStore {
  private store: Promise<ObjectStore> | undefined;
  private readonly bucket: string;
  private readonly replicas: number;

  /** A store over `connection` (the caller closes it). */
  constructor(
    private readonly connection: NatsConnection,
    options: JobBundleStoreOptions = {},
  ) {
    this.bucket = options.bucket ?? 'weir-bundles';
    if (!/^[A-Za-z0-9_-]+$/.test(this.bucket)) throw new TypeError(`bucket must consist of letters, digits, "_" and "-"; got ${JSON.stringify(this.bucket)}`);
    this.replicas = options.replicas ?? 1;
  }

  private objects(): Promise<ObjectStore> {
    this.store ??= new Objm(this.connection).create(this.bucket, { storage: StorageType.File, replicas: this.replicas }).catch((error: unknown) => {
      this.store = undefined;
      throw error;
    });
    return this.store;
  }

  /** Stores `bytes` (once) and resolves to their hash. */
  async put(bytes: Uint8Array): Promise<string> {
    const hash = bundleHash(bytes);
    const store = await this.objects();
    const info = await store.info(hash);
    if (info === null || info.deleted) await store.putBlob({ name: hash, description: 'weir job bundle' }, bytes);
    return hash;
  }

  /** The bundle with `hash`; `JOB_BUNDLE_NOT_FOUND` or `JOB_BUNDLE_CORRUPT` otherwise. */
  async get(hash: string): Promise<Uint8Array> {
    if (typeof hash !== 'string' || !HASH.test(hash)) throw new TypeError(`A bundle hash is 64 hex digits; got ${JSON.stringify(hash)}`);
    const store = await this.objects();
    const bytes = await store.getBlob(hash);
    if (bytes === null) throw new WeirError(ErrorCodes.JOB_BUNDLE_NOT_FOUND, `No job bundle ${hash} in bucket ${this.bucket}`);
    const actual = bundleHash(bytes);
    if (actual !== hash) throw new WeirError(ErrorCodes.JOB_BUNDLE_CORRUPT, `Job bundle ${hash} in bucket ${this.bucket} has the hash ${actual}: it was changed`);
    return bytes;
  }
}
