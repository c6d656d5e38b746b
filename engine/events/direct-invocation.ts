import { ActionError } from '../errors.ts';
import type { NormaliseContext } from './context.ts';
import type { JsonObject } from './shape.ts';
import { buildObjectEvent } from './build-event.ts';
import { checkedKey } from './decode-key.ts';
import { objectEventId } from './event-id.ts';
import type { ObjectEvent } from './object-event.ts';
import { type Outcome, RejectedInput, eventsOutcome, outcomeOf } from './outcome.ts';
import { describeValue } from './shape.ts';

const FIELDS = ['sourceBucket', 'sourceKey', 'destinationBuckets'] as const;
const LABEL = 'direct invocation';

/** A manual invocation (seed 002): `{sourceBucket, sourceKey, destinationBuckets?}`. */
export function isDirectInvocation(value: JsonObject): boolean {
  return 'sourceBucket' in value || 'sourceKey' in value;
}

/**
 * The key is taken as written: a person typed it, nothing encoded it. Unknown fields are refused
 * so that a typo such as `destinationBucket` cannot silently fall back to the route's own destinations.
 * Nothing in the input identifies the object version, so the invocation stands in for the
 * sequencer in the id: its Lambda request id, which Lambda's retries of an asynchronous
 * invocation keep (so a retry is the same event, and its messages and emails are not sent
 * again), else its time. Running the same manual copy twice is two events, not one de-duplicated.
 */
export function normaliseDirectInvocation(input: JsonObject, context: NormaliseContext): Outcome {
  return outcomeOf(() => {
    const unknown = Object.keys(input).filter((name) => !(FIELDS as readonly string[]).includes(name));
    if (unknown.length > 0) {
      throw new RejectedInput(
        `${LABEL} has unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `'${n}'`).join(', ')} (expected ${FIELDS.join(', ')})`,
      );
    }
    const bucket = nonEmptyText(input['sourceBucket'], 'sourceBucket');
    const checked = checkedKey(nonEmptyText(input['sourceKey'], 'sourceKey'));
    if (!checked.ok) throw new RejectedInput(`${LABEL}: ${checked.reason}`);
    const key = checked.key;
    const destinationBuckets = destinationList(input['destinationBuckets']);
    const eventTime = context.now().toISOString();
    const facts = {
      origin: 'direct' as const,
      kind: 'created' as const,
      eventName: 'DirectInvocation',
      bucket,
      key,
      eventTime,
      destinationBuckets,
    };
    return eventsOutcome([buildObjectEvent(facts, objectEventId({ bucket, key, sequencer: `direct@${context.requestId ?? eventTime}` }))]);
  });
}

function nonEmptyText(value: unknown, field: string): string {
  if (typeof value === 'string' && value !== '') return value;
  if (value === undefined) throw new RejectedInput(`${LABEL} has no ${field}`);
  throw new RejectedInput(`${LABEL} has ${field} as ${value === '' ? 'an empty string' : describeValue(value)}, expected a non-empty string`);
}

function destinationList(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    throw new RejectedInput(`${LABEL} has destinationBuckets as ${describeValue(value)}, expected an array of bucket names`);
  }
  if (value.length === 0) {
    throw new RejectedInput(`${LABEL} has an empty destinationBuckets; leave it out to use the route's own destinations`);
  }
  return value.map((bucket: unknown, index) => {
    if (typeof bucket === 'string' && bucket !== '') return bucket;
    const got = bucket === '' ? 'an empty string' : describeValue(bucket);
    throw new RejectedInput(`${LABEL} has destinationBuckets[${index}] as ${got}, expected a bucket name`);
  });
}

export const DIRECT_SOURCE_NOT_FOUND = 'SourceNotFound';

/**
 * A manual invocation names an object that has to be there: when it is not, the caller made a
 * mistake (an event-driven copy would read it as a delete racing the event, and skip).
 */
export function missingDirectSource(event: Pick<ObjectEvent, 'bucket' | 'key'>, cause: unknown): ActionError {
  return new ActionError(
    DIRECT_SOURCE_NOT_FOUND,
    `s3://${event.bucket}/${event.key} does not exist: the ${LABEL} names no object, nothing was copied. Check sourceBucket and sourceKey: the key is taken as written (full path, exact case, not URL-encoded)`,
    'not-found',
    { bucket: event.bucket, key: event.key },
    { cause },
  );
}
