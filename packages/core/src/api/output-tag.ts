/** A typed name for a side output, as Flink's `OutputTag`: `new OutputTag<string>('late')`. */
export class OutputTag<T> {
  /** Phantom field that carries the element type. */
  declare readonly __type?: T;

  /** Creates a tag; tags with the same id denote the same side output. */
  constructor(readonly id: string) {
    if (typeof id !== 'string' || id.length === 0) throw new TypeError('An OutputTag needs a non-empty string id');
  }

  /** The tag's id. */
  getId(): string {
    return this.id;
  }

  /** Renders as `OutputTag(id)`. */
  toString(): string {
    return `OutputTag(${this.id})`;
  }
}
