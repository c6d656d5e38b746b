/**
 * `switchyard status`: is the deployment healthy? Per stack, whether the deployed routes match
 * the local ones (and which differs), dead-letter and failure-record depth, per route the last
 * hour's routed / failed / retried counts and the last recorded error.
 *
 * Exit codes, for monitors: 0 healthy; 1 something is dead-lettered, has a failure record, or
 * drifted (or a stack is not in a *_COMPLETE state); 2 usage error or the deployment could not
 * be looked at (no such stack, no credentials, unreachable endpoint).
 */
import { embeddedRouteFiles } from '../../deploy/route-files.ts';
import { opsClients } from '../../deploy/ops/clients.ts';
import { deploymentStatus, type DeploymentStatus, type RouteStatus } from '../../deploy/ops/status.ts';
import { errorMessage, SwitchyardError } from '../../engine/errors.ts';
import type { Output } from '../output.ts';

export interface StatusCommandOptions {
  stack: string;
  routes: string;
  region?: string;
  endpoint?: string;
  format: 'text' | 'json';
}

export const STATUS_EXIT = { healthy: 0, unhealthy: 1, unreachable: 2 } as const;

export async function statusCommand(options: StatusCommandOptions, out: Output, now: Date = new Date()): Promise<number> {
  let status: DeploymentStatus;
  try {
    const clients = opsClients({ ...(options.region ? { region: options.region } : {}), ...(options.endpoint ? { endpoint: options.endpoint } : {}) });
    status = await deploymentStatus(clients, { deployment: options.stack, localFiles: embeddedRouteFiles(options.routes), now });
  } catch (error) {
    const code = error instanceof SwitchyardError ? ` [${error.code}]` : '';
    const name = (error as { name?: string }).name;
    out.stderr(`switchyard status: could not look at deployment ${options.stack}: ${name && name !== 'Error' && !(error instanceof SwitchyardError) ? `${name}: ` : ''}${errorMessage(error)}${code}`);
    return STATUS_EXIT.unreachable;
  }
  if (options.format === 'json') out.stdout(JSON.stringify(status, null, 2));
  else for (const line of statusText(status)) out.stdout(line);
  return status.healthy ? STATUS_EXIT.healthy : STATUS_EXIT.unhealthy;
}

export function statusText(status: DeploymentStatus): string[] {
  const lines = [`Deployment ${status.deployment} at ${status.checkedAt}: ${status.healthy ? 'healthy' : `${status.problems.length} problem(s)`}`];
  for (const stack of status.stacks) {
    const waiting = stack.deadLetters.reduce((n, q) => n + q.depth, 0);
    lines.push('', `stack ${stack.name}  ${stack.status}  dead-lettered ${waiting}  failure records ${stack.failureRecords}${laterNote(stack.deliveredLater)}`);
    for (const q of stack.deadLetters) lines.push(`  dead-letter queue ${q.queue} (${q.kind}): ${q.depth}`);
  }
  lines.push('', 'last hour per route:');
  const rows = [['route', 'deployed', 'routed', 'failed', 'retried', 'failure records', 'last error'], ...status.routes.map(routeRow)];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  for (const row of rows) lines.push(`  ${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')}`.trimEnd());
  if (status.problems.length > 0) lines.push('', 'problems:', ...status.problems.map((p) => `  - ${p}`));
  if (status.notes.length > 0) lines.push('', 'notes:', ...status.notes.map((n) => `  - ${n}`));
  return lines;
}

function routeRow(route: RouteStatus): string[] {
  const count = (n: number | undefined): string => (n === undefined ? '?' : String(n));
  const last = route.lastError ? `${route.lastError.at} ${route.lastError.destination}: ${route.lastError.code}: ${route.lastError.message}` : '-';
  return [route.route, route.state, count(route.activity?.routed), count(route.activity?.failed), count(route.activity?.retried), `${route.failureRecords}${laterNote(route.deliveredLater)}`, last];
}

function laterNote(deliveredLater: number): string {
  return deliveredLater > 0 ? ` (+${deliveredLater} delivered later)` : '';
}

/** `switchyard status` on the program (cli/switchyard.ts calls this). */
