/**
 * A copy or a lookup that finds nothing: either the event's object was deleted since the event
 * (nothing left to route: skipped, not retried for ever), or something else is missing, such as
 * the destination bucket (a failure that says which bucket and what to do).
 */
import { ActionError } from '../errors.ts';
import type { ObjectEvent } from '../events/object-event.ts';
import type { Access, StoragePort } from '../ports/types.ts';

export function isNotFound(error: unknown): error is ActionError {
  return error instanceof ActionError && error.failureClass === 'not-found';
}

/** Whether the event's object (its version, when the event names one) is still there. A failed HEAD throws (retried). */
export async function sourceStillExists(storage: StoragePort, event: ObjectEvent, access?: Access): Promise<boolean> {
  const head = await storage.head({ bucket: event.bucket, key: event.key, ...(event.versionId ? { versionId: event.versionId } : {}) }, access);
  return head !== undefined;
}

export function sourceGoneReason(event: ObjectEvent): string {
  return `s3://${event.bucket}/${event.key}${event.versionId ? ` (version ${event.versionId})` : ''} no longer exists: deleted after the event, nothing to route (skipped, not retried)`;
}

/** The copy's own not-found, said in the operator's words when it is the destination bucket. */
export function destinationMissing(error: ActionError, bucket: string): ActionError {
  if (error.code !== 'NoSuchBucket') return error;
  return new ActionError('NoSuchBucket', `destination bucket ${bucket} does not exist: create it, or correct the route or the mapping that names it (not retried: ${error.message})`, 'not-found', { ...error.context, destination: bucket }, { cause: error });
}
