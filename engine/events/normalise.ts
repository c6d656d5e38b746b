import type { NormalisedInput } from './object-event.ts';
import type { NormaliseContext, NormaliseOptions } from './context.ts';
import { isEventBridgeEvent } from './eventbridge.ts';
import { isDirectInvocation } from './direct-invocation.ts';
import { outcomeOf, rejectedOutcome, toInputRecord } from './outcome.ts';
import { normalisePayload } from './payload.ts';
import { normaliseS3Record } from './s3-record.ts';
import { isJsonObject } from './shape.ts';
import { oversized } from './size-limit.ts';
import { isSqsRecord, normaliseSqsMessage } from './sqs-envelope.ts';

export type { NormaliseOptions } from './context.ts';

/**
 * Pipeline step 1: whatever invoked the Lambda (S3 directly, SQS, EventBridge, a person), as
 * InputRecords of ObjectEvents. Never throws: a malformed record is `rejected` with a reason and
 * the rest of the batch is still normalised.
 */
export function normaliseInput(
  input: unknown,
  now: () => Date = () => new Date(),
  options: NormaliseOptions = {},
  requestId?: string,
): NormalisedInput {
  const context: NormaliseContext = { now, eventBridgeKeys: options.eventBridgeKeys ?? 'form-url-encoded', ...(requestId !== undefined ? { requestId } : {}) };
  if (isJsonObject(input) && Array.isArray(input['Records'])) return normaliseRecordsEvent(input['Records'], context);
  const outcome = oversized(JSON.stringify(input) ?? '', 'the input') ?? outcomeOf(() => normalisePayload(input, context));
  return { viaSqs: false, records: [toInputRecord(singleRecordId(input), outcome)] };
}

/**
 * `{Records: [...]}` handed to Lambda: an SQS batch (each message one InputRecord) or an S3
 * notification delivered directly (each S3 record one InputRecord).
 */
function normaliseRecordsEvent(records: unknown[], context: NormaliseContext): NormalisedInput {
  if (records.length === 0) {
    return { viaSqs: false, records: [toInputRecord('input', rejectedOutcome('input has an empty Records list'))] };
  }
  if (records.some(isSqsRecord)) {
    return { viaSqs: true, records: records.map((message, index) => normaliseSqsMessage(message, index, context)) };
  }
  return {
    viaSqs: false,
    records: records.map((record, index) =>
      toInputRecord(`s3-record-${index + 1}`, oversized(JSON.stringify(record) ?? '', `S3 record ${index + 1}`) ?? normaliseS3Record(record, `S3 record ${index + 1}`, context)),
    ),
  };
}

function singleRecordId(input: unknown): string {
  if (!isJsonObject(input)) return 'input';
  if (isEventBridgeEvent(input) && typeof input['id'] === 'string' && input['id'] !== '') return input['id'];
  if (isDirectInvocation(input)) return 'direct-invocation';
  return 'input';
}
