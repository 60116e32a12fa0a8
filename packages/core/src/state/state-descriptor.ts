/**
 * The base of the state descriptors: a state's name, its type and its optional time-to-live. A descriptor is what a
 * function hands to `getState(...)` and friends; the backend returns the same state object for the same name.
 */
import type { StateTtlConfig } from './state-ttl-config.js';

/** The kinds of keyed state; the `type` of a descriptor and of a state in a snapshot. */
export type StateType = 'value' | 'list' | 'map' | 'reducing' | 'aggregating';

/** Every {@link StateType}. */
export const STATE_TYPES: readonly StateType[] = Object.freeze(['value', 'list', 'map', 'reducing', 'aggregating']);

/** True when `value` is one of the {@link StateType}s. */
export function isStateType(value: unknown): value is StateType {
  return value === 'value' || value === 'list' || value === 'map' || value === 'reducing' || value === 'aggregating';
}

/** Describes a keyed state: its unique name within the operator, its type and its time-to-live. */
export abstract class StateDescriptor {
  /** The kind of state this descriptor creates. */
  abstract readonly type: StateType;
  /** The state's name, unique within its operator. */
  readonly name: string;
  private ttl: StateTtlConfig | undefined;

  /** Creates a descriptor; `name` must be a non-empty string. */
  constructor(name: string) {
    if (typeof name !== 'string' || name.length === 0) {
      throw new TypeError(`A state descriptor needs a non-empty string name; got ${typeof name === 'string' ? '""' : typeof name}`);
    }
    this.name = name;
  }

  /** Gives the state a processing-time time-to-live (see {@link StateTtlConfig}); returns the descriptor. */
  enableTimeToLive(ttlConfig: StateTtlConfig): this {
    if (typeof ttlConfig !== 'object' || ttlConfig === null || typeof ttlConfig.ttl !== 'number') {
      throw new TypeError('enableTimeToLive expects a StateTtlConfig (StateTtlConfig.newBuilder(ttlMs).build())');
    }
    this.ttl = ttlConfig;
    return this;
  }

  /** The time-to-live configuration, or undefined when the state never expires. */
  getTtlConfig(): StateTtlConfig | undefined {
    return this.ttl;
  }

  /** Whether a time-to-live is set. */
  isTtlEnabled(): boolean {
    return this.ttl !== undefined;
  }

  /** Renders as `ValueStateDescriptor(name)`. */
  toString(): string {
    return `${this.constructor.name}(${this.name})`;
  }
}
