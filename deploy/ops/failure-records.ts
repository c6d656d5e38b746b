/**
 * The durable failure records the router leaves in the state bucket for every destination that
 * failed (`failures/<route>/<yyyy>/<mm>/<dd>/<eventId>/<actionId>.json`): listed, read, and
 * deleted once a re-drive delivered what they describe.
 */
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { errorMessage } from '../../engine/errors.ts';
import { mapLimit } from '../../engine/limiter.ts';
import { parseFailureRecord, type FailureRecord } from '../../engine/report/failure-record.ts';
import { OpsError } from './errors.ts';

export const FAILURES_PREFIX = 'failures/';
const READ_CONCURRENCY = 8;

export interface StoredFailure {
  bucket: string;
  key: string;
  record: FailureRecord;
}

export async function failureRecordKeys(s3: S3Client, bucket: string, route?: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: route ? `${FAILURES_PREFIX}${route}/` : FAILURES_PREFIX, ...(token ? { ContinuationToken: token } : {}) }),
    );
    for (const object of page.Contents ?? []) if (object.Key?.endsWith('.json')) keys.push(object.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

export async function readFailureRecords(s3: S3Client, bucket: string, route?: string): Promise<StoredFailure[]> {
  const keys = await failureRecordKeys(s3, bucket, route);
  return mapLimit(keys, READ_CONCURRENCY, async (key) => {
    try {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return { bucket, key, record: parseFailureRecord(await (object.Body?.transformToString() ?? Promise.resolve(''))) };
    } catch (error) {
      throw new OpsError('SY404', `could not read failure record s3://${bucket}/${key}: ${errorMessage(error)}`, { cause: error });
    }
  });
}

export async function deleteFailureRecord(s3: S3Client, stored: StoredFailure): Promise<void> {
  await s3.send(new DeleteObjectCommand({ Bucket: stored.bucket, Key: stored.key }));
}
