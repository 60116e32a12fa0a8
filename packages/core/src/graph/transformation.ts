/**
 * Transformations: the logical graph the DataStream API builds, one node per API call. Virtual transformations
 * (union, partition, side output) only shape the edges of the physical graph.
 */
import type { OutputTag } from '../api/output-tag.js';
import type { Source } from '../connector/source.js';
import type { WatermarkStrategy } from '../eventtime/watermark-strategy.js';
import type { KeySelector } from '../functions/user-functions.js';
import type { StreamOperatorFactory } from '../runtime/stream-operator.js';
import type { PartitionerSpec } from './partitioner.js';

/** Whether an operator may be chained to its predecessor and successors (Flink's `ChainingStrategy`). */
export type ChainingStrategy = 'ALWAYS' | 'HEAD' | 'NEVER';

interface TransformationBase {
  /** Unique id within the environment, in creation order. */
  readonly id: number;
  /** The node's name (shown in plans, logs and errors). */
  name: string;
  /** The node's stable user id, used to match state in savepoints. */
  uid: string | undefined;
  /** The parallelism set on the node; undefined takes the environment's default. */
  parallelism: number | undefined;
  /** The max parallelism set on the node; undefined takes the environment's or the default. */
  maxParallelism: number | undefined;
}

/** A source. */
export interface SourceTransformation extends TransformationBase {
  readonly kind: 'source';
  readonly source: Source<unknown, any, any>;
  /** How the source's records get timestamps and watermarks; undefined: source timestamps, no watermarks. */
  readonly watermarkStrategy: WatermarkStrategy<unknown> | undefined;
  chainingStrategy: ChainingStrategy;
}

/** An operator with one or two inputs (a sink is an operator without outputs). */
export interface OperatorTransformation extends TransformationBase {
  readonly kind: 'operator';
  readonly inputs: readonly Transformation[];
  readonly operatorFactory: StreamOperatorFactory;
  /** The key selector of each input when the operator is keyed. */
  readonly keySelectors: readonly (KeySelector<any> | undefined)[] | undefined;
  readonly isSink: boolean;
  chainingStrategy: ChainingStrategy;
  /** How the operator treats watermarks: it generates its own (replacing upstream ones), or passes them on. */
  readonly watermarks?: 'generates' | 'replaces-with-none' | 'passes';
  /** True for operators that need watermarks to ever fire (event-time windows). */
  readonly needsWatermarks?: boolean;
}

/** The union of several streams. */
export interface UnionTransformation extends TransformationBase {
  readonly kind: 'union';
  readonly inputs: readonly Transformation[];
}

/** A repartitioning (keyBy, rebalance, broadcast, ...). */
export interface PartitionTransformation extends TransformationBase {
  readonly kind: 'partition';
  readonly input: Transformation;
  readonly partitioner: PartitionerSpec;
}

/** The side output `tag` of its input. */
export interface SideOutputTransformation extends TransformationBase {
  readonly kind: 'side-output';
  readonly input: Transformation;
  readonly tag: OutputTag<unknown>;
}

/** A node of the logical graph. */
export type Transformation = SourceTransformation | OperatorTransformation | UnionTransformation | PartitionTransformation | SideOutputTransformation;

/** What an operator transformation may set beyond its inputs, name and factory. */
export interface OperatorOptions {
  readonly keySelectors?: readonly (KeySelector<any> | undefined)[];
  readonly isSink?: boolean;
  readonly watermarks?: OperatorTransformation['watermarks'];
  readonly needsWatermarks?: boolean;
}

/** A new operator transformation with defaults: no uid, the environment's parallelism, chainable. */
export function operatorTransformation(
  id: number,
  inputs: readonly Transformation[],
  name: string,
  operatorFactory: StreamOperatorFactory,
  options: OperatorOptions = {},
): OperatorTransformation {
  return {
    kind: 'operator',
    id,
    name,
    uid: undefined,
    parallelism: undefined,
    maxParallelism: undefined,
    inputs,
    operatorFactory,
    keySelectors: options.keySelectors,
    isSink: options.isSink ?? false,
    chainingStrategy: 'ALWAYS',
    watermarks: options.watermarks,
    needsWatermarks: options.needsWatermarks,
  };
}
