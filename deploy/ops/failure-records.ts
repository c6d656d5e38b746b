/**
 * The durable failure records the router leaves in the state bucket for every destination that
 * failed (`failures/<route>/<yyyy>/<mm>/<dd>/<eventId>/<actionId>/…json`, engine/report/failure-record.ts),
 * listed and read. The router itself marks a record resolved when a replay or a redelivery
 * delivers its destination after all; those are history, not work, and are left out here.
 */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { errorMessage } from '../../engine/errors.ts';
import { mapLimit } from '../../engine/limiter.ts';
import { failureRecordPrefix, parseFailureRecord, type FailureRecord } from '../../engine/report/failure-record.ts';
import { OpsError } from './errors.ts';

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
      new ListObjectsV2Command({ Bucket: bucket, Prefix: failureRecordPrefix(route), ...(token ? { ContinuationToken: token } : {}) }),
    );
    for (const object of page.Contents ?? []) if (object.Key?.endsWith('.json')) keys.push(object.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

/** The unresolved records (every record with `includeResolved`). */
export async function readFailureRecords(s3: S3Client, bucket: string, route?: string, options: { includeResolved?: boolean } = {}): Promise<StoredFailure[]> {
  const keys = await failureRecordKeys(s3, bucket, route);
  const stored = await mapLimit(keys, READ_CONCURRENCY, async (key) => {
    try {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return { bucket, key, record: parseFailureRecord(await (object.Body?.transformToString() ?? Promise.resolve('')), `s3://${bucket}/${key}`) };
    } catch (error) {
      throw new OpsError('SY404', `could not read failure record s3://${bucket}/${key}: ${errorMessage(error)}`, { cause: error });
    }
  });
  return options.includeResolved ? stored : stored.filter((s) => s.record.resolvedAt === undefined);
}
