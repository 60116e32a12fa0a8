/**
 * Time-to-live of keyed state (Flink's `StateTtlConfig`), in processing time: a value that was not written (or, with
 * {@link UpdateType.OnReadAndWrite}, read) for `ttl` milliseconds has expired. Expired values are removed lazily when
 * they are accessed. For list and map state every element or entry has its own timestamp, as in Flink.
 *
 * @example
 * ```ts
 * const descriptor = new ValueStateDescriptor<number>('last-seen');
 * descriptor.enableTimeToLive(
 *   StateTtlConfig.newBuilder(Time.hours(1))
 *     .setUpdateType(UpdateType.OnReadAndWrite)
 *     .setStateVisibility(StateVisibility.NeverReturnExpired)
 *     .build(),
 * );
 * ```
 */

/** When the last-access timestamp of a value is refreshed (Flink's `StateTtlConfig.UpdateType`). */
export const UpdateType = {
  /** On creation and on every write (the default). */
  OnCreateAndWrite: 'OnCreateAndWrite',
  /** On creation, on every write and on every read of an unexpired value. */
  OnReadAndWrite: 'OnReadAndWrite',
} as const;

/** One of the values of {@link UpdateType}. */
export type UpdateType = (typeof UpdateType)[keyof typeof UpdateType];

/** Whether an expired value that is still stored may be returned (Flink's `StateTtlConfig.StateVisibility`). */
export const StateVisibility = {
  /** Expired values are never returned (the default). */
  NeverReturnExpired: 'NeverReturnExpired',
  /**
   * An expired value is returned by the read that finds it, which also removes it; later reads see nothing. (Values
   * removed before they are read are not returned.)
   */
  ReturnExpiredIfNotCleanedUp: 'ReturnExpiredIfNotCleanedUp',
} as const;

/** One of the values of {@link StateVisibility}. */
export type StateVisibility = (typeof StateVisibility)[keyof typeof StateVisibility];

/** The time-to-live configuration of a state; build one with {@link StateTtlConfig.newBuilder}. Immutable. */
export class StateTtlConfig {
  /** The time to live in milliseconds of processing time. */
  readonly ttl: number;
  /** When timestamps are refreshed. */
  readonly updateType: UpdateType;
  /** Whether expired values may be returned. */
  readonly stateVisibility: StateVisibility;

  /** Creates a configuration; the omitted settings take Flink's defaults. Prefer {@link StateTtlConfig.newBuilder}. */
  constructor(options: { readonly ttl: number; readonly updateType?: UpdateType; readonly stateVisibility?: StateVisibility }) {
    this.ttl = checkTtl(options.ttl);
    this.updateType = checkUpdateType(options.updateType ?? UpdateType.OnCreateAndWrite);
    this.stateVisibility = checkStateVisibility(options.stateVisibility ?? StateVisibility.NeverReturnExpired);
    Object.freeze(this);
  }

  /** A builder with time to live `ttlMs` and Flink's defaults: `OnCreateAndWrite`, `NeverReturnExpired`. */
  static newBuilder(ttlMs: number): StateTtlConfigBuilder {
    return new StateTtlConfigBuilder(ttlMs);
  }
}

/** Builds a {@link StateTtlConfig}; every setter validates its argument and returns the builder. */
export class StateTtlConfigBuilder {
  private ttl: number;
  private updateType: UpdateType = UpdateType.OnCreateAndWrite;
  private stateVisibility: StateVisibility = StateVisibility.NeverReturnExpired;

  /** Starts a builder with time to live `ttlMs`. */
  constructor(ttlMs: number) {
    this.ttl = checkTtl(ttlMs);
  }

  /** Sets the time to live in milliseconds (a positive number). */
  setTtl(ttlMs: number): this {
    this.ttl = checkTtl(ttlMs);
    return this;
  }

  /** Sets when timestamps are refreshed. */
  setUpdateType(updateType: UpdateType): this {
    this.updateType = checkUpdateType(updateType);
    return this;
  }

  /** Sets whether expired values may be returned. */
  setStateVisibility(stateVisibility: StateVisibility): this {
    this.stateVisibility = checkStateVisibility(stateVisibility);
    return this;
  }

  /** The configuration. */
  build(): StateTtlConfig {
    return new StateTtlConfig({ ttl: this.ttl, updateType: this.updateType, stateVisibility: this.stateVisibility });
  }
}

function checkTtl(ttlMs: number): number {
  if (typeof ttlMs !== 'number' || !(ttlMs > 0) || !Number.isFinite(ttlMs)) {
    throw new TypeError(`A state time-to-live must be a positive, finite number of milliseconds; got ${String(ttlMs)}`);
  }
  return ttlMs;
}

function checkUpdateType(updateType: UpdateType): UpdateType {
  if (updateType !== UpdateType.OnCreateAndWrite && updateType !== UpdateType.OnReadAndWrite) {
    throw new TypeError(`Unknown TTL update type ${String(updateType)}; use UpdateType.OnCreateAndWrite or UpdateType.OnReadAndWrite`);
  }
  return updateType;
}

function checkStateVisibility(stateVisibility: StateVisibility): StateVisibility {
  if (stateVisibility !== StateVisibility.NeverReturnExpired && stateVisibility !== StateVisibility.ReturnExpiredIfNotCleanedUp) {
    throw new TypeError(
      `Unknown TTL state visibility ${String(stateVisibility)}; use StateVisibility.NeverReturnExpired or StateVisibility.ReturnExpiredIfNotCleanedUp`,
    );
  }
  return stateVisibility;
}
