import type { InputRecord } from './object-event.ts';
import type { NormaliseContext } from './context.ts';
import { normalisePayload } from './payload.ts';
import { outcomeOf, rejectedOutcome, toInputRecord, within } from './outcome.ts';
import { isJsonObject } from './shape.ts';
import { oversized } from './size-limit.ts';

/** A record of a Lambda SQS event (`eventSource: 'aws:sqs'`). */
export function isSqsRecord(value: unknown): boolean {
  return isJsonObject(value) && value['eventSource'] === 'aws:sqs';
}

/**
 * One SQS message: the unit that is deleted or returned in batchItemFailures, so its recordId is
 * the messageId. The body may hold an S3 notification (possibly several records), an SNS envelope
 * around one, raw-delivered S3 JSON, an EventBridge event (EventBridge → SQS target) or a test event.
 */
export function normaliseSqsMessage(message: unknown, index: number, context: NormaliseContext): InputRecord {
  const fallbackId = `sqs-record-${index + 1}`;
  if (!isJsonObject(message)) return toInputRecord(fallbackId, rejectedOutcome(`SQS record ${index + 1} is not an object`));
  const messageId = message['messageId'];
  if (typeof messageId !== 'string' || messageId === '') {
    return toInputRecord(fallbackId, rejectedOutcome(`SQS record ${index + 1} has no messageId`));
  }
  const where = `SQS message ${messageId}`;
  if (message['eventSource'] !== 'aws:sqs') {
    return toInputRecord(messageId, rejectedOutcome(`${where} has eventSource '${String(message['eventSource'])}', expected 'aws:sqs'`));
  }
  const body = message['body'];
  if (typeof body !== 'string') return toInputRecord(messageId, rejectedOutcome(`${where} has no body`));
  const tooLarge = oversized(body, `${where} body`);
  if (tooLarge) return toInputRecord(messageId, tooLarge);
  let payload: unknown;
  try {
    payload = JSON.parse(body);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return toInputRecord(messageId, rejectedOutcome(`${where} body is not JSON (${detail})`));
  }
  const record = toInputRecord(messageId, within(where, outcomeOf(() => normalisePayload(payload, context))));
  if (record.status !== 'events') return record;
  const queueArn = message['eventSourceARN'];
  // The id stays as the payload made it: the same change read through another queue is the same event.
  const events = typeof queueArn === 'string' && queueArn !== '' ? record.events.map((event) => ({ ...event, queueArn })) : record.events;
  return { ...record, events, ...(receiveCount(message) > 1 ? { redelivered: true as const } : {}) };
}

function receiveCount(message: Record<string, unknown>): number {
  const attributes = message['attributes'];
  const count = isJsonObject(attributes) ? Number(attributes['ApproximateReceiveCount']) : NaN;
  return Number.isFinite(count) ? count : 1;
}
