/**
 * A route graph as a Mermaid flowchart (GitHub renders it in Markdown and pull-request
 * comments). Changed edges: added ones thick and green, removed ones dotted and red.
 */
import type { EdgeMark } from './graph-marks.ts';
import { edgeId, type GraphNode, type NodeKind, type RouteGraph } from './route-graph.ts';
import { nodeLabel, shortIds } from './labels.ts';

const SHAPES: Record<NodeKind, [string, string]> = {
  bucket: ['[(', ')]'],
  route: ['[[', ']]'],
  queue: ['[/', '/]'],
  sns: ['{{', '}}'],
  ses: ['>', ']'],
};

const ARROWS: Record<EdgeMark | 'same', string> = { same: '-->', added: '==>', removed: '-.->' };
const COLOURS: Record<EdgeMark, string> = { added: '#2da44e', removed: '#cf222e' };

export function mermaidGraph(graph: RouteGraph, marks: ReadonlyMap<string, EdgeMark> = new Map()): string {
  const ids = shortIds(graph.nodes);
  const lines = ['flowchart LR'];
  for (const node of graph.nodes) lines.push(`  ${ids.get(node.id)}${shape(node)}`);
  const styled: Array<[number, EdgeMark]> = [];
  graph.edges.forEach((edge, index) => {
    const mark = marks.get(edgeId(edge));
    const label = `${mark === 'added' ? '+ ' : mark === 'removed' ? '− ' : ''}${edge.label}`;
    lines.push(`  ${ids.get(edge.from)} ${ARROWS[mark ?? 'same']}|"${escape(label)}"| ${ids.get(edge.to)}`);
    if (mark) styled.push([index, mark]);
  });
  for (const [index, mark] of styled) lines.push(`  linkStyle ${index} stroke:${COLOURS[mark]},color:${COLOURS[mark]}`);
  return lines.join('\n');
}

function shape(node: GraphNode): string {
  const [open, close] = SHAPES[node.kind];
  return `${open}"${escape(nodeLabel(node))}"${close}`;
}

/** Mermaid ends a quoted label at `"`; entity codes keep the text. */
function escape(text: string): string {
  return text.replaceAll('"', '#quot;').replaceAll('<', '#lt;').replaceAll('>', '#gt;');
}
