/**
 * The job graph: stream nodes chained into job vertices (Flink's operator chaining). Each vertex runs as one actor
 * per parallel subtask; chained operators call each other directly. A forward edge between operators of equal
 * parallelism is chained unless chaining is disabled or an operator asks not to be; every other edge is a
 * partitioned channel between actors.
 */
import { describeEdge, type StreamEdge, type StreamGraph, type StreamNode } from './stream-graph.js';

/** A physical edge between two job vertices. */
export interface JobEdge {
  /** The stream edge it carries (its id names the channels). */
  readonly streamEdge: StreamEdge;
  readonly sourceVertexId: string;
  readonly targetVertexId: string;
}

/** A chain of operators run by one actor per subtask. */
export interface JobVertex {
  readonly id: string;
  /** The chain's operators, head first, in a depth-first order of the chain tree. */
  readonly nodes: readonly StreamNode[];
  readonly head: StreamNode;
  readonly parallelism: number;
  readonly maxParallelism: number;
  /** Edges between operators of this chain. */
  readonly chainedEdges: readonly StreamEdge[];
  readonly inputs: JobEdge[];
  readonly outputs: JobEdge[];
}

/** The compiled job. */
export interface JobGraph {
  readonly vertices: readonly JobVertex[];
  readonly edges: readonly JobEdge[];
  readonly streamGraph: StreamGraph;
}

/** Whether `edge` can be chained (forward, same parallelism, single input, strategies allow it). */
export function isChainable(edge: StreamEdge, graph: StreamGraph, chainingEnabled: boolean): boolean {
  if (!chainingEnabled) return false;
  const upstream = graph.nodes.get(edge.sourceId)!;
  const downstream = graph.nodes.get(edge.targetId)!;
  return (
    edge.partitioner.type === 'forward' &&
    upstream.parallelism === downstream.parallelism &&
    downstream.kind === 'operator' &&
    downstream.inEdges.length === 1 &&
    downstream.inputCount === 1 &&
    downstream.chainingStrategy === 'ALWAYS' &&
    upstream.chainingStrategy !== 'NEVER'
  );
}

/** Compiles a stream graph into a job graph. */
export function createJobGraph(graph: StreamGraph, chainingEnabled: boolean): JobGraph {
  const vertexOfNode = new Map<number, string>();
  const vertices: JobVertex[] = [];
  const crossEdges: StreamEdge[] = [];

  const heads = [...graph.nodes.values()].filter(
    (n) => n.inEdges.length !== 1 || !isChainable(n.inEdges[0], graph, chainingEnabled),
  );
  for (const head of heads) {
    const nodes: StreamNode[] = [];
    const chainedEdges: StreamEdge[] = [];
    const id = `v${head.id}`;
    const visit = (node: StreamNode): void => {
      nodes.push(node);
      vertexOfNode.set(node.id, id);
      for (const edge of node.outEdges) {
        if (isChainable(edge, graph, chainingEnabled)) {
          chainedEdges.push(edge);
          visit(graph.nodes.get(edge.targetId)!);
        } else {
          crossEdges.push(edge);
        }
      }
    };
    visit(head);
    vertices.push({ id, nodes, head, parallelism: head.parallelism, maxParallelism: head.maxParallelism, chainedEdges, inputs: [], outputs: [] });
  }

  const byId = new Map(vertices.map((v) => [v.id, v]));
  const edges: JobEdge[] = crossEdges.map((streamEdge) => {
    const edge: JobEdge = {
      streamEdge,
      sourceVertexId: vertexOfNode.get(streamEdge.sourceId)!,
      targetVertexId: vertexOfNode.get(streamEdge.targetId)!,
    };
    byId.get(edge.sourceVertexId)!.outputs.push(edge);
    byId.get(edge.targetVertexId)!.inputs.push(edge);
    return edge;
  });
  return { vertices, edges, streamGraph: graph };
}

/** The name of a vertex as Flink shows it: the chained operators' names joined by ` -> `. */
export function vertexName(vertex: JobVertex): string {
  return vertex.nodes.map((n) => n.name).join(' -> ');
}

/** A plan of the job for `weir info`: vertices with their chains and parallelism, and the edges with partitioning. */
export function describeJobGraph(jobGraph: JobGraph): string {
  const lines: string[] = [];
  for (const v of jobGraph.vertices) {
    lines.push(`Vertex ${v.id}: ${vertexName(v)} (parallelism ${v.parallelism}, max parallelism ${v.maxParallelism})`);
    for (const n of v.nodes) {
      const uid = n.uid === undefined ? '' : ` uid=${n.uid}`;
      lines.push(`  operator ${n.id}: ${n.name}${uid}${n.kind === 'source' ? ` [${n.source!.getBoundedness()} source]` : ''}${n.isSink ? ' [sink]' : ''}`);
    }
    for (const e of v.chainedEdges) lines.push(`  chained ${e.sourceId} -> ${e.targetId}`);
  }
  for (const e of jobGraph.edges) {
    lines.push(`Edge ${e.sourceVertexId} -> ${e.targetVertexId}: ${describeEdge(e.streamEdge)}${e.streamEdge.inputIndex === 1 ? ' (second input)' : ''}`);
  }
  return lines.join('\n');
}
