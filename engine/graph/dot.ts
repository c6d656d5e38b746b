/** A route graph in Graphviz DOT (`dot -Tsvg`). Changed edges: added bold green, removed dashed red. */
import type { EdgeMark } from './graph-marks.ts';
import { edgeId, type NodeKind, type RouteGraph } from './route-graph.ts';
import { nodeLabel, shortIds } from './labels.ts';

const SHAPES: Record<NodeKind, string> = { bucket: 'cylinder', route: 'box', queue: 'parallelogram', sns: 'hexagon', ses: 'cds' };
const EDGE_STYLES: Record<EdgeMark, string> = { added: ', color="#2da44e", penwidth=2', removed: ', color="#cf222e", style=dashed' };

export function dotGraph(graph: RouteGraph, marks: ReadonlyMap<string, EdgeMark> = new Map()): string {
  const ids = shortIds(graph.nodes);
  const lines = ['digraph switchyard {', '  rankdir=LR;', '  node [fontname="Helvetica"];', '  edge [fontname="Helvetica", fontsize=10];'];
  for (const node of graph.nodes) {
    lines.push(`  ${ids.get(node.id)} [label=${quote(nodeLabel(node))}, shape=${SHAPES[node.kind]}${node.kind === 'route' ? ', style=rounded' : ''}];`);
  }
  for (const edge of graph.edges) {
    const mark = marks.get(edgeId(edge));
    const label = `${mark === 'added' ? '+ ' : mark === 'removed' ? '− ' : ''}${edge.label}`;
    lines.push(`  ${ids.get(edge.from)} -> ${ids.get(edge.to)} [label=${quote(label)}${mark ? EDGE_STYLES[mark] : ''}];`);
  }
  lines.push('}');
  return lines.join('\n');
}

function quote(text: string): string {
  return `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}
