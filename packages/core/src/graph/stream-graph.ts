/**
 * The stream graph: the physical operators of a job and the edges between them, with virtual transformations
 * (union, partition, side output) resolved into edge properties (Flink's `StreamGraphGenerator`).
 */
import { ErrorCodes, WeirError } from '../errors.js';
import type { Source } from '../connector/source.js';
import type { WatermarkStrategy } from '../eventtime/watermark-strategy.js';
import type { KeySelector } from '../functions/user-functions.js';
import { computeDefaultMaxParallelism } from '../keys/key-group.js';
import type { StreamOperatorFactory } from '../runtime/stream-operator.js';
import { partitionerName, type PartitionerSpec } from './partitioner.js';
import type { ChainingStrategy, Transformation } from './transformation.js';

/** A physical operator of the stream graph. */
export interface StreamNode {
  readonly id: number;
  readonly name: string;
  readonly uid: string | undefined;
  readonly parallelism: number;
  readonly maxParallelism: number;
  readonly kind: 'source' | 'operator';
  readonly source: Source<unknown, any, any> | undefined;
  readonly watermarkStrategy: WatermarkStrategy<unknown> | undefined;
  readonly operatorFactory: StreamOperatorFactory | undefined;
  readonly keySelectors: readonly (KeySelector<any> | undefined)[] | undefined;
  readonly inputCount: number;
  readonly isSink: boolean;
  readonly chainingStrategy: ChainingStrategy;
  /** How the node treats watermarks (see `OperatorTransformation.watermarks`; sources: from their strategy). */
  readonly watermarks: 'generates' | 'replaces-with-none' | 'passes';
  /** True for operators that need watermarks to ever fire. */
  readonly needsWatermarks: boolean;
  readonly inEdges: StreamEdge[];
  readonly outEdges: StreamEdge[];
}

/** An edge between two physical operators. */
export interface StreamEdge {
  readonly id: string;
  readonly sourceId: number;
  readonly targetId: number;
  readonly partitioner: PartitionerSpec;
  /** Which input of the target (0, or 1 for the second input of a two-input operator). */
  readonly inputIndex: number;
  /** The side output the edge carries, if any. */
  readonly sideOutputTag: string | undefined;
}

/** The physical graph of a job. */
export interface StreamGraph {
  readonly nodes: ReadonlyMap<number, StreamNode>;
  readonly edges: readonly StreamEdge[];
  readonly sources: readonly StreamNode[];
}

/** Settings the generator needs from the environment. */
export interface StreamGraphSettings {
  readonly defaultParallelism: number;
  readonly maxParallelism: number | undefined;
}

interface InputRef {
  readonly nodeId: number;
  readonly partitioner: PartitionerSpec | undefined;
  readonly tag: string | undefined;
}

/** Builds the stream graph from the transformations registered in an environment. */
export function generateStreamGraph(transformations: readonly Transformation[], settings: StreamGraphSettings): StreamGraph {
  const nodes = new Map<number, StreamNode>();
  const edges: StreamEdge[] = [];
  const all = collectReachable(transformations);

  for (const t of all) {
    if (t.kind !== 'source' && t.kind !== 'operator') continue;
    let parallelism = t.parallelism ?? settings.defaultParallelism;
    if (t.kind === 'source') {
      const max = t.source.maxParallelism ?? Number.POSITIVE_INFINITY;
      if (t.parallelism === undefined) parallelism = Math.min(parallelism, max);
      else if (t.parallelism > max) {
        throw new WeirError(
          ErrorCodes.INVALID_JOB_GRAPH,
          `Source "${t.name}" is not parallel (max parallelism ${max}) but parallelism ${t.parallelism} was set`,
        );
      }
    }
    const maxParallelism = t.maxParallelism ?? settings.maxParallelism ?? computeDefaultMaxParallelism(parallelism);
    if (parallelism > maxParallelism) {
      throw new WeirError(ErrorCodes.INVALID_JOB_GRAPH, `"${t.name}": parallelism ${parallelism} exceeds its max parallelism ${maxParallelism}`);
    }
    nodes.set(t.id, {
      id: t.id,
      name: t.name,
      uid: t.uid,
      parallelism,
      maxParallelism,
      kind: t.kind,
      source: t.kind === 'source' ? t.source : undefined,
      watermarkStrategy: t.kind === 'source' ? t.watermarkStrategy : undefined,
      operatorFactory: t.kind === 'operator' ? t.operatorFactory : undefined,
      keySelectors: t.kind === 'operator' ? t.keySelectors : undefined,
      inputCount: t.kind === 'operator' ? t.inputs.length : 0,
      isSink: t.kind === 'operator' && t.isSink,
      chainingStrategy: t.chainingStrategy,
      watermarks:
        t.kind === 'source'
          ? t.watermarkStrategy !== undefined && !t.watermarkStrategy.emitsNoWatermarks
            ? 'generates'
            : 'replaces-with-none'
          : (t.watermarks ?? 'passes'),
      needsWatermarks: t.kind === 'operator' && t.needsWatermarks === true,
      inEdges: [],
      outEdges: [],
    });
  }

  const resolved = new Map<number, InputRef[]>();
  const resolve = (t: Transformation): InputRef[] => {
    const cached = resolved.get(t.id);
    if (cached) return cached;
    let refs: InputRef[];
    switch (t.kind) {
      case 'source':
      case 'operator':
        refs = [{ nodeId: t.id, partitioner: undefined, tag: undefined }];
        break;
      case 'partition':
        refs = resolve(t.input).map((r) => ({ ...r, partitioner: t.partitioner }));
        break;
      case 'side-output':
        refs = resolve(t.input).map((r) => ({ ...r, tag: t.tag.id }));
        break;
      case 'union':
        refs = t.inputs.flatMap(resolve);
        break;
    }
    resolved.set(t.id, refs);
    return refs;
  };

  const uids = new Map<string, string>();
  for (const t of all) {
    if (t.uid !== undefined && (t.kind === 'source' || t.kind === 'operator')) {
      const other = uids.get(t.uid);
      if (other !== undefined) throw new WeirError(ErrorCodes.INVALID_JOB_GRAPH, `The uid "${t.uid}" is used by both "${other}" and "${t.name}"`);
      uids.set(t.uid, t.name);
    }
    if (t.kind !== 'operator') continue;
    const target = nodes.get(t.id)!;
    t.inputs.forEach((input, inputIndex) => {
      resolve(input).forEach((ref, n) => {
        const source = nodes.get(ref.nodeId)!;
        let partitioner = ref.partitioner;
        if (partitioner === undefined) {
          partitioner = source.parallelism === target.parallelism ? { type: 'forward' } : { type: 'rebalance' };
        } else if (partitioner.type === 'forward' && source.parallelism !== target.parallelism) {
          throw new WeirError(
            ErrorCodes.INVALID_JOB_GRAPH,
            `Forward partitioning does not allow a change of parallelism: "${source.name}" (${source.parallelism}) -> "${target.name}" (${target.parallelism}); use rebalance() or another partitioner`,
          );
        }
        const edge: StreamEdge = {
          id: `e${source.id}_${target.id}_${inputIndex}_${n}`,
          sourceId: source.id,
          targetId: target.id,
          partitioner,
          inputIndex,
          sideOutputTag: ref.tag,
        };
        edges.push(edge);
        source.outEdges.push(edge);
        target.inEdges.push(edge);
      });
    });
  }
  return { nodes, edges, sources: [...nodes.values()].filter((n) => n.kind === 'source') };
}

function collectReachable(roots: readonly Transformation[]): Transformation[] {
  const seen = new Map<number, Transformation>();
  const visit = (t: Transformation): void => {
    if (seen.has(t.id)) return;
    switch (t.kind) {
      case 'operator':
      case 'union':
        t.inputs.forEach(visit);
        break;
      case 'partition':
      case 'side-output':
        visit(t.input);
        break;
      case 'source':
        break;
    }
    seen.set(t.id, t);
  };
  roots.forEach(visit);
  return [...seen.values()].sort((a, b) => a.id - b.id);
}

/** Describes an edge's partitioning for plans: `HASH`, `FORWARD`, ... plus the side output if any. */
export function describeEdge(edge: StreamEdge): string {
  return edge.sideOutputTag === undefined ? partitionerName(edge.partitioner) : `${partitionerName(edge.partitioner)} [side output ${edge.sideOutputTag}]`;
}

/**
 * Operators that need watermarks (event-time windows) but can never get one before the end of input: every path
 * upstream ends in a source or an assigner without watermarks, and some source on those paths is unbounded (a
 * bounded source's final maximum watermark would still fire them at the end). Returns a warning per operator.
 */
export function windowsThatCannotFire(graph: StreamGraph): string[] {
  const warnings: string[] = [];
  for (const node of graph.nodes.values()) {
    if (!node.needsWatermarks) continue;
    const seen = new Set<number>();
    let receivesWatermarks = false;
    const unbounded: string[] = [];
    const visit = (id: number): void => {
      if (seen.has(id)) return;
      seen.add(id);
      const n = graph.nodes.get(id)!;
      if (n.kind === 'source' && n.source!.getBoundedness() !== 'BOUNDED') unbounded.push(n.name);
      if (n.watermarks === 'generates') {
        receivesWatermarks = true;
        return;
      }
      if (n.watermarks === 'replaces-with-none') {
        for (const e of n.inEdges) visitSourcesOnly(e.sourceId);
        return;
      }
      for (const e of n.inEdges) visit(e.sourceId);
    };
    const visitSourcesOnly = (id: number): void => {
      if (seen.has(id)) return;
      seen.add(id);
      const n = graph.nodes.get(id)!;
      if (n.kind === 'source' && n.source!.getBoundedness() !== 'BOUNDED') unbounded.push(n.name);
      for (const e of n.inEdges) visitSourcesOnly(e.sourceId);
    };
    for (const e of node.inEdges) visit(e.sourceId);
    if (!receivesWatermarks && unbounded.length > 0) {
      warnings.push(
        `weir: warning: the event-time windows of "${node.name}" can never fire: no watermarks reach them, and ${unbounded.map((n) => `"${n}"`).join(', ')} ${unbounded.length === 1 ? 'is' : 'are'} unbounded. ` +
          'Give the source a WatermarkStrategy (env.fromSource(source, WatermarkStrategy.forBoundedOutOfOrderness(ms), name)) or call assignTimestampsAndWatermarks(...) before keyBy/window.',
      );
    }
  }
  return warnings;
}
