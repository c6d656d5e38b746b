/**
 * What changes without looking at any object: routes, triggers and destinations (the edges of
 * the route graph) and the function role's permissions. Permissions come from the generator's
 * `routeStatements(route)`, the same statements `generate` writes into the template.
 */
import { routeStatements } from '../../generators/cloudformation/iam.ts';
import { nodeLabel } from '../graph/labels.ts';
import { edgeId, type RouteGraph } from '../graph/route-graph.ts';
import type { CompiledRoute } from '../load/compiled-route.ts';

export type StaticArea = 'route' | 'trigger' | 'destination' | 'permission';

export interface StaticChange {
  route: string;
  area: StaticArea;
  change: 'added' | 'removed';
  detail: string;
}

const AREA_ORDER: StaticArea[] = ['route', 'trigger', 'destination', 'permission'];

export function staticChanges(before: readonly CompiledRoute[], after: readonly CompiledRoute[], graphs: { before: RouteGraph; after: RouteGraph }): StaticChange[] {
  const changes: StaticChange[] = [];
  const beforeNames = new Set(before.map((r) => r.name));
  const afterNames = new Set(after.map((r) => r.name));
  for (const name of afterNames) if (!beforeNames.has(name)) changes.push({ route: name, area: 'route', change: 'added', detail: 'new route' });
  for (const name of beforeNames) if (!afterNames.has(name)) changes.push({ route: name, area: 'route', change: 'removed', detail: 'route removed' });
  changes.push(...setDiff(edgeFacts(graphs.before), edgeFacts(graphs.after)));
  changes.push(...setDiff(permissionFacts(before), permissionFacts(after)));
  return changes.sort((a, b) => a.route.localeCompare(b.route) || AREA_ORDER.indexOf(a.area) - AREA_ORDER.indexOf(b.area) || a.change.localeCompare(b.change) || a.detail.localeCompare(b.detail));
}

interface Fact {
  route: string;
  area: StaticArea;
  detail: string;
}

function edgeFacts(graph: RouteGraph): Map<string, Fact> {
  const names = new Map(graph.nodes.map((n) => [n.id, nodeLabel(n)]));
  const facts = new Map<string, Fact>();
  for (const edge of graph.edges) {
    const trigger = edge.to === `route:${edge.route}`;
    const detail = trigger ? `${names.get(edge.from)} → ${edge.label}` : `${edge.label} → ${names.get(edge.to)}`;
    facts.set(`${edge.route} ${edgeId(edge)}`, { route: edge.route, area: trigger ? 'trigger' : 'destination', detail });
  }
  return facts;
}

/** One fact per route, statement and resource: `s3:PutObject, s3:PutObjectTagging on arn:…:::bucket/*`. */
function permissionFacts(routes: readonly CompiledRoute[]): Map<string, Fact> {
  const facts = new Map<string, Fact>();
  for (const route of routes) {
    let statements;
    try {
      statements = routeStatements(route);
    } catch (error) {
      const detail = `cannot be computed: ${(error as Error).message}`;
      facts.set(`${route.name} ${detail}`, { route: route.name, area: 'permission', detail });
      continue;
    }
    for (const statement of statements) {
      const condition = statement.Condition ? ` when ${JSON.stringify(statement.Condition)}` : '';
      for (const resource of statement.Resource) {
        const detail = `${statement.Action.join(', ')} on ${resource}${condition}`;
        facts.set(`${route.name} ${detail}`, { route: route.name, area: 'permission', detail });
      }
    }
  }
  return facts;
}

function setDiff(before: Map<string, Fact>, after: Map<string, Fact>): StaticChange[] {
  const changes: StaticChange[] = [];
  for (const [id, fact] of after) if (!before.has(id)) changes.push({ ...fact, change: 'added' });
  for (const [id, fact] of before) if (!after.has(id)) changes.push({ ...fact, change: 'removed' });
  return changes;
}
