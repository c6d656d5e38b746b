/**
 * `switchyard replay`: what a deployment could not deliver, listed and re-driven after a fix.
 *
 * - Dead-lettered events (notification, EventBridge and async-invocation DLQs) run again through
 *   the pipeline with the local routes and the deployment's state bucket (so idempotency markers
 *   still hold). A message leaves its queue only after its re-drive succeeded; otherwise it is
 *   made visible again at once.
 * - Failure records are re-driven for their own destinations only (a replay request, see
 *   engine/actions/replay-request.ts); the router marks each record resolved once delivered.
 *   Dead letters go first: a full re-drive resolves the records of its event on the way.
 * `--route` and `--since` select; `--dry-run` lists and changes nothing.
 *
 * The re-drive runs in this process with the operator's credentials, or, with
 * `--through-function`, in the stack's router function (Lambda Invoke, RequestResponse), which
 * acts with the function's role: the one the destinations' bucket policies and other accounts'
 * roles grant. Through the function, a dead letter runs every route it matches.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { REPLAY_MARK, type ReplayRequest } from '../../engine/actions/replay-request.ts';
import { errorMessage } from '../../engine/errors.ts';
import type { CompiledRoute } from '../../engine/load/compiled-route.ts';
import { RouteMatcher } from '../../engine/match/route-matcher.ts';
import { Pipeline, type InputReport } from '../../engine/pipeline.ts';
import type { Ports } from '../../engine/ports/types.ts';
import { memoryLog } from '../../engine/report/log.ts';
import { undeliveredReasons } from '../../engine/report/undelivered.ts';
import { deleteDeadLetter, receiveDeadLetters, releaseDeadLetter, type DeadLetteredEvent } from './dead-letters.ts';
import { eventDeadLetterQueues, type Deployment, type DeployedStack } from './deployment.ts';
import { readFailureRecords, type StoredFailure } from './failure-records.ts';
import type { FunctionInvoker } from './function-invoke.ts';
import { notDeliveredBy } from './invoke-outcome.ts';
import { functionsByRoute, type RouteFunctions } from './route-functions.ts';

export interface ReplaySelection {
  route?: string;
  since?: Date;
  dryRun: boolean;
  /** Re-drive in each stack's router function, through this invoker, instead of in this process. */
  throughFunction?: FunctionInvoker;
}

export type ReplayOutcome = 'listed' | 'redriven' | 'failed' | 'kept' | 'skipped';

export interface ReplayItem {
  source: 'dead-letter' | 'failure-record';
  stack: string;
  /** The DLQ name, or the record's `s3://` address. */
  where: string;
  routes: string[];
  object: string;
  destinations: string[];
  recordedError?: string;
  outcome: ReplayOutcome;
  /** Why it failed again, was kept or skipped. */
  reason?: string;
}

export interface ReplayCounts {
  listed: number;
  redriven: number;
  failed: number;
  kept: number;
}

export interface ReplayResult {
  items: ReplayItem[];
  deadLetters: ReplayCounts;
  failureRecords: ReplayCounts;
}

export interface ReplayDeps {
  sqs: SQSClient;
  s3: S3Client;
  ports: Ports;
  routes: CompiledRoute[];
  /** Called as each item is decided, for progress output. */
  onItem?: (item: ReplayItem) => void;
}

export async function replayDeployment(deployment: Deployment, selection: ReplaySelection, deps: ReplayDeps): Promise<ReplayResult> {
  const items: ReplayItem[] = [];
  const note = (item: ReplayItem): void => {
    items.push(item);
    deps.onItem?.(item);
  };
  const redrive = redriverFor(deployment, selection, deps);
  for (const stack of deployment.stacks) {
    await replayDeadLetters(stack, selection, deps, redrive, note);
    if (stack.stateBucket) await replayFailureRecords(stack, selection, deps, redrive, note);
  }
  return { items, deadLetters: countsOf(items, 'dead-letter'), failureRecords: countsOf(items, 'failure-record') };
}

/** Runs one input again for these routes; says why it was not delivered, or undefined when it was. */
type Redrive = (input: unknown, routes: readonly string[]) => Promise<string | undefined>;

function redriverFor(deployment: Deployment, selection: ReplaySelection, deps: ReplayDeps): Redrive {
  const invoke = selection.throughFunction;
  if (invoke === undefined) {
    const pipeline = pipelineFor(deployment, selection, deps);
    return async (input) => withAccessHint(failureOf(await runSafely(pipeline, input)));
  }
  // Read once, on the first re-drive: a dry run reads no bundle.
  let functions: Promise<RouteFunctions> | undefined;
  return async (input, routes) => {
    functions ??= functionsByRoute(deps.s3, deployment);
    const { functions: byRoute, unreadable } = await functions;
    const missing = routes.filter((route) => !byRoute.has(route));
    if (routes.length === 0) return 'no deployed route matches it: nothing to invoke';
    if (missing.length > 0) {
      const unread = unreadable.length > 0 ? ` (the routes of some stacks could not be read: ${unreadable.join('; ')})` : '';
      return `no function of the deployment is known to run ${missing.join(', ')}${unread}: deploy the route first, or replay without --through-function`;
    }
    const [functionName, ...others] = [...new Set(routes.map((route) => byRoute.get(route) ?? ''))];
    if (functionName === undefined || others.length > 0) return `its routes ${routes.join(', ')} run in different functions: replay them one at a time with --route`;
    const answer = await invoke(functionName, input).catch((error: unknown) => ({ delivered: false as const, reason: `could not invoke ${functionName}: ${errorMessage(error)}` }));
    return answer.delivered ? notDeliveredBy(functionName, answer.payload, routes) : answer.reason;
  };
}

/** In this process the operator's credentials act; a destination that refuses them may well accept the function's role. */
function withAccessHint(reason: string | undefined): string | undefined {
  if (reason === undefined || !/AccessDenied|Forbidden|not authorized/i.test(reason)) return reason;
  return `${reason} (this replay ran with your credentials; the deployment grants its function's role: replay --through-function re-drives as the function)`;
}

/** Re-driven events claim the same idempotency markers the functions do: the deployment's state bucket. */
function pipelineFor(deployment: Deployment, selection: ReplaySelection, deps: ReplayDeps): Pipeline {
  return new Pipeline({
    routes: selection.route ? deps.routes.filter((r) => r.name === selection.route) : deps.routes,
    ports: deps.ports,
    log: memoryLog(),
    ...(deployment.stateBucket ? { stateBucket: deployment.stateBucket } : {}),
  });
}

async function replayDeadLetters(stack: DeployedStack, selection: ReplaySelection, deps: ReplayDeps, redrive: Redrive, note: (item: ReplayItem) => void): Promise<void> {
  const matcher = new RouteMatcher(deps.routes);
  for (const queue of eventDeadLetterQueues(stack)) {
    for (const entry of await receiveDeadLetters(deps.sqs, queue)) {
      const routes = entry.route !== undefined ? [entry.route] : [...new Set(entry.events.flatMap((e) => matcher.candidates(e).map((r) => r.name)))].sort();
      const item: ReplayItem = {
        source: 'dead-letter',
        stack: stack.name,
        where: queue.name,
        routes,
        object: entry.events.map((e) => `s3://${e.bucket}/${e.key}`).join(', ') || '(no object event)',
        destinations: [],
        ...(entry.error ? { recordedError: entry.error } : {}),
        outcome: 'listed',
      };
      if (!selected(entry, routes, selection)) {
        await releaseDeadLetter(deps.sqs, entry);
        continue;
      }
      if (selection.dryRun) {
        await releaseDeadLetter(deps.sqs, entry);
        note(item);
        continue;
      }
      if (entry.unreadable !== undefined) {
        await releaseDeadLetter(deps.sqs, entry);
        note({ ...item, outcome: 'kept', reason: `${entry.unreadable}: not an event the router can run again; look at it and delete it by hand` });
        continue;
      }
      const failure = await redrive(entry.payload, selection.route ? [selection.route] : routes);
      if (failure !== undefined) {
        await releaseDeadLetter(deps.sqs, entry);
        note({ ...item, outcome: 'failed', reason: `${failure}; the message stays in ${queue.name}` });
        continue;
      }
      // The function runs every route the event matches, so nothing is left for the others.
      const others = selection.route && selection.throughFunction === undefined ? routes.filter((r) => r !== selection.route) : [];
      if (others.length > 0) {
        await releaseDeadLetter(deps.sqs, entry);
        note({ ...item, outcome: 'kept', reason: `re-driven for ${selection.route}; kept in ${queue.name} because it also matches ${others.join(', ')} (replay those routes, or replay without --route)` });
        continue;
      }
      await deleteDeadLetter(deps.sqs, entry);
      note({ ...item, outcome: 'redriven' });
    }
  }
}

function selected(entry: DeadLetteredEvent, routes: string[], selection: ReplaySelection): boolean {
  if (selection.route !== undefined && !routes.includes(selection.route)) return false;
  if (selection.since !== undefined && entry.sentAt !== undefined && entry.sentAt < selection.since) return false;
  return true;
}

async function replayFailureRecords(
  stack: DeployedStack,
  selection: ReplaySelection,
  deps: ReplayDeps,
  redrive: Redrive,
  note: (item: ReplayItem) => void,
): Promise<void> {
  const { records: stored, strays } = await readFailureRecords(deps.ports.storage, stack.stateBucket ?? '', {
    ...(selection.route ? { route: selection.route } : {}),
    ...(selection.since ? { since: selection.since } : {}),
  });
  for (const stray of strays) {
    note({ source: 'failure-record', stack: stack.name, where: stray.split(': ')[0] ?? stray, routes: [], object: '(unreadable)', destinations: [], outcome: 'kept', reason: `${stray.slice(stray.indexOf(': ') + 2)}: not a failure record; look at it and delete it by hand` });
  }
  // One re-drive per route and event, for all of its failed destinations at once.
  const groups = new Map<string, StoredFailure[]>();
  for (const s of stored) {
    const id = `${s.record.route}/${s.record.event.id}`;
    groups.set(id, [...(groups.get(id) ?? []), s]);
  }
  for (const records of groups.values()) {
    const first = records[0];
    if (!first) continue;
    const item: ReplayItem = {
      source: 'failure-record',
      stack: stack.name,
      where: records.map((r) => `s3://${r.bucket}/${r.key}`).join(', '),
      routes: [first.record.route],
      object: `s3://${first.record.object.bucket}/${first.record.object.key}`,
      destinations: records.map((r) => r.record.destination.id),
      recordedError: records.map((r) => `${r.record.destination.id}: ${r.record.error.code}: ${r.record.error.message} (${r.record.attempts} attempt(s), last ${r.record.lastFailedAt})`).join('; '),
      outcome: 'listed',
    };
    if (selection.dryRun) {
      note(item);
      continue;
    }
    const request: ReplayRequest = {
      switchyard: REPLAY_MARK,
      route: first.record.route,
      event: first.record.event,
      destinations: records.map((r) => ({ actionId: r.record.actionId, destination: r.record.destination })),
    };
    const failure = await redrive(request, [first.record.route]);
    if (failure !== undefined) {
      note({ ...item, outcome: 'failed', reason: `${failure}; the failure record stays` });
      continue;
    }
    note({ ...item, outcome: 'redriven' });
  }
}

async function runSafely(pipeline: Pipeline, input: unknown): Promise<InputReport | Error> {
  try {
    return await pipeline.processInput(input);
  } catch (error) {
    return error instanceof Error ? error : new Error(errorMessage(error));
  }
}

/** Why the re-drive did not deliver, or undefined when it did. */
function failureOf(report: InputReport | Error): string | undefined {
  if (report instanceof Error) return report.message;
  const reasons = undeliveredReasons(report);
  return reasons.length > 0 ? reasons.join('; ') : undefined;
}

function countsOf(items: ReplayItem[], source: ReplayItem['source']): ReplayCounts {
  const mine = items.filter((i) => i.source === source);
  return {
    listed: mine.length,
    redriven: mine.filter((i) => i.outcome === 'redriven').length,
    failed: mine.filter((i) => i.outcome === 'failed').length,
    kept: mine.filter((i) => i.outcome === 'kept').length,
  };
}
