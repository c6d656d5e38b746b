/**
 * A re-drive of one recorded event: `{ "switchyard": "replay", "route", "event", "destinations"? }`.
 * The pipeline runs that route alone for the event and carries out only the named destinations
 * (all of them when `destinations` is absent). `switchyard replay` builds it from failure records
 * and runs it in-process; the deployed function accepts it as a direct invocation too.
 */
import type { ObjectEvent } from '../events/object-event.ts';
import type { FailedDestination } from '../report/failure-record.ts';
import type { PlannedAction } from './planned-action.ts';
import { destinationOf } from './planned-action.ts';

export const REPLAY_MARK = 'replay';

export type ReplayDestination = Pick<FailedDestination, 'kind' | 'id'> & Partial<FailedDestination>;

export interface ReplayRequest {
  switchyard: typeof REPLAY_MARK;
  route: string;
  event: ObjectEvent;
  /** The destinations to carry out, as failure records name them; every destination when absent. */
  destinations?: Array<{ actionId: string; destination: ReplayDestination }>;
}

export function isReplayRequest(input: unknown): boolean {
  return typeof input === 'object' && input !== null && (input as { switchyard?: unknown }).switchyard === REPLAY_MARK;
}

/** What is wrong with a replay request, or an empty list. */
export function replayRequestProblems(input: unknown): string[] {
  const value = input as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof value.route !== 'string' || value.route === '') problems.push('route must be a route name');
  const event = value.event as Record<string, unknown> | undefined;
  if (typeof event !== 'object' || event === null || typeof event.bucket !== 'string' || typeof event.key !== 'string' || typeof event.id !== 'string') {
    problems.push('event must be the normalised event of a failure record (id, bucket, key, eventTime, …)');
  }
  if (value.destinations !== undefined) {
    if (!Array.isArray(value.destinations)) problems.push('destinations must be a list of { actionId, destination }');
    else
      value.destinations.forEach((d: unknown, i) => {
        const entry = d as { actionId?: unknown; destination?: { id?: unknown } } | null;
        if (typeof entry?.actionId !== 'string' || typeof entry.destination?.id !== 'string') problems.push(`destinations[${i}] needs actionId and destination.id`);
      });
  }
  return problems;
}

/** Whether a planned action is one of the requested destinations (same action, same place). */
export function isRequested(request: ReplayRequest, action: PlannedAction): boolean {
  if (request.destinations === undefined) return true;
  return request.destinations.some((wanted) => wanted.actionId === action.actionId && sameDestination(wanted.destination, action));
}

/** A refused destination is named only by its bucket, queue or role. */
export function isRequestedRefusal(request: ReplayRequest, actionId: string, destination: string): boolean {
  if (request.destinations === undefined) return true;
  return request.destinations.some((wanted) => wanted.actionId === actionId && (wanted.destination.id === destination || wanted.destination.bucket === destination || wanted.destination.queue === destination));
}

function sameDestination(wanted: ReplayDestination, action: PlannedAction): boolean {
  if (wanted.id === destinationOf(action)) return true;
  // A record of a refusal names only the bucket or queue; once the allow-list is fixed it resolves in full.
  if (action.type === 'copy') return wanted.bucket === action.bucket && (wanted.key === undefined || wanted.key === action.key);
  if (action.type === 'sqs') return wanted.queue === action.queue;
  return false;
}

/** A destination a replay request named that the route did not carry out, and why. */
export interface NotReplayed {
  actionId: string;
  destination: string;
  reason: string;
}

/** What a route did with a replay request: the parts of its report that say which destinations it took up. */
interface RouteOutcome {
  matched: boolean;
  reason: string;
  steps: Array<{ action: PlannedAction }>;
  refused: Array<{ actionId: string; destination: string }>;
  skipped: Array<{ actionId: string; reason: string }>;
  error?: { code: string; message: string };
}

/**
 * The requested destinations the route neither carried out nor refused: it declines the event now
 * (`when`, tags, the object is gone), or resolves to other places. Without this a replay that did
 * nothing would read as delivered while the failure record stays. A route that failed before its
 * actions reports its own error instead.
 */
export function notCarriedOut(request: ReplayRequest, outcome: RouteOutcome): NotReplayed[] {
  if (request.destinations === undefined || outcome.error !== undefined) return [];
  const declined = !outcome.matched ? `the route declines the event now (${outcome.reason})` : outcome.skipped.find((s) => s.actionId === '*')?.reason;
  return request.destinations
    .filter((wanted) => {
      const one = { ...request, destinations: [wanted] };
      return !outcome.steps.some((step) => isRequested(one, step.action)) && !outcome.refused.some((r) => isRequestedRefusal(one, r.actionId, r.destination));
    })
    .map(({ actionId, destination }) => {
      const skipped = outcome.skipped.find((s) => s.actionId === actionId);
      const reason =
        declined ??
        (skipped ? `action ${actionId} is skipped now (${skipped.reason})` : `action ${actionId} of route ${request.route} no longer sends this event to ${destination.id}; if that is intended, the failure record can be deleted`);
      return { actionId, destination: destination.id, reason };
    });
}
