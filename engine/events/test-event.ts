import type { JsonObject } from './shape.ts';
import { type Outcome, ignoredOutcome } from './outcome.ts';

/** `{Service: 'Amazon S3', Event: 's3:TestEvent', Bucket, ...}`, sent when a notification configuration is saved. */
export function isS3TestEvent(value: JsonObject): boolean {
  return value['Event'] === 's3:TestEvent';
}

export function acknowledgeS3TestEvent(value: JsonObject): Outcome {
  const bucket = typeof value['Bucket'] === 'string' ? ` for bucket '${value['Bucket']}'` : '';
  return ignoredOutcome(`s3:TestEvent${bucket}: S3 sends it when a notification configuration is saved; nothing to route`);
}
