/** Two graphs drawn as one: the union, with the edges only one side has marked. */
import { edgeId, type GraphEdge, type RouteGraph } from './route-graph.ts';

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
  const order = after.nodes.map((n) => n.id);
  return {
    nodes: [...nodes.values()].sort((a, b) => rank(order, a.id) - rank(order, b.id) || a.id.localeCompare(b.id)),
    edges: [...edges.values()].sort((a, b) => a.route.localeCompare(b.route) || a.from.localeCompare(b.from) || a.to.localeCompare(b.to) || a.label.localeCompare(b.label)),
    marks,
  };
}

function rank(order: string[], id: string): number {
  const at = order.indexOf(id);
  return at === -1 ? order.length : at;
}
