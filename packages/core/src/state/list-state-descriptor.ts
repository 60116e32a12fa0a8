/** The descriptor of a list state: a list of values per key and namespace. */
import { StateDescriptor } from './state-descriptor.js';

/** Describes a `ListState<T>`. */
export class ListStateDescriptor<T> extends StateDescriptor {
  /** Always `'list'`. */
  readonly type = 'list' as const;
  /** Phantom field that carries the element type. */
  declare readonly __elementType?: T;

  /** Creates the descriptor of a list state named `name`. */
  constructor(name: string) {
    super(name);
  }
}
