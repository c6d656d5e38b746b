/**
 * Writes a tracking record merged with the one already stored for the file, through the storage
 * port. The first write creates it (`If-None-Match: *`), so a missing record is never read: S3
 * answers a read of a missing key with 403, not 404, to a role without s3:ListBucket. Later
 * writes read it and replace it only while it is unchanged (`If-Match`), so two runs of one
 * event finishing together do not lose each other's destinations.
 */
import { ActionError } from '../errors.ts';
import { isNotFound } from '../actions/missing-object.ts';
import type { StoragePort } from '../ports/types.ts';
import { mergeTracking, parseTrackingRecord, type TrackingRecord } from './tracking.ts';

/** Times a write may find the record changed under it before it gives up (and its retry policy decides). */
const CONTENDED_ROUNDS = 3;

/**
 * Stores `next` merged into the stored record; returns what was written. `exists`: this process
 * wrote the record moments ago (the start record), so the create is skipped and the first round
 * reads at once: one request fewer per event. Throws an ActionError when the storage fails or
 * stays contended.
 */
export async function writeTrackingRecord(storage: StoragePort, bucket: string, key: string, next: TrackingRecord, options: { exists?: boolean } = {}): Promise<TrackingRecord> {
  for (let round = 1; round <= CONTENDED_ROUNDS; round++) {
    const create = round > 1 || options.exists !== true;
    if (create && (await wins(() => storage.putIfAbsent(bucket, key, text(next))))) return next;
    const stored = await readStored(storage, bucket, key);
    // Deleted between the two calls (a lifecycle expiry): create it again.
    if (!stored) continue;
    const previous = parseTrackingRecord(stored.body.toString('utf8'));
    const merged = mergeTracking(previous, next);
    // The stored record is a later upload's: nothing to write.
    if (previous !== undefined && merged === previous) return previous;
    if (await wins(() => storage.putIfMatch(bucket, key, text(merged), stored.eTag))) return merged;
  }
  throw new ActionError('TrackingRecordContended', `s3://${bucket}/${key} changed under each of ${CONTENDED_ROUNDS} merges: another run of the same file keeps writing it`, 'conflict', { bucket, key });
}

/**
 * A conditional write's outcome: false when another writer got there first, which S3 says with
 * 412 (the port's false) or, for two conditional writes at once, 409 ConditionalRequestConflict
 * (class conflict): either way, read again and merge.
 */
async function wins(write: () => Promise<boolean>): Promise<boolean> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof ActionError && error.failureClass === 'conflict') return false;
    throw error;
  }
}

async function readStored(storage: StoragePort, bucket: string, key: string): Promise<{ body: Buffer; eTag: string } | undefined> {
  try {
    return await storage.getBodyAndETag({ bucket, key });
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

function text(record: TrackingRecord): string {
  return JSON.stringify(record, null, 2);
}
