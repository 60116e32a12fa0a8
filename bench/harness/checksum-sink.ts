/**
 * The sink every contender writes to: it counts the outputs and folds them into a checksum, so that no contender can
 * skip work (an unused result could be optimised away) and all contenders can be checked against the same expected
 * values. Every 65 536 outputs it samples memory (see {@link MemoryProbe}), and it notes when the last expected
 * output arrived, so that the time a contender spends after its last output (completion, teardown) can be told apart.
 */
import { MemoryProbe } from './memory-probe.js';

/** 65 536 - 1: sample memory when the output count is a multiple of 65 536. */
const SAMPLE_MASK = 0xffff;

/** What a run produced: the number of outputs and two sums over them. */
export interface Checksum {
  /** Records that reached the sink. */
  readonly outputs: number;
  /** Stateless: the sum of the values. Keyed: the sum of the running counts. */
  readonly sum: number;
  /** Keyed: the sum of `weight(key) * running count`, which ties each count to its key. 0 for stateless runs. */
  readonly weighted: number;
}

/** Counts and sums what a contender emits. */
export class ChecksumSink {
  private outputs = 0;
  private sum = 0;
  private weighted = 0;
  /** `performance.now()` when output number `expectedOutputs` arrived; NaN until then. */
  lastOutputAt = Number.NaN;

  /**
   * Creates a sink that expects `expectedOutputs` outputs; its probe takes the memory baseline now (after a gc).
   */
  constructor(
    private readonly expectedOutputs: number,
    readonly memory: MemoryProbe = new MemoryProbe(),
  ) {}

  /** Takes one value of a stateless pipeline. */
  value(v: number): void {
    this.sum += v;
    const o = ++this.outputs;
    if ((o & SAMPLE_MASK) === 0 || o === this.expectedOutputs) this.tick(o);
  }

  /** Takes one running count of a keyed pipeline; `weight` is a cheap number derived from its key. */
  keyed(weight: number, count: number): void {
    this.sum += count;
    this.weighted += weight * count;
    const o = ++this.outputs;
    if ((o & SAMPLE_MASK) === 0 || o === this.expectedOutputs) this.tick(o);
  }

  /** The rare path: a memory sample, and the time of the last expected output. */
  private tick(outputs: number): void {
    if (outputs === this.expectedOutputs) this.lastOutputAt = performance.now();
    this.memory.sample();
  }

  /** The checksum so far. */
  checksum(): Checksum {
    return { outputs: this.outputs, sum: this.sum, weighted: this.weighted };
  }
}

/** True when two checksums are equal. */
export function sameChecksum(a: Checksum, b: Checksum): boolean {
  return a.outputs === b.outputs && a.sum === b.sum && a.weighted === b.weighted;
}

/** A checksum as text. */
export function formatChecksum(c: Checksum): string {
  return `outputs=${c.outputs} sum=${c.sum} weighted=${c.weighted}`;
}
