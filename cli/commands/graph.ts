/** `switchyard graph`: source buckets → routes → destinations, as Mermaid or DOT. */
import { dotGraph } from '../../engine/graph/dot.ts';
import { mermaidGraph } from '../../engine/graph/mermaid.ts';
import { routeGraph } from '../../engine/graph/route-graph.ts';
import { loadRoutes } from '../../engine/load/load-routes.ts';
import { routeSetFromDisk } from '../../engine/load/route-set.ts';
import { formatText } from '../format-diagnostics.ts';
import type { Output } from '../output.ts';

export interface GraphOptions {
  routes: string;
  format: 'mermaid' | 'dot';
}

export function graphCommand(options: GraphOptions, out: Output): number {
  const result = loadRoutes(routeSetFromDisk([options.routes]));
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    for (const d of errors) out.stderr(formatText(d));
    out.stderr(`switchyard: ${errors.length} problem(s) in the route files: fix them (switchyard validate ${options.routes}) to draw the graph.`);
    return 1;
  }
  const graph = routeGraph(result.routes);
  out.stdout(options.format === 'dot' ? dotGraph(graph) : mermaidGraph(graph));
  return 0;
}
