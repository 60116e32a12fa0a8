/** The descriptor of a value state: one value per key and namespace. */
import { StateDescriptor } from './state-descriptor.js';

/** Describes a `ValueState<T>`; `value()` returns `defaultValue` (or undefined) while no value is set. */
export class ValueStateDescriptor<T> extends StateDescriptor {
  /** Always `'value'`. */
  readonly type = 'value' as const;
  /** What `value()` returns while no value is set. Shared, not copied: do not mutate it. */
  readonly defaultValue: T | undefined;

  /** Creates the descriptor of a value state named `name`. */
  constructor(name: string, defaultValue?: T) {
    super(name);
    this.defaultValue = defaultValue;
  }
}
