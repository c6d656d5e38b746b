import type { NormaliseContext } from './context.ts';
import { acknowledgeS3TestEvent, isS3TestEvent } from './test-event.ts';
import { isDirectInvocation, normaliseDirectInvocation } from './direct-invocation.ts';
import { isEventBridgeEvent, normaliseEventBridgeEvent } from './eventbridge.ts';
import { type Outcome, rejectedOutcome } from './outcome.ts';
import { normaliseS3Notification } from './s3-notification.ts';
import { isSnsEnvelope, unwrapSnsEnvelope } from './sns-envelope.ts';
import { describeValue, isJsonObject } from './shape.ts';

export const SUPPORTED_SHAPES =
  'an S3 notification ({Records: [...]}), an SNS notification carrying one, an EventBridge S3 event, ' +
  's3:TestEvent, or a direct invocation ({sourceBucket, sourceKey, destinationBuckets?})';

/**
 * One self-contained payload: what a single SQS message body, SNS message or direct Lambda call
 * holds. Decides which shape it is and hands it to that shape's reader.
 */
export function normalisePayload(payload: unknown, context: NormaliseContext): Outcome {
  if (!isJsonObject(payload)) return rejectedOutcome(`payload is ${describeValue(payload)}, expected ${SUPPORTED_SHAPES}`);
  if (isS3TestEvent(payload)) return acknowledgeS3TestEvent(payload);
  if (isSnsEnvelope(payload)) {
    const unwrapped = unwrapSnsEnvelope(payload);
    if (!unwrapped.ok) return unwrapped.outcome;
    // An SNS message holds the S3 notification itself; another envelope inside is not a shape AWS sends.
    if (isJsonObject(unwrapped.message) && isSnsEnvelope(unwrapped.message)) {
      return rejectedOutcome('SNS message wraps another SNS message');
    }
    return normalisePayload(unwrapped.message, context);
  }
  if (Array.isArray(payload['Records'])) return normaliseS3Notification(payload['Records'], context);
  if (isEventBridgeEvent(payload)) return normaliseEventBridgeEvent(payload, context);
  if (isDirectInvocation(payload)) return normaliseDirectInvocation(payload, context);
  const fields = Object.keys(payload).slice(0, 5).join(', ');
  return rejectedOutcome(`payload with fields {${fields}} is not a supported event; expected ${SUPPORTED_SHAPES}`);
}
