import type { JsonObject } from './shape.ts';
import { type Outcome, ignoredOutcome, rejectedOutcome } from './outcome.ts';
import { describeValue } from './shape.ts';

export type SnsUnwrapped = { ok: true; message: unknown } | { ok: false; outcome: Outcome };

/** An SNS message as SQS receives it without raw message delivery: `{Type, MessageId, Message: '<JSON>'}`. */
export function isSnsEnvelope(value: JsonObject): boolean {
  return typeof value['Type'] === 'string' && 'Message' in value && ('TopicArn' in value || 'MessageId' in value);
}

/** The S3 (or EventBridge) JSON carried in an SNS notification's `Message` string. */
export function unwrapSnsEnvelope(envelope: JsonObject): SnsUnwrapped {
  const id = typeof envelope['MessageId'] === 'string' ? ` ${envelope['MessageId']}` : '';
  const type = envelope['Type'];
  if (type !== 'Notification') {
    // SubscriptionConfirmation and UnsubscribeConfirmation carry no object event.
    return { ok: false, outcome: ignoredOutcome(`SNS message${id} is a ${String(type)}, not a Notification`) };
  }
  const message = envelope['Message'];
  if (typeof message !== 'string') {
    return { ok: false, outcome: rejectedOutcome(`SNS message${id} has Message as ${describeValue(message)}, expected a JSON string`) };
  }
  try {
    return { ok: true, message: JSON.parse(message) as unknown };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, outcome: rejectedOutcome(`SNS message${id} Message is not JSON (${detail})`) };
  }
}
