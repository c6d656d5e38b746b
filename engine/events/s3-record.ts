import type { EventKind } from './object-event.ts';
import type { NormaliseContext } from './context.ts';
import { buildObjectEvent } from './build-event.ts';
import { decodeFormUrlEncodedKey } from './decode-key.ts';
import { eventTimeOf } from './event-time.ts';
import { fieldReader, realVersionId, unquoteETag } from './fields.ts';
import { type Outcome, RejectedInput, eventsOutcome, ignoredOutcome, outcomeOf } from './outcome.ts';
import { isJsonObject } from './shape.ts';

const SUPPORTED_EVENT_VERSION = /^2\.\d+$/;

/**
 * S3 event names that change what a route sees. Lifecycle expiration removes objects just as
 * DeleteObject does, and EventBridge reports both as "Object Deleted", so both count as deletions.
 */
export function s3EventKind(eventName: string): EventKind | undefined {
  const name = eventName.startsWith('s3:') ? eventName.slice(3) : eventName;
  if (name.startsWith('ObjectCreated:')) return 'created';
  if (name.startsWith('ObjectRemoved:') || name.startsWith('LifecycleExpiration:')) return 'deleted';
  return undefined;
}

/** One entry of an S3 notification's `Records` (eventVersion 2.x); `label` names it in reasons, e.g. "S3 record 2". */
export function normaliseS3Record(record: unknown, label: string, context: NormaliseContext): Outcome {
  return outcomeOf(() => {
    if (!isJsonObject(record)) throw new RejectedInput(`${label} is not an object`);
    const fields = fieldReader(record, label);
    const eventSource = fields.requiredText('eventSource');
    if (eventSource !== 'aws:s3') throw new RejectedInput(`${label} has eventSource '${eventSource}', expected 'aws:s3'`);
    const eventVersion = fields.requiredText('eventVersion');
    if (!SUPPORTED_EVENT_VERSION.test(eventVersion)) {
      throw new RejectedInput(`${label} has eventVersion '${eventVersion}'; only 2.x is supported`);
    }
    const eventName = fields.requiredText('eventName');
    const kind = s3EventKind(eventName);
    if (kind === undefined) {
      return ignoredOutcome(`${label} is ${eventName}, which neither creates nor removes an object`);
    }
    const bucket = fields.requiredText('s3.bucket.name');
    const decoded = decodeFormUrlEncodedKey(fields.requiredText('s3.object.key'));
    if (!decoded.ok) throw new RejectedInput(`${label}: ${decoded.reason}`);
    if (decoded.key === '') throw new RejectedInput(`${label} has an empty s3.object.key`);
    return eventsOutcome([
      buildObjectEvent({
        origin: 's3-notification',
        kind,
        eventName,
        bucket,
        key: decoded.key,
        size: fields.optionalSize('s3.object.size'),
        eTag: unquoteETag(fields.optionalText('s3.object.eTag')),
        versionId: realVersionId(fields.optionalText('s3.object.versionId')),
        sequencer: fields.optionalText('s3.object.sequencer'),
        eventTime: eventTimeOf(record['eventTime'], context.now, `${label} eventTime`),
        region: fields.optionalText('awsRegion'),
      }),
    ]);
  });
}
