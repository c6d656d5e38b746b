/**
 * Reading failure records back in bulk, for `switchyard replay` and `status`: every record under
 * `failures/` (or one route's), page by page, each parsed and checked. Something under the prefix
 * that is not a record is returned with the reason, never skipped silently.
 */
import { mapLimit } from '../limiter.ts';
import type { StoragePort } from '../ports/types.ts';
import { failureRecordPrefix, FailureRecordError, parseFailureRecord, type FailureRecord } from './failure-record.ts';

export type ListedFailure = { key: string; record: FailureRecord } | { key: string; problem: string };

export interface FailureQuery {
  route?: string;
  /** Only records that failed (last) at or after this time. */
  since?: Date;
  /** Include records marked resolved; by default only what is still missing. */
  includeResolved?: boolean;
  /** Reads in flight at once; default 8. */
  concurrency?: number;
}

export async function listFailureRecords(storage: StoragePort, bucket: string, query: FailureQuery = {}): Promise<ListedFailure[]> {
  const found: ListedFailure[] = [];
  let token: string | undefined;
  do {
    const page = await storage.list(bucket, failureRecordPrefix(query.route), token);
    const read = await mapLimit(page.objects, query.concurrency ?? 8, async ({ key }): Promise<ListedFailure> => {
      const body = await storage.getBody({ bucket, key });
      try {
        return { key, record: parseFailureRecord(body.toString('utf8'), `s3://${bucket}/${key}`) };
      } catch (error) {
        if (error instanceof FailureRecordError) return { key, problem: error.message };
        throw error;
      }
    });
    for (const entry of read) if (wanted(entry, query)) found.push(entry);
    token = page.nextToken;
  } while (token !== undefined);
  return found;
}

function wanted(entry: ListedFailure, query: FailureQuery): boolean {
  if (!('record' in entry)) return true;
  if (entry.record.resolvedAt && !query.includeResolved) return false;
  return query.since === undefined || Date.parse(entry.record.lastFailedAt) >= query.since.getTime();
}
