/**
 * Checkpointing settings of a job (Flink's `CheckpointConfig` and `CheckpointingMode`), set through
 * `env.enableCheckpointing(interval, mode)` and `env.getCheckpointConfig()`.
 */
import type { CheckpointStorage } from '../checkpoint/storage/checkpoint-storage.js';
import { describeValue } from '../state/state-key.js';

/** Whether multi-input tasks align barriers (exactly-once state) or not (at-least-once, lower latency). */
export enum CheckpointingMode {
  /** Barriers are aligned: every record affects state exactly once. */
  EXACTLY_ONCE = 'EXACTLY_ONCE',
  /** Barriers are not aligned: after a recovery some records may affect state twice. */
  AT_LEAST_ONCE = 'AT_LEAST_ONCE',
}

/** What happens to the job's checkpoints when it is cancelled (Flink's `ExternalizedCheckpointRetention`). */
export enum ExternalizedCheckpointRetention {
  /** Completed checkpoints are deleted when the job is cancelled (kept when it fails). The default. */
  DELETE_ON_CANCELLATION = 'DELETE_ON_CANCELLATION',
  /** Completed checkpoints are kept when the job is cancelled, to resume it with `--from-savepoint`. */
  RETAIN_ON_CANCELLATION = 'RETAIN_ON_CANCELLATION',
}

/** The default checkpoint timeout: 10 minutes, as Flink's. */
export const DEFAULT_CHECKPOINT_TIMEOUT_MS = 10 * 60 * 1000;

function checkNonNegativeInteger(value: number, what: string, min = 0): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new TypeError(`${what} must be an integer of at least ${min}; got ${describeValue(value)}`);
  }
  return value;
}

/** The checkpointing settings of one environment. Checkpointing is off until an interval is set. */
export class CheckpointConfig {
  private interval = -1;
  private mode = CheckpointingMode.EXACTLY_ONCE;
  private timeout = DEFAULT_CHECKPOINT_TIMEOUT_MS;
  private minPause = 0;
  private maxConcurrent = 1;
  private tolerableFailures = 0;
  private retained = 1;
  private retention = ExternalizedCheckpointRetention.DELETE_ON_CANCELLATION;
  private storage: string | CheckpointStorage | undefined;

  /** Whether periodic checkpoints are on. */
  isCheckpointingEnabled(): boolean {
    return this.interval > 0;
  }

  /** The interval between checkpoints in ms, or -1 when checkpointing is off. */
  getCheckpointInterval(): number {
    return this.interval;
  }

  /** Sets the interval between checkpoints (ms, at least 10); this turns checkpointing on. */
  setCheckpointInterval(intervalMs: number): this {
    this.interval = checkNonNegativeInteger(intervalMs, 'The checkpoint interval (ms)', 10);
    return this;
  }

  /** EXACTLY_ONCE (the default) or AT_LEAST_ONCE. */
  getCheckpointingMode(): CheckpointingMode {
    return this.mode;
  }

  /** Sets the checkpointing mode. */
  setCheckpointingMode(mode: CheckpointingMode): this {
    if (mode !== CheckpointingMode.EXACTLY_ONCE && mode !== CheckpointingMode.AT_LEAST_ONCE) {
      throw new TypeError(`The checkpointing mode must be CheckpointingMode.EXACTLY_ONCE or AT_LEAST_ONCE; got ${describeValue(mode)}`);
    }
    this.mode = mode;
    return this;
  }

  /** The time after which a checkpoint in progress is aborted (ms). */
  getCheckpointTimeout(): number {
    return this.timeout;
  }

  /** Sets the checkpoint timeout (ms, at least 1). */
  setCheckpointTimeout(timeoutMs: number): this {
    this.timeout = checkNonNegativeInteger(timeoutMs, 'The checkpoint timeout (ms)', 1);
    return this;
  }

  /** The minimum time between the end of one checkpoint and the start of the next (ms). */
  getMinPauseBetweenCheckpoints(): number {
    return this.minPause;
  }

  /** Sets the minimum pause between checkpoints (ms). */
  setMinPauseBetweenCheckpoints(pauseMs: number): this {
    this.minPause = checkNonNegativeInteger(pauseMs, 'The minimum pause between checkpoints (ms)');
    return this;
  }

  /** How many checkpoints may be in progress at once. */
  getMaxConcurrentCheckpoints(): number {
    return this.maxConcurrent;
  }

  /** Sets the maximum number of concurrent checkpoints (at least 1). */
  setMaxConcurrentCheckpoints(n: number): this {
    this.maxConcurrent = checkNonNegativeInteger(n, 'The maximum number of concurrent checkpoints', 1);
    return this;
  }

  /** How many consecutive checkpoint failures the job tolerates before it fails (and restarts). */
  getTolerableCheckpointFailureNumber(): number {
    return this.tolerableFailures;
  }

  /** Sets the number of tolerable consecutive checkpoint failures (0, the default, fails the job on the first). */
  setTolerableCheckpointFailureNumber(n: number): this {
    this.tolerableFailures = checkNonNegativeInteger(n, 'The tolerable checkpoint failure number');
    return this;
  }

  /** How many completed checkpoints are kept (the newest ones). */
  getNumRetainedCheckpoints(): number {
    return this.retained;
  }

  /** Sets how many completed checkpoints are kept (at least 1; Flink's `state.checkpoints.num-retained`). */
  setNumRetainedCheckpoints(n: number): this {
    this.retained = checkNonNegativeInteger(n, 'The number of retained checkpoints', 1);
    return this;
  }

  /** What happens to completed checkpoints when the job is cancelled. */
  getExternalizedCheckpointRetention(): ExternalizedCheckpointRetention {
    return this.retention;
  }

  /** Sets whether completed checkpoints survive a cancellation. */
  setExternalizedCheckpointRetention(retention: ExternalizedCheckpointRetention): this {
    if (!Object.values(ExternalizedCheckpointRetention).includes(retention)) {
      throw new TypeError(`The retention must be an ExternalizedCheckpointRetention; got ${describeValue(retention)}`);
    }
    this.retention = retention;
    return this;
  }

  /** The checkpoint storage: a URI or path, a storage object, or undefined for the default directory. */
  getCheckpointStorage(): string | CheckpointStorage | undefined {
    return this.storage;
  }

  /**
   * Sets where checkpoints go: a directory path or `file://` URI, `memory://` (kept in this process only), or a
   * `CheckpointStorage`. Default: the directory `.weir/checkpoints` under the working directory.
   */
  setCheckpointStorage(storage: string | CheckpointStorage): this {
    if (typeof storage !== 'string' && (typeof storage !== 'object' || storage === null)) {
      throw new TypeError(`setCheckpointStorage() expects a path, a URI or a CheckpointStorage; got ${describeValue(storage)}`);
    }
    this.storage = storage;
    return this;
  }
}
