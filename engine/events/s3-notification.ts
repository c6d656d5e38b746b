import type { NormaliseContext } from './context.ts';
import { type Outcome, combineOutcomes, rejectedOutcome } from './outcome.ts';
import { normaliseS3Record } from './s3-record.ts';

/**
 * A whole S3 notification document `{Records: [...]}` as it arrives in one SQS message or SNS
 * message: its records succeed or fail together, because the message is acknowledged as one.
 */
export function normaliseS3Notification(records: unknown[], context: NormaliseContext): Outcome {
  if (records.length === 0) return rejectedOutcome('S3 notification has an empty Records list');
  return combineOutcomes(records.map((record, index) => normaliseS3Record(record, `S3 record ${index + 1}`, context)));
}
