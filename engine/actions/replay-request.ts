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
