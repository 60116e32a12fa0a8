/**
 * Restart strategies, as Flink's `RestartStrategies`: what the JobManager does when a task fails. Without
 * checkpoints a restart re-runs the job from its sources; with checkpoints it resumes from the last completed one.
 */

/** A restart strategy's configuration (plain data, so it can be shipped to a JobManager). */
export type RestartStrategyConfiguration =
  | { readonly type: 'none' }
  | { readonly type: 'fixed-delay'; readonly attempts: number; readonly delayMs: number }
  | {
      readonly type: 'exponential-delay';
      readonly initialBackoffMs: number;
      readonly maxBackoffMs: number;
      readonly backoffMultiplier: number;
      readonly resetBackoffThresholdMs: number;
      readonly jitterFactor: number;
      readonly attempts: number;
    }
  | { readonly type: 'failure-rate'; readonly maxFailuresPerInterval: number; readonly failureIntervalMs: number; readonly delayMs: number };

/** Options of {@link RestartStrategies.exponentialDelayRestart}; every field has Flink's default. */
export interface ExponentialDelayOptions {
  /** First delay; default 1000 ms. */
  initialBackoffMs?: number;
  /** Largest delay; default 60 000 ms. */
  maxBackoffMs?: number;
  /** Factor between delays; default 2. */
  backoffMultiplier?: number;
  /** After this long without failure the delay resets to the initial one; default 3 600 000 ms. */
  resetBackoffThresholdMs?: number;
  /** Random +/- fraction applied to each delay; default 0.1. */
  jitterFactor?: number;
  /** Most restarts; default unlimited. */
  attempts?: number;
}

function checkNonNegative(name: string, value: number): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) throw new TypeError(`${name} must be a number >= 0, got ${value}`);
  return value;
}

/** Factories of restart strategy configurations. */
export const RestartStrategies = {
  /** Never restart: the first failure fails the job. */
  noRestart(): RestartStrategyConfiguration {
    return { type: 'none' };
  },
  /** Restart up to `attempts` times, waiting `delayMs` before each restart. */
  fixedDelayRestart(attempts: number, delayMs: number): RestartStrategyConfiguration {
    return { type: 'fixed-delay', attempts: checkNonNegative('attempts', attempts), delayMs: checkNonNegative('delayMs', delayMs) };
  },
  /** Restart with a delay that grows by `backoffMultiplier` up to `maxBackoffMs`, reset after a quiet period. */
  exponentialDelayRestart(options: ExponentialDelayOptions = {}): RestartStrategyConfiguration {
    const config = {
      type: 'exponential-delay' as const,
      initialBackoffMs: checkNonNegative('initialBackoffMs', options.initialBackoffMs ?? 1000),
      maxBackoffMs: checkNonNegative('maxBackoffMs', options.maxBackoffMs ?? 60_000),
      backoffMultiplier: checkNonNegative('backoffMultiplier', options.backoffMultiplier ?? 2),
      resetBackoffThresholdMs: checkNonNegative('resetBackoffThresholdMs', options.resetBackoffThresholdMs ?? 3_600_000),
      jitterFactor: checkNonNegative('jitterFactor', options.jitterFactor ?? 0.1),
      attempts: checkNonNegative('attempts', options.attempts ?? Number.POSITIVE_INFINITY),
    };
    if (config.backoffMultiplier < 1) throw new TypeError('backoffMultiplier must be >= 1');
    if (config.jitterFactor > 1) throw new TypeError('jitterFactor must be between 0 and 1');
    return config;
  },
  /** Restart while fewer than `maxFailuresPerInterval` failures happened within `failureIntervalMs`. */
  failureRateRestart(maxFailuresPerInterval: number, failureIntervalMs: number, delayMs: number): RestartStrategyConfiguration {
    return {
      type: 'failure-rate',
      maxFailuresPerInterval: checkNonNegative('maxFailuresPerInterval', maxFailuresPerInterval),
      failureIntervalMs: checkNonNegative('failureIntervalMs', failureIntervalMs),
      delayMs: checkNonNegative('delayMs', delayMs),
    };
  },
} as const;

/** Decides, failure by failure, whether to restart and after what delay. */
export interface RestartBackoff {
  /** Records a failure at `now` and returns the delay before the restart, or undefined to give up. */
  onFailure(now: number): number | undefined;
}

/** Creates the stateful decision maker for a configuration. `random` is injectable for tests. */
export function createRestartBackoff(config: RestartStrategyConfiguration, random: () => number = Math.random): RestartBackoff {
  switch (config.type) {
    case 'none':
      return { onFailure: () => undefined };
    case 'fixed-delay': {
      let restarts = 0;
      return {
        onFailure: () => (restarts++ < config.attempts ? config.delayMs : undefined),
      };
    }
    case 'failure-rate': {
      const failures: number[] = [];
      return {
        onFailure(now) {
          failures.push(now);
          while (failures.length > 0 && failures[0] <= now - config.failureIntervalMs) failures.shift();
          return failures.length > config.maxFailuresPerInterval ? undefined : config.delayMs;
        },
      };
    }
    case 'exponential-delay': {
      let restarts = 0;
      let current = 0;
      let lastFailure: number | undefined;
      return {
        onFailure(now) {
          if (lastFailure !== undefined && now - lastFailure >= config.resetBackoffThresholdMs) current = 0;
          lastFailure = now;
          if (restarts++ >= config.attempts) return undefined;
          current = current === 0 ? config.initialBackoffMs : Math.min(current * config.backoffMultiplier, config.maxBackoffMs);
          const jitter = current * config.jitterFactor * (random() * 2 - 1);
          return Math.max(0, Math.round(current + jitter));
        },
      };
    }
  }
}

/** Describes a strategy in one line for logs and `weir info`. */
export function describeRestartStrategy(config: RestartStrategyConfiguration): string {
  switch (config.type) {
    case 'none':
      return 'no restart';
    case 'fixed-delay':
      return `fixed delay (${config.attempts} attempts, ${config.delayMs} ms)`;
    case 'exponential-delay':
      return `exponential delay (${config.initialBackoffMs} ms .. ${config.maxBackoffMs} ms, x${config.backoffMultiplier})`;
    case 'failure-rate':
      return `failure rate (${config.maxFailuresPerInterval} per ${config.failureIntervalMs} ms, delay ${config.delayMs} ms)`;
  }
}
