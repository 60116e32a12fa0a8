/** The descriptor of a map state: a map per key and namespace. */
import type { MapStateKey } from './state.js';
import { StateDescriptor } from './state-descriptor.js';

/**
 * Describes a `MapState<K, V>`. Map keys are strings, numbers, bigints, booleans or arrays (tuples) of those, compared
 * by value: `[1, 'a']` and another array `[1, 'a']` are the same map key.
 */
export class MapStateDescriptor<K extends MapStateKey, V> extends StateDescriptor {
  /** Always `'map'`. */
  readonly type = 'map' as const;
  /** Phantom field that carries the key and value types. */
  declare readonly __entryType?: [K, V];

  /** Creates the descriptor of a map state named `name`. */
  constructor(name: string) {
    super(name);
  }
}
