import type { EventKind } from './object-event.ts';
import type { NormaliseContext } from './context.ts';
import type { JsonObject } from './shape.ts';
import { buildObjectEvent } from './build-event.ts';
import { checkedKey, decodeFormUrlEncodedKey } from './decode-key.ts';
import { eventTimeOf } from './event-time.ts';
import { fieldReader, realVersionId, unquoteETag } from './fields.ts';
import { type Outcome, RejectedInput, eventsOutcome, ignoredOutcome, outcomeOf } from './outcome.ts';

const KIND_BY_DETAIL_TYPE: Readonly<Record<string, EventKind>> = {
  'Object Created': 'created',
  'Object Deleted': 'deleted',
};

/** An EventBridge event, recognised by the envelope fields every event carries. */
export function isEventBridgeEvent(value: JsonObject): boolean {
  return 'detail-type' in value && 'source' in value && 'detail' in value;
}

/**
 * An S3 event delivered by EventBridge ("Object Created", "Object Deleted"; other S3 detail types
 * are acknowledged and ignored). Shape: https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html
 *
 * Key encoding. AWS's page above does not say, and its examples (`example-key`) cannot show it.
 * AWS's own Powertools for Lambda decodes the EventBridge key exactly like a notification key:
 * `S3EventBridgeNotificationObject.key` returns `unquote_plus(self["key"])`
 * (aws-powertools/powertools-lambda-python, aws_lambda_powertools/utilities/data_classes/s3_event.py),
 * so by default the key is form-URL-decoded here, once, like every S3 notification key.
 * moto 5.2.1 differs: `_send_event_bridge_message` (moto/s3/notifications.py) sends `key.name`
 * unencoded while its notifications use `quote_plus`; tests against moto pass
 * `{ eventBridgeKeys: 'raw' }`. moto also spells the ETag field `eTag` (AWS: `etag`), sends
 * `version-id: "null"` and a constant sequencer; all are accepted.
 */
export function normaliseEventBridgeEvent(event: JsonObject, context: NormaliseContext): Outcome {
  return outcomeOf(() => {
    const label = 'EventBridge event';
    const fields = fieldReader(event, label);
    const source = fields.requiredText('source');
    if (source !== 'aws.s3') throw new RejectedInput(`${label} comes from '${source}', not from S3 (aws.s3)`);
    const detailType = fields.requiredText('detail-type');
    const kind = KIND_BY_DETAIL_TYPE[detailType];
    if (kind === undefined) {
      return ignoredOutcome(`${label} is '${detailType}', which neither creates nor deletes an object`);
    }
    const bucket = fields.requiredText('detail.bucket.name');
    const key = eventBridgeKey(fields.requiredText('detail.object.key'), context, label);
    return eventsOutcome([
      buildObjectEvent({
        origin: 'eventbridge',
        kind,
        eventName: detailType,
        bucket,
        key,
        size: fields.optionalSize('detail.object.size'),
        eTag: unquoteETag(fields.optionalText('detail.object.etag') ?? fields.optionalText('detail.object.eTag')),
        versionId: realVersionId(fields.optionalText('detail.object.version-id')),
        sequencer: fields.optionalText('detail.object.sequencer'),
        eventTime: eventTimeOf(event['time'], context.now, `${label} time`),
        region: fields.optionalText('region'),
      }),
    ]);
  });
}

function eventBridgeKey(raw: string, context: NormaliseContext, label: string): string {
  const decoded = context.eventBridgeKeys === 'raw' ? checkedKey(raw) : decodeFormUrlEncodedKey(raw);
  if (!decoded.ok) throw new RejectedInput(`${label}: ${decoded.reason}`);
  if (decoded.key === '') throw new RejectedInput(`${label} has an empty detail.object.key`);
  return decoded.key;
}
