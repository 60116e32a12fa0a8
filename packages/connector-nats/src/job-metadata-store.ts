/**
 * `JobMetadataStore`: what a JobManager must not lose when it dies, in a JetStream key-value bucket: per job its
 * name, bundle, settings, status and the pointer to its latest completed checkpoint. A JobManager started again (or a
 * standby taking over) lists the jobs still running and resumes each from its checkpoint.
 *
 * Every change is a compare-and-set on the entry's revision, retried on a conflict, so two JobManagers that both
 * think they lead cannot overwrite each other's changes blindly; the checkpoint pointer only moves forward. Records
 * are msgpack and checked when read (`JOB_METADATA_INVALID` names the job and the problem).
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { Kvm, type KV } from '@nats-io/kv';
import { ErrorCodes, WeirError } from '@weir/core';
import { packValue, unpackValue } from '@weir/core/internal';

/** The status of a job as the cluster records it. */
export type RecordedJobStatus = 'RUNNING' | 'FINISHED' | 'FAILED' | 'CANCELED';

/** What the cluster keeps about a job. */
export interface JobRecord {
  readonly jobId: string;
  readonly jobName: string;
  /** The content hash of the job bundle (JobBundleStore). */
  readonly bundle: string;
  readonly parallelism: number;
  readonly status: RecordedJobStatus;
  /** When it was submitted (ms since the epoch). */
  readonly submittedAt: number;
  /** The latest completed checkpoint, once there is one. */
  readonly latestCheckpoint?: { readonly checkpointId: number; readonly pointer: string };
}

/** Options of {@link JobMetadataStore}. */
export interface JobMetadataStoreOptions {
  /** The key-value bucket (default `weir-jobs`). */
  readonly bucket?: string;
  /** Copies in a cluster (default 1). */
  readonly replicas?: number;
}

const JOB_ID = /^[A-Za-z0-9_-]{1,128}$/;
const STATUSES: readonly RecordedJobStatus[] = ['RUNNING', 'FINISHED', 'FAILED', 'CANCELED'];

function invalid(jobId: string, problem: string): WeirError {
  return new WeirError(ErrorCodes.JOB_METADATA_INVALID, `The metadata of job ${jobId} ${problem}`);
}

/** Checks a decoded record; returns it, or throws `JOB_METADATA_INVALID`. */
function checkRecord(jobId: string, value: unknown): JobRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(jobId, 'is not an object');
  const r = value as Record<string, unknown>;
  if (r.jobId !== jobId) throw invalid(jobId, `names another job (${JSON.stringify(r.jobId)})`);
  if (typeof r.jobName !== 'string') throw invalid(jobId, 'has no job name');
  if (typeof r.bundle !== 'string' || !/^[0-9a-f]{64}$/.test(r.bundle)) throw invalid(jobId, 'has no bundle hash');
  if (typeof r.parallelism !== 'number' || !Number.isSafeInteger(r.parallelism) || r.parallelism < 1) throw invalid(jobId, 'has no valid parallelism');
  if (!STATUSES.includes(r.status as RecordedJobStatus)) throw invalid(jobId, `has an unknown status ${JSON.stringify(r.status)}`);
  if (typeof r.submittedAt !== 'number') throw invalid(jobId, 'has no submission time');
  const c = r.latestCheckpoint as Record<string, unknown> | undefined;
  if (c !== undefined && (typeof c !== 'object' || c === null || !Number.isSafeInteger(c.checkpointId) || typeof c.pointer !== 'string')) {
    throw invalid(jobId, 'has a malformed latest checkpoint');
  }
  return value as JobRecord;
}

/** Job metadata in JetStream KV; see the module documentation. */
export class JobMetadataStore {
  private kv: Promise<KV> | undefined;
  private readonly bucket: string;
  private readonly replicas: number;

  /** A store over `connection` (the caller closes it). */
  constructor(
    private readonly connection: NatsConnection,
    options: JobMetadataStoreOptions = {},
  ) {
    this.bucket = options.bucket ?? 'weir-jobs';
    if (!/^[A-Za-z0-9_-]+$/.test(this.bucket)) throw new TypeError(`bucket must consist of letters, digits, "_" and "-"; got ${JSON.stringify(this.bucket)}`);
    this.replicas = options.replicas ?? 1;
  }

  private bucketKv(): Promise<KV> {
    this.kv ??= new Kvm(this.connection).create(this.bucket, { replicas: this.replicas, history: 1 }).catch((error: unknown) => {
      this.kv = undefined;
      throw error;
    });
    return this.kv;
  }

  /** Records a new job; `JOB_METADATA_INVALID` when a record for its id exists already. */
  async create(record: JobRecord): Promise<void> {
    const checked = checkRecord(checkJobId(record.jobId), record);
    const kv = await this.bucketKv();
    try {
      await kv.create(checked.jobId, packValue(checked));
    } catch (error) {
      if ((await this.get(checked.jobId)) !== undefined) throw invalid(checked.jobId, 'exists already');
      throw error;
    }
  }

  /** The record of `jobId`, or undefined. */
  async get(jobId: string): Promise<JobRecord | undefined> {
    return (await this.getWithRevision(checkJobId(jobId)))?.record;
  }

  private async getWithRevision(jobId: string): Promise<{ record: JobRecord; revision: number } | undefined> {
    const kv = await this.bucketKv();
    const entry = await kv.get(jobId);
    if (entry === null || entry.operation !== 'PUT') return undefined;
    let value: unknown;
    try {
      value = unpackValue(entry.value);
    } catch {
      throw invalid(jobId, 'is not msgpack');
    }
    return { record: checkRecord(jobId, value), revision: entry.revision };
  }

  /**
   * Changes the record of `jobId` with `change` (compare-and-set, retried on a conflict with another writer);
   * resolves to the new record, or undefined when there is none.
   */
  async update(jobId: string, change: (record: JobRecord) => JobRecord): Promise<JobRecord | undefined> {
    checkJobId(jobId);
    const kv = await this.bucketKv();
    for (let attempt = 0; ; attempt++) {
      const current = await this.getWithRevision(jobId);
      if (current === undefined) return undefined;
      const next = checkRecord(jobId, change(current.record));
      try {
        await kv.update(jobId, packValue(next), current.revision);
        return next;
      } catch (error) {
        // Another writer changed it since it was read: read again and redo the change.
        if (attempt >= 20) throw error;
      }
    }
  }

  /** Records a completed checkpoint of `jobId`; an older one than recorded changes nothing. */
  async recordCheckpoint(jobId: string, checkpointId: number, pointer: string): Promise<void> {
    await this.update(jobId, (r) => (r.latestCheckpoint !== undefined && r.latestCheckpoint.checkpointId >= checkpointId ? r : { ...r, latestCheckpoint: { checkpointId, pointer } }));
  }

  /** Every recorded job, by id. */
  async list(): Promise<JobRecord[]> {
    const kv = await this.bucketKv();
    const ids: string[] = [];
    for await (const key of await kv.keys()) ids.push(key);
    const records = await Promise.all(ids.sort().map((id) => this.get(id)));
    return records.filter((r): r is JobRecord => r !== undefined);
  }

  /** Forgets `jobId`. */
  async remove(jobId: string): Promise<void> {
    const kv = await this.bucketKv();
    await kv.delete(checkJobId(jobId));
  }
}

function checkJobId(jobId: string): string {
  if (typeof jobId !== 'string' || !JOB_ID.test(jobId)) throw new TypeError(`A job id must consist of letters, digits, "_" and "-"; got ${JSON.stringify(jobId)}`);
  return jobId;
}
