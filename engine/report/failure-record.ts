/**
 * The durable failure record: one JSON object per destination that failed for one event on one
 * route, in the state bucket under `failures/`. `switchyard replay` and `status` read them back
 * with `parseFailureRecord`, and re-drive one with the pipeline's replay request
 * (engine/actions/replay-request.ts) for that destination only.
 */
import { createHash } from 'node:crypto';
import type { ActionResult } from '../actions/execute.ts';
import type { PlannedAction, Refusal } from '../actions/planned-action.ts';
import type { ObjectEvent } from '../events/object-event.ts';

export const FAILURE_RECORD_SCHEMA = 'switchyard.failure/1';
export const FAILURE_RECORD_PREFIX = 'failures/';

export interface FailedDestination {
  kind: 's3' | 'sqs' | 'email';
  /** The destination as reports and logs name it (`s3://bucket/key`, a queue, a contact list/topic). */
  id: string;
  bucket?: string;
  key?: string;
  queue?: string;
  contactList?: string;
  topic?: string;
  to?: string[];
}

export interface FailureRecord {
  schema: typeof FAILURE_RECORD_SCHEMA;
  route: string;
  actionId: string;
  object: { bucket: string; key: string; versionId?: string; eTag?: string; size?: number };
  /** The normalised event, enough to run it again through the same route. */
  event: ObjectEvent;
  destination: FailedDestination;
  error: { code: string; message: string; class: string };
  /** Attempts over every delivery that failed this destination so far. */
  attempts: number;
  firstFailedAt: string;
  lastFailedAt: string;
  /** True when the event failed as a whole (it is also being redelivered or dead-lettered). */
  eventFailed: boolean;
  /** Set once the destination got what it should have after all (a replay or a later delivery): kept for the history, not re-driven. */
  resolvedAt?: string;
  resolvedBy?: 'replay' | 'redelivery';
  /** The failure notification told of this error: a later delivery failing the same way does not tell again. */
  announced?: boolean;
}

/** One destination of one event that did not get what it should have. */
export interface DestinationFailure {
  actionId: string;
  destination: FailedDestination;
  error: { code: string; message: string; class: string };
  attempts: number;
}

/**
 * `failures/<route>/<yyyy>/<mm>/<dd>/<eventId>/<actionId>/<destination digest>.json`. The date
 * is the event's own (stable over redeliveries), so a destination that fails again on a later
 * delivery updates the same record instead of adding one.
 */
export function failureRecordKey(route: string, event: Pick<ObjectEvent, 'id' | 'eventTime'>, actionId: string, destination: Pick<FailedDestination, 'id'>): string {
  const day = dayOf(event.eventTime);
  const digest = createHash('sha256').update(destination.id).digest('hex').slice(0, 16);
  return `${FAILURE_RECORD_PREFIX}${route}/${day}/${event.id}/${actionId}/${digest}.json`;
}

/** The listing prefix of one route's records (all days), for replay and status. */
export function failureRecordPrefix(route?: string): string {
  return route === undefined ? FAILURE_RECORD_PREFIX : `${FAILURE_RECORD_PREFIX}${route}/`;
}

function dayOf(time: string): string {
  const parsed = new Date(time);
  const date = Number.isNaN(parsed.getTime()) ? new Date(0) : parsed;
  return date.toISOString().slice(0, 10).replaceAll('-', '/');
}

export function failedDestinationOf(action: PlannedAction, id: string): FailedDestination {
  switch (action.type) {
    case 'copy':
      return { kind: 's3', id, bucket: action.bucket, key: action.key };
    case 'sqs':
      return { kind: 'sqs', id, queue: action.queue };
    case 'email':
      return {
        kind: 'email',
        id,
        ...(action.contactList ? { contactList: action.contactList } : {}),
        ...(action.topic ? { topic: action.topic } : {}),
        ...(action.to.length > 0 ? { to: action.to } : {}),
      };
  }
}

/** A destination the allow-list refused: only its name is known (a bucket, a queue or a role). */
export function refusedDestination(refusal: Refusal): FailedDestination {
  const kind = refusal.type === 'copy' ? 's3' : refusal.type;
  return {
    kind,
    id: refusal.destination,
    ...(kind === 's3' && !refusal.destination.startsWith('arn:') ? { bucket: refusal.destination } : {}),
    ...(kind === 'sqs' && !refusal.destination.startsWith('arn:aws:iam') ? { queue: refusal.destination } : {}),
  };
}

/** Every failed or refused destination of one route's run, with what was planned for it. */
export function destinationFailures(results: ActionResult[], actions: Array<PlannedAction | undefined>, refused: Refusal[]): DestinationFailure[] {
  const failures: DestinationFailure[] = [];
  results.forEach((result, i) => {
    if (result.outcome !== 'failed') return;
    const action = actions[i];
    const destination: FailedDestination = action ? failedDestinationOf(action, result.destination) : { kind: result.type === 'copy' ? 's3' : result.type, id: result.destination };
    failures.push({
      actionId: result.actionId,
      destination,
      error: { code: result.error?.code ?? 'UnknownError', message: result.error?.message ?? 'failed', class: result.error?.failureClass ?? 'unknown' },
      attempts: result.attempts,
    });
  });
  for (const refusal of refused) {
    failures.push({
      actionId: refusal.actionId,
      destination: refusedDestination(refusal),
      error: { code: 'NotAllowed', message: refusal.reason, class: 'config' },
      attempts: 0,
    });
  }
  return failures;
}

export function failureRecord(route: string, event: ObjectEvent, failure: DestinationFailure, eventFailed: boolean, at: Date, previousRecord?: FailureRecord): FailureRecord {
  const now = at.toISOString();
  // A destination that failed again after it was resolved starts a new history.
  const previous = previousRecord?.resolvedAt ? undefined : previousRecord;
  return {
    schema: FAILURE_RECORD_SCHEMA,
    route,
    actionId: failure.actionId,
    object: {
      bucket: event.bucket,
      key: event.key,
      ...(event.versionId !== undefined ? { versionId: event.versionId } : {}),
      ...(event.eTag !== undefined ? { eTag: event.eTag } : {}),
      ...(event.size !== undefined ? { size: event.size } : {}),
    },
    event,
    destination: failure.destination,
    error: failure.error,
    attempts: (previous?.attempts ?? 0) + failure.attempts,
    firstFailedAt: previous?.firstFailedAt ?? now,
    lastFailedAt: now,
    eventFailed,
    ...(isAnnouncedRepeat(previous, failure) ? { announced: true } : {}),
  };
}

/** The unresolved previous record holds the same error, and a notification told of it: an earlier delivery failed the same way. */
export function isAnnouncedRepeat(previous: FailureRecord | undefined, failure: DestinationFailure): boolean {
  return previous?.announced === true && previous.resolvedAt === undefined && previous.error.code === failure.error.code && previous.error.message === failure.error.message;
}

export class FailureRecordError extends Error {
  override readonly name = 'FailureRecordError';
}

/** Reads a record back (replay, status, the next failure of the same destination); throws FailureRecordError saying what is wrong. */
export function parseFailureRecord(text: string, where = 'failure record'): FailureRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new FailureRecordError(`${where} is not JSON: ${(error as Error).message}`);
  }
  const problems = recordProblems(value);
  if (problems.length > 0) throw new FailureRecordError(`${where} is not a ${FAILURE_RECORD_SCHEMA} record: ${problems.join('; ')}`);
  return value as FailureRecord;
}

function recordProblems(value: unknown): string[] {
  if (!isObject(value)) return ['not an object'];
  const problems: string[] = [];
  if (value.schema !== FAILURE_RECORD_SCHEMA) problems.push(`schema is ${JSON.stringify(value.schema)}, expected "${FAILURE_RECORD_SCHEMA}"`);
  for (const field of ['route', 'actionId', 'firstFailedAt', 'lastFailedAt'] as const) {
    if (typeof value[field] !== 'string' || value[field] === '') problems.push(`${field} must be a non-empty string`);
  }
  if (typeof value.attempts !== 'number') problems.push('attempts must be a number');
  if (typeof value.eventFailed !== 'boolean') problems.push('eventFailed must be true or false');
  if (value.resolvedAt !== undefined && typeof value.resolvedAt !== 'string') problems.push('resolvedAt must be a time');
  const object = value.object;
  if (!isObject(object) || typeof object.bucket !== 'string' || typeof object.key !== 'string') problems.push('object needs bucket and key');
  const event = value.event;
  if (!isObject(event) || typeof event.bucket !== 'string' || typeof event.key !== 'string' || typeof event.id !== 'string' || typeof event.eventTime !== 'string') {
    problems.push('event needs id, bucket, key and eventTime');
  }
  const destination = value.destination;
  if (!isObject(destination) || !['s3', 'sqs', 'email'].includes(String(destination.kind)) || typeof destination.id !== 'string') {
    problems.push('destination needs kind (s3, sqs or email) and id');
  }
  const error = value.error;
  if (!isObject(error) || typeof error.code !== 'string' || typeof error.message !== 'string' || typeof error.class !== 'string') {
    problems.push('error needs code, message and class');
  }
  return problems;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
