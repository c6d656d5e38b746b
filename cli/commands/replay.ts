/**
 * `switchyard replay [--route NAME] [--since TIME] [--dry-run] [--through-function]`: list what a
 * deployment could not deliver (dead-lettered events and failure records: route, object,
 * destination, recorded error) and, unless --dry-run, run it again, then print the counts: with
 * the local routes in this process, or with `--through-function` in each stack's deployed router
 * function (its role, its routes).
 * Exit: 0 everything selected was re-driven (or only listed), 1 something failed again or was
 * kept, 2 usage or the deployment could not be reached.
 */
import { opsClients } from '../../deploy/ops/clients.ts';
import { findDeployment } from '../../deploy/ops/deployment.ts';
import { replayDeployment, type ReplayCounts, type ReplayItem, type ReplayResult } from '../../deploy/ops/replay.ts';
import { errorMessage, SwitchyardError, UsageError } from '../../engine/errors.ts';
import { createAwsPorts } from '../../engine/ports/aws/index.ts';
import { parseDuration } from '../../engine/units.ts';
import type { Output } from '../output.ts';
import { loadValidRoutes } from './load-valid-routes.ts';

export interface ReplayCommandOptions {
  stack: string;
  routes: string;
  route?: string;
  /** An ISO time, or a duration back from now (`2h`, `30m`, `7d`). */
  since?: string;
  dryRun: boolean;
  /** Re-drive in the deployed functions (their role) instead of this process (the operator's credentials). */
  throughFunction?: boolean;
  json: boolean;
  region?: string;
  endpoint?: string;
}

export async function replayCommand(options: ReplayCommandOptions, out: Output, now: Date = new Date()): Promise<number> {
  const since = options.since !== undefined ? parseSince(options.since, now) : undefined;
  const routes = loadValidRoutes(options.routes, out);
  if (!routes) return 1;
  if (options.route !== undefined && !routes.some((r) => r.name === options.route)) {
    throw new UsageError('SY204', `--route ${options.route}: no route of that name under ${options.routes} (routes: ${routes.map((r) => r.name).join(', ')})`);
  }
  const target = { ...(options.region ? { region: options.region } : {}), ...(options.endpoint ? { endpoint: options.endpoint } : {}) };
  const clients = opsClients(target);
  let result: ReplayResult;
  try {
    const deployment = await findDeployment(clients.cloudformation, options.stack);
    result = await replayDeployment(
      deployment,
      { dryRun: options.dryRun, ...(options.route ? { route: options.route } : {}), ...(since ? { since } : {}), ...(options.throughFunction ? { throughFunction: clients.invoke } : {}) },
      { sqs: clients.sqs, s3: clients.s3, ports: createAwsPorts(target), routes, ...(options.json ? {} : { onItem: (item) => out.stdout(itemLine(item)) }) },
    );
  } catch (error) {
    const code = error instanceof SwitchyardError ? ` [${error.code}]` : '';
    out.stderr(`switchyard replay: ${errorMessage(error)}${code}`);
    return 2;
  }
  if (options.json) out.stdout(JSON.stringify(result, null, 2));
  else {
    out.stdout(countsLine('dead-lettered events', result.deadLetters, options.dryRun));
    out.stdout(countsLine('failure records', result.failureRecords, options.dryRun));
  }
  const unfinished = [result.deadLetters, result.failureRecords].reduce((n, c) => n + c.failed + c.kept, 0);
  return unfinished > 0 ? 1 : 0;
}

function parseSince(text: string, now: Date): Date {
  if (/^\d+(\.\d+)?\s*[a-z]+$/i.test(text.trim())) {
    try {
      return new Date(now.getTime() - parseDuration(text.trim()));
    } catch {
      // not a duration: try it as a time below
    }
  }
  const parsed = new Date(text);
  if (Number.isNaN(parsed.getTime())) throw new UsageError('SY205', `--since ${text}: give an ISO time (2026-11-30T18:00:00Z) or a duration back from now (30m, 2h, 7d)`);
  return parsed;
}

function itemLine(item: ReplayItem): string {
  const what = item.source === 'dead-letter' ? `dead-lettered in ${item.where}` : `failure record ${item.where}`;
  const parts = [
    `${item.outcome.padEnd(8)} ${item.routes.join(', ') || '(no route matches)'}  ${item.object}`,
    `         ${what}`,
    ...(item.destinations.length > 0 ? [`         destinations: ${item.destinations.join(', ')}`] : []),
    ...(item.recordedError ? [`         recorded error: ${item.recordedError}`] : []),
    ...(item.reason ? [`         ${item.reason}`] : []),
  ];
  return parts.join('\n');
}

function countsLine(what: string, counts: ReplayCounts, dryRun: boolean): string {
  if (dryRun) return `${what}: ${counts.listed} listed (dry run: nothing re-driven, nothing deleted)`;
  return `${what}: ${counts.listed} selected, ${counts.redriven} re-driven, ${counts.failed} failed again, ${counts.kept} kept`;
}

/** `switchyard replay` on the program (cli/switchyard.ts calls this). */
