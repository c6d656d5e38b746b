/**
 * The durable failure records of one stack's state bucket (engine/report/failure-record.ts),
 * read through the router's own listing: unresolved ones by default (the router marks a record
 * resolved when a replay or a redelivery delivers its destination after all). Anything under
 * `failures/` that is not a record comes back as a stray with the reason, never skipped.
 */
import { listFailureRecords } from '../../engine/report/failure-listing.ts';
import type { FailureRecord } from '../../engine/report/failure-record.ts';
import type { StoragePort } from '../../engine/ports/types.ts';

export interface StoredFailure {
  bucket: string;
  key: string;
  record: FailureRecord;
}

export interface FailureRecords {
  records: StoredFailure[];
  /** `s3://…: reason` of each object under failures/ that is not a readable record. */
  strays: string[];
}

export async function readFailureRecords(storage: StoragePort, bucket: string, query: { route?: string; since?: Date } = {}): Promise<FailureRecords> {
  const listed = await listFailureRecords(storage, bucket, query);
  const records: StoredFailure[] = [];
  const strays: string[] = [];
  for (const entry of listed) {
    if ('record' in entry) records.push({ bucket, key: entry.key, record: entry.record });
    else strays.push(`s3://${bucket}/${entry.key}: ${entry.problem}`);
  }
  return { records, strays };
}
