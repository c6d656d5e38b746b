/**
 * The state of a deployment, as `switchyard status` reports it: per stack whether the routes it
 * runs match the local ones, what waits in its dead-letter queues and failure records, and per
 * route the last hour's counts and the last recorded error. Read-only: nothing is received,
 * moved or deleted.
 */
import type { OpsClients } from './clients.ts';
import { queueDepth } from './dead-letters.ts';
import { deliveredLater } from './delivered-later.ts';
import { findDeployment, type DeadLetterKind, type DeployedStack } from './deployment.ts';
import { errorMessage } from '../../engine/errors.ts';
import { mapLimit } from '../../engine/limiter.ts';
import { readFailureRecords, type FailureRecords, type StoredFailure } from './failure-records.ts';
import { compareRoutes, deployedRouteFiles, type EmbeddedFiles, type RouteDrift } from './route-drift.ts';
import { routeActivity, type RouteActivity } from './route-metrics.ts';

export interface DeadLetterDepth {
  queue: string;
  kind: DeadLetterKind;
  depth: number;
}

export interface StackStatus {
  name: string;
  status: string;
  /** Routes this stack runs, compared with the local files; absent when the stack runs no router. */
  routes?: RouteDrift[];
  deadLetters: DeadLetterDepth[];
  /** Unresolved failure records whose destination still lacks what it should have (or cannot be checked). */
  failureRecords: number;
  /** Unresolved failure records whose destination was delivered after all (delivered-later.ts). */
  deliveredLater: number;
}

export interface RouteStatus {
  route: string;
  stack?: string;
  state: RouteDrift['state'];
  /** Last hour, from the function's metrics; absent when CloudWatch could not be read. */
  activity?: RouteActivity;
  failureRecords: number;
  deliveredLater: number;
  lastError?: { at: string; destination: string; code: string; message: string; object: string };
}

export interface DeploymentStatus {
  deployment: string;
  checkedAt: string;
  healthy: boolean;
  /** One line per thing that makes the deployment unhealthy, in the operator's words. */
  problems: string[];
  /** Things that could not be looked at (metrics unavailable, …); they do not make it unhealthy. */
  notes: string[];
  stacks: StackStatus[];
  routes: RouteStatus[];
}

export interface StatusOptions {
  deployment: string;
  /** The route files `deploy` would embed (deploy/route-files.ts). */
  localFiles: EmbeddedFiles;
  now?: Date;
  windowSeconds?: number;
}

const HEALTHY_STACK = /^(CREATE|UPDATE|IMPORT)_COMPLETE$/;
/** HeadObject and marker reads in flight while failure records are checked. */
const CHECK_CONCURRENCY = 8;

export async function deploymentStatus(clients: OpsClients, options: StatusOptions): Promise<DeploymentStatus> {
  const now = options.now ?? new Date();
  const deployment = await findDeployment(clients.cloudformation, options.deployment);
  const problems: string[] = [];
  const notes: string[] = [];
  const stacks: StackStatus[] = [];
  const routes = new Map<string, RouteStatus>();
  const failures: Array<StoredFailure & { stack: StackStatus }> = [];

  for (const stack of deployment.stacks) {
    const status = await stackStatus(clients, stack, options.localFiles);
    stacks.push(status.stack);
    failures.push(...status.failures.records.map((f) => ({ ...f, stack: status.stack })));
    for (const stray of status.failures.strays) problems.push(`not a failure record: ${stray}`);
    if (!HEALTHY_STACK.test(stack.status)) problems.push(`stack ${stack.name} is ${stack.status}`);
    for (const q of status.stack.deadLetters) {
      if (q.depth > 0) problems.push(`${q.depth} message(s) in dead-letter queue ${q.queue} (${q.kind}) of stack ${stack.name}: see them with 'switchyard replay --dry-run'`);
    }
    for (const drift of status.stack.routes ?? []) {
      if (drift.state === 'not-deployed') continue;
      routes.set(drift.route, { route: drift.route, stack: stack.name, state: drift.state, failureRecords: 0, deliveredLater: 0 });
      if (drift.state !== 'same') problems.push(`route ${drift.route} in stack ${stack.name}: ${drift.state} (${drift.detail ?? ''}); deploy to bring it in line`);
    }
  }
  for (const drift of stacks.find((s) => s.routes)?.routes ?? []) {
    if (drift.state === 'not-deployed' && !routes.has(drift.route)) {
      routes.set(drift.route, { route: drift.route, state: 'not-deployed', failureRecords: 0, deliveredLater: 0 });
      problems.push(`route ${drift.route} is not deployed (${drift.detail ?? ''})`);
    }
  }
  const later = await mapLimit(failures, CHECK_CONCURRENCY, (f) => deliveredLater(clients.storage, f.bucket, f.record));
  /** Per route: an example of a record delivered later, and the records that could not be checked with the first reason. */
  const examples = new Map<string, string>();
  const unchecked = new Map<string, { count: number; why: string }>();
  for (const [i, { record, stack }] of failures.entries()) {
    const route: RouteStatus = routes.get(record.route) ?? { route: record.route, state: 'deployed-only', failureRecords: 0, deliveredLater: 0 };
    routes.set(record.route, route);
    const check = later[i];
    if (check?.state === 'delivered') {
      route.deliveredLater++;
      stack.failureRecords--;
      stack.deliveredLater++;
      if (!examples.has(record.route)) examples.set(record.route, check.how);
      continue;
    }
    if (check?.state === 'unknown') {
      const seen = unchecked.get(record.route);
      unchecked.set(record.route, { count: (seen?.count ?? 0) + 1, why: seen?.why ?? `${record.destination.id}: ${check.why}` });
    }
    route.failureRecords++;
    if (!route.lastError || route.lastError.at < record.lastFailedAt) {
      route.lastError = { at: record.lastFailedAt, destination: record.destination.id, code: record.error.code, message: record.error.message, object: `s3://${record.object.bucket}/${record.object.key}` };
    }
  }
  for (const route of routes.values()) {
    if (route.failureRecords > 0) problems.push(`route ${route.route}: ${route.failureRecords} failure record(s), last ${route.lastError?.at ?? ''}: re-drive with 'switchyard replay --route ${route.route}' once fixed`);
    if (route.deliveredLater > 0) {
      notes.push(
        `route ${route.route}: ${route.deliveredLater} failure record(s) whose destination was delivered after all (e.g. ${examples.get(route.route) ?? ''}), by a retry that did not close the record: ` +
          `'switchyard replay --route ${route.route}' closes them without sending anything twice`,
      );
    }
    const notChecked = unchecked.get(route.route);
    if (notChecked) notes.push(`route ${route.route}: ${notChecked.count} failure record(s) could not be checked against their destination (first: ${notChecked.why}); they count as failure records`);
  }

  const names = [...routes.keys()].filter((r) => routes.get(r)?.state !== 'not-deployed').sort();
  try {
    const activity = await routeActivity(clients.metrics, names, now, options.windowSeconds);
    for (const [name, counts] of activity) {
      const route = routes.get(name);
      if (route) route.activity = counts;
    }
  } catch (error) {
    notes.push(`metrics unavailable: ${errorMessage(error)}`);
  }

  return {
    deployment: deployment.name,
    checkedAt: now.toISOString(),
    healthy: problems.length === 0,
    problems,
    notes,
    stacks,
    routes: [...routes.values()].sort((a, b) => a.route.localeCompare(b.route)),
  };
}

async function stackStatus(clients: OpsClients, stack: DeployedStack, localFiles: EmbeddedFiles): Promise<{ stack: StackStatus; failures: FailureRecords }> {
  const deadLetters: DeadLetterDepth[] = [];
  for (const queue of stack.deadLetterQueues) deadLetters.push({ queue: queue.name, kind: queue.kind, depth: await queueDepth(clients.sqs, queue) });
  const failures = stack.stateBucket ? await readFailureRecords(clients.storage, stack.stateBucket) : { records: [], strays: [] };
  const deployedFiles = await deployedRouteFiles(clients.s3, stack);
  return {
    stack: {
      name: stack.name,
      status: stack.status,
      ...(deployedFiles ? { routes: compareRoutes(deployedFiles, localFiles) } : {}),
      deadLetters,
      failureRecords: failures.records.length,
      deliveredLater: 0,
    },
    failures,
  };
}
