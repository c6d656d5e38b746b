/** Two graphs drawn as one: the union, with the edges only one side has marked. */
import { edgeId, edgeOrder, nodeOrder, type GraphEdge, type RouteGraph } from './route-graph.ts';

export type EdgeMark = 'added' | 'removed';

export interface MarkedGraph extends RouteGraph {
  /** Edge id → how it changed from `before` to `after`; unchanged edges are absent. */
  marks: Map<string, EdgeMark>;
}

export function markChanges(before: RouteGraph, after: RouteGraph): MarkedGraph {
  const afterIds = new Set(after.edges.map(edgeId));
  const beforeIds = new Set(before.edges.map(edgeId));
  const marks = new Map<string, EdgeMark>();
  for (const id of afterIds) if (!beforeIds.has(id)) marks.set(id, 'added');
  for (const id of beforeIds) if (!afterIds.has(id)) marks.set(id, 'removed');
  const nodes = new Map([...before.nodes, ...after.nodes].map((n) => [n.id, n]));
  const edges = new Map<string, GraphEdge>([...before.edges, ...after.edges].map((e) => [edgeId(e), e]));
  return { nodes: [...nodes.values()].sort(nodeOrder), edges: [...edges.values()].sort(edgeOrder), marks };
}
