/**
 * No S3 event is larger than 256 KB: that is all an SQS message or an EventBridge event can carry
 * (and an S3 key is at most 1 KB). Anything larger was not sent by S3; it is rejected with its size
 * rather than parsed and routed.
 */
import { rejectedOutcome, type Outcome } from './outcome.ts';

export const MAX_EVENT_BYTES = 256 * 1024;

/** A rejection when `text` (a message body, a serialised event) is over the limit; undefined otherwise. */
export function oversized(text: string, what: string): Outcome | undefined {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes <= MAX_EVENT_BYTES) return undefined;
  return rejectedOutcome(
    `${what} is ${(bytes / 1024).toFixed(0)} KB, over the ${MAX_EVENT_BYTES / 1024} KB an S3 event (an SQS message, an EventBridge event) can be: not an event S3 sent; nothing is routed (it goes to the dead-letter queue to be looked at)`,
  );
}
