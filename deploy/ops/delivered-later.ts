/**
 * Whether the destination of an unresolved failure record got what it should have after all.
 * The router resolves a record when an SQS redelivery or a replay delivers its destination; a
 * Lambda async retry or a second delivery of the same change delivers it without knowing a
 * record exists, and the record stays open. `status` asks S3 instead of trusting the record:
 * - a copy: is the object at the destination the event's object (same size, and its ETag or the
 *   source ETag recorded on the copy)? Stricter than a backfill's skip check (same-content.ts),
 *   which also accepts the same size written after the source changed where ETags cannot match:
 *   here a later overwrite of the same size must not close a failure.
 * - a message or email: does its idempotency marker say `sent`? (Only a delivery that sent it
 *   writes that, and it is what stops a replay from sending it twice.)
 * Read-only, with the operator's credentials: a destination they may not read answers `unknown`,
 * and anything but `delivered` keeps counting as a failure.
 */
import { SOURCE_ETAG } from '../../engine/actions/same-content.ts';
import { markerKey, parseMarker } from '../../engine/actions/idempotency.ts';
import { ActionError, errorMessage } from '../../engine/errors.ts';
import type { StoragePort } from '../../engine/ports/types.ts';
import type { FailureRecord } from '../../engine/report/failure-record.ts';

export type LaterDelivery = { state: 'delivered'; how: string } | { state: 'not-delivered' } | { state: 'unknown'; why: string };

export async function deliveredLater(storage: StoragePort, stateBucket: string, record: FailureRecord): Promise<LaterDelivery> {
  try {
    return record.destination.kind === 's3' ? await copyDelivered(storage, record) : await sendDelivered(storage, stateBucket, record);
  } catch (error) {
    return { state: 'unknown', why: errorMessage(error) };
  }
}

async function copyDelivered(storage: StoragePort, record: FailureRecord): Promise<LaterDelivery> {
  const { bucket, key } = record.destination;
  // A refused destination (an allow-list denial) names no object: nothing was ever written there.
  if (bucket === undefined || key === undefined) return { state: 'not-delivered' };
  const { size, eTag } = record.object;
  if (size === undefined || eTag === undefined) return { state: 'unknown', why: 'the record has no size or ETag of the object to compare with' };
  const head = await storage.head({ bucket, key });
  if (!head) return { state: 'not-delivered' };
  if (head.size !== size) return { state: 'not-delivered' };
  if (head.eTag === eTag) return { state: 'delivered', how: `s3://${bucket}/${key} has the same size and ETag` };
  if (head.metadata[SOURCE_ETAG] === eTag) return { state: 'delivered', how: `s3://${bucket}/${key} has the same size and records the object's ETag` };
  // An SSE-KMS copy has an ETag of its own and records none when it was one CopyObject: it cannot be told apart from other content.
  return { state: 'not-delivered' };
}

async function sendDelivered(storage: StoragePort, stateBucket: string, record: FailureRecord): Promise<LaterDelivery> {
  const key = markerKey(record.route, record.actionId, record.event, record.destination.id);
  let body: Buffer;
  try {
    body = await storage.getBody({ bucket: stateBucket, key });
  } catch (error) {
    if (error instanceof ActionError && error.failureClass === 'not-found') return { state: 'not-delivered' };
    throw error;
  }
  const marker = parseMarker(body);
  if (marker === 'unreadable') return { state: 'unknown', why: `s3://${stateBucket}/${key} is not readable as an idempotency marker` };
  return marker.status === 'sent' ? { state: 'delivered', how: `sent${marker.messageId ? ` as ${marker.messageId}` : ''} at ${marker.at} (s3://${stateBucket}/${key})` } : { state: 'not-delivered' };
}
