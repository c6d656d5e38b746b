/**
 * The shape of a route set as a graph: source buckets → routes → destinations (buckets with
 * their accounts, queues, SNS topics, SES contact lists and topics). Destinations computed at
 * run time are shown as the allow-list patterns they must fall in, or as the expression itself
 * when there is no list. `graph` draws it; `impact` compares two of them.
 */
import type { CompiledAction, CompiledRoute } from '../load/compiled-route.ts';
import type { CompiledValue } from '../load/expressions.ts';

export type NodeKind = 'bucket' | 'route' | 'queue' | 'sns' | 'ses';

export interface GraphNode {
  /** Unique within a graph and stable across route sets: `<kind>:<name>`. */
  id: string;
  kind: NodeKind;
  name: string;
  /** The account a bucket belongs to, when a route declares it. */
  account?: string;
}

export interface GraphEdge {
  from: string;
  to: string;
  /** What the edge is: the trigger for source → route, the action for route → destination. */
  label: string;
  /** The route the edge belongs to. */
  route: string;
}

export interface RouteGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export function routeGraph(routes: readonly CompiledRoute[]): RouteGraph {
  const nodes = new Map<string, GraphNode>();
  const edges = new Map<string, GraphEdge>();
  const node = (kind: NodeKind, name: string, account?: string): string => {
    const id = `${kind}:${name}`;
    const existing = nodes.get(id);
    if (!existing) nodes.set(id, { id, kind, name, ...(account !== undefined ? { account } : {}) });
    else if (existing.account === undefined && account !== undefined) existing.account = account;
    return id;
  };
  const edge = (from: string, to: string, label: string, route: string): void => {
    edges.set(edgeId({ from, to, label }), { from, to, label, route });
  };

  for (const route of routes) {
    const def = route.definition;
    const routeId = node('route', route.name);
    edge(node('bucket', def.source.bucket, def.source.account), routeId, triggerLabel(route), route.name);
    for (const action of route.actions) {
      for (const target of targetsOf(route, action)) edge(routeId, node(target.kind, target.name, target.account), actionLabel(action), route.name);
    }
    const onFailure = def.notify?.onFailure;
    if (onFailure?.sns) edge(routeId, node('sns', onFailure.sns), 'on failure', route.name);
    if (onFailure?.email) edge(routeId, node('ses', `email to ${onFailure.email.to.join(', ')}`), 'on failure', route.name);
    if (def.batch?.notify?.sns) edge(routeId, node('sns', def.batch.notify.sns), 'backfill report', route.name);
  }
  return {
    nodes: [...nodes.values()].sort(nodeOrder),
    edges: [...edges.values()].sort(edgeOrder),
  };
}

const KIND_ORDER: NodeKind[] = ['bucket', 'route', 'queue', 'sns', 'ses'];

/** Buckets, routes, queues, SNS topics, SES; by name within each. */
export function nodeOrder(a: GraphNode, b: GraphNode): number {
  return KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.name.localeCompare(b.name);
}

/** Grouped by route, so each route's trigger and destinations are drawn together. */
export function edgeOrder(a: GraphEdge, b: GraphEdge): number {
  return a.route.localeCompare(b.route) || a.from.localeCompare(b.from) || a.to.localeCompare(b.to) || a.label.localeCompare(b.label);
}

export function edgeId(edge: Pick<GraphEdge, 'from' | 'to' | 'label'>): string {
  return `${edge.from} -> ${edge.to} [${edge.label}]`;
}

/** `s3-notification customers/*.json`, `eventbridge (created)`, `manual exports/*`. */
function triggerLabel(route: CompiledRoute): string {
  const { trigger, prefix, suffix, events } = route.definition.source;
  const filter = prefix || suffix ? ` ${prefix ?? ''}*${suffix ?? ''}` : '';
  const kinds = events && events.length > 0 ? ` (${events.join(', ')})` : '';
  return `${trigger}${filter}${kinds}`;
}

/** `copy replicate`; just `copy` when the action has no id of its own (`copy-1`). */
function actionLabel(action: CompiledAction): string {
  return action.id === action.type || new RegExp(`^${action.type}-\\d+$`).test(action.id) ? action.type : `${action.type} ${action.id}`;
}

interface Target {
  kind: NodeKind;
  name: string;
  account?: string;
}

function targetsOf(route: CompiledRoute, action: CompiledAction): Target[] {
  switch (action.type) {
    case 'copy':
      return bucketTargets(route, action.to);
    case 'sqs':
      return queueTargets(route, action.queue);
    case 'email':
      return [{ kind: 'ses', name: sesName(action) }];
  }
}

function bucketTargets(route: CompiledRoute, to: CompiledValue | { kind: 'list'; values: string[] }): Target[] {
  const rules = route.allow.buckets ?? [];
  const withAccount = (bucket: string, account: string | undefined): Target => ({ kind: 'bucket', name: bucket, ...(account !== undefined ? { account } : {}) });
  if (to.kind === 'list') return to.values.map((b) => withAccount(b, rules.find((r) => r.matcher.test(b))?.account));
  if (to.kind === 'literal') return [withAccount(to.value, rules.find((r) => r.matcher.test(to.value))?.account)];
  if (rules.length > 0) return rules.map((r) => withAccount(r.pattern, r.account));
  return [{ kind: 'bucket', name: to.source.startsWith('$') ? to.source : `=${to.source}` }];
}

function queueTargets(route: CompiledRoute, queue: CompiledValue): Target[] {
  if (queue.kind === 'literal') return [{ kind: 'queue', name: queue.value }];
  const names = [...(route.definition.queues ?? []).map((q) => q.name), ...(route.definition.allow?.queues ?? [])];
  return (names.length > 0 ? [...new Set(names)] : [queue.source.startsWith('$') ? queue.source : `=${queue.source}`]).map((name) => ({ kind: 'queue', name }));
}

/** `contact list hts, topic aws-approval`, `email to a, b`; computed parts show their expression. */
function sesName(action: Extract<CompiledAction, { type: 'email' }>): string {
  const text = (value: CompiledValue): string => (value.kind === 'literal' ? value.value : value.source.startsWith('$') ? value.source : `=${value.source}`);
  if (action.contactList) return `contact list ${text(action.contactList)}${action.topic ? `, topic ${text(action.topic)}` : ''}`;
  if (!action.to) return 'email';
  return `email to ${action.to.kind === 'list' ? action.to.values.join(', ') : text(action.to)}`;
}
