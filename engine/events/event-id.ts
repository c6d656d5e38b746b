import { createHash } from 'node:crypto';

export interface ObjectEventIdParts {
  bucket: string;
  key: string;
  versionId?: string;
  eTag?: string;
  sequencer?: string;
}

/**
 * A short id for one change to one object, the same every time that change is delivered
 * (SQS redelivery, EventBridge retry, the same change seen through both): a hash of bucket, key,
 * version (or eTag where there is no version) and sequencer. Idempotency keys for messages and
 * emails are derived from it.
 */
export function objectEventId(parts: ObjectEventIdParts): string {
  const version = parts.versionId !== undefined && parts.versionId !== 'null' ? parts.versionId : undefined;
  const eTag = parts.eTag?.replace(/^"(.*)"$/, '$1');
  const identity = [parts.bucket, parts.key, version ?? eTag ?? '', parts.sequencer ?? ''];
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 16);
}
