/** Node names and identifiers shared by the Mermaid and DOT renderers. */
import type { GraphNode, NodeKind } from './route-graph.ts';

const KIND_NAMES: Record<NodeKind, string> = { bucket: 's3', route: 'route', queue: 'sqs', sns: 'sns', ses: 'ses' };
const PREFIXES: Record<NodeKind, string> = { bucket: 'b', route: 'r', queue: 'q', sns: 't', ses: 'e' };

/** `s3 region-a-builds`, `s3 intel-* (account 222222222222)`, `route global-builds`. */
export function nodeLabel(node: GraphNode): string {
  return `${KIND_NAMES[node.kind]} ${node.name}${node.account !== undefined ? ` (account ${node.account})` : ''}`;
}

/** Short, stable identifiers in drawing order: b1, b2 … r1 … q1 … */
export function shortIds(nodes: readonly GraphNode[]): Map<string, string> {
  const counts = new Map<NodeKind, number>();
  const ids = new Map<string, string>();
  for (const node of nodes) {
    const n = (counts.get(node.kind) ?? 0) + 1;
    counts.set(node.kind, n);
    ids.set(node.id, `${PREFIXES[node.kind]}${n}`);
  }
  return ids;
}
