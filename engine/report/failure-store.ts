/**
 * Writes failure records through the storage port (so dry-run and local mode show them too),
 * and reads them back. A record that cannot be written after its retries is an error the
 * caller must turn into a failed event: the trigger then redelivers or dead-letters it.
 */
import { ActionError } from '../errors.ts';
import type { ObjectEvent } from '../events/object-event.ts';
import type { StoragePort } from '../ports/types.ts';
import { withRetry, type RetryOptions, type RetryPolicy } from '../retry.ts';
import { failureRecord, failureRecordKey, FailureRecordError, isAnnouncedRepeat, parseFailureRecord, type DestinationFailure, type FailureRecord } from './failure-record.ts';

export interface FailureStore {
  storage: StoragePort;
  bucket: string;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  retry: RetryPolicy;
  /** The invocation's time left: a retry that would sleep past it is not made. */
  remainingMs?: () => number;
}

export function storeRetryOptions(store: FailureStore): RetryOptions {
  return { sleep: store.sleep, ...(store.remainingMs ? { remainingMs: store.remainingMs } : {}) };
}

export interface WrittenRecord {
  failure: DestinationFailure;
  /** `failures/…` in the state bucket. */
  key: string;
  /** `s3://<state bucket>/failures/…` */
  uri: string;
  /** An earlier delivery failed this destination with the same error and announced it (see `markAnnounced`): not to be told again. */
  repeat: boolean;
}

/** Reads one record; undefined when there is none (or what is there is not a record: it is replaced). */
export async function readFailureRecord(storage: StoragePort, bucket: string, key: string): Promise<FailureRecord | undefined> {
  let body: Buffer;
  try {
    body = await storage.getBody({ bucket, key });
  } catch (error) {
    if (error instanceof ActionError && error.failureClass === 'not-found') return undefined;
    throw error;
  }
  try {
    return parseFailureRecord(body.toString('utf8'), `s3://${bucket}/${key}`);
  } catch (error) {
    if (error instanceof FailureRecordError) return undefined;
    throw error;
  }
}

/**
 * One record per failed destination. A destination that already has a record (an earlier
 * delivery of the same event failed it too) keeps its first failure time and adds the attempts.
 * Throws an ActionError naming every record that could not be written.
 */
export async function writeFailureRecords(store: FailureStore, route: string, event: ObjectEvent, failures: DestinationFailure[], eventFailed: boolean): Promise<WrittenRecord[]> {
  const written: WrittenRecord[] = [];
  const lost: string[] = [];
  for (const failure of failures) {
    const key = failureRecordKey(route, event, failure.actionId, failure.destination);
    // From the first read only: a put that timed out but landed must not make its own record look earlier.
    let before: { previous: FailureRecord | undefined } | undefined;
    const outcome = await withRetry(
      async () => {
        const previous = await readFailureRecord(store.storage, store.bucket, key);
        before ??= { previous };
        const record = failureRecord(route, event, failure, eventFailed, store.now(), previous);
        await store.storage.put(store.bucket, key, JSON.stringify(record, null, 2), 'application/json');
      },
      store.retry,
      storeRetryOptions(store),
    );
    if (outcome.ok) written.push({ failure, key, uri: `s3://${store.bucket}/${key}`, repeat: isAnnouncedRepeat(before?.previous, failure) });
    else lost.push(`${failure.destination.id} (${outcome.error.code}: ${outcome.error.message})`);
  }
  if (lost.length > 0) {
    throw new ActionError(
      'FailureRecordNotWritten',
      `the failure record of ${lost.join(', ')} could not be written to s3://${store.bucket}/failures/: the event fails so that it is delivered again`,
      '5xx',
      { route, bucket: event.bucket, key: event.key },
    );
  }
  return written;
}

/**
 * Notes on each record that the failure notification went out. Only after it did: a notification
 * that failed to render or publish is sent again by the next delivery. Returns the first error.
 */
export async function markAnnounced(store: FailureStore, keys: string[]): Promise<Error | undefined> {
  for (const key of keys) {
    const outcome = await withRetry(
      async () => {
        const record = await readFailureRecord(store.storage, store.bucket, key);
        if (!record || record.announced) return;
        await store.storage.put(store.bucket, key, JSON.stringify({ ...record, announced: true }, null, 2), 'application/json');
      },
      store.retry,
      storeRetryOptions(store),
    );
    if (!outcome.ok) return outcome.error;
  }
  return undefined;
}

/**
 * Marks a destination's record resolved (it got what it should have after all). Nothing to do
 * when there is no record; a failure to mark is returned, not thrown: the destination is fine,
 * only the record is stale, and re-driving a stale record repeats nothing (copies are
 * idempotent, sends are de-duplicated).
 */
export async function resolveFailureRecord(store: FailureStore, key: string, by: 'replay' | 'redelivery'): Promise<'resolved' | 'none' | Error> {
  const outcome = await withRetry(
    async () => {
      const record = await readFailureRecord(store.storage, store.bucket, key);
      if (!record || record.resolvedAt) return 'none' as const;
      const resolved: FailureRecord = { ...record, resolvedAt: store.now().toISOString(), resolvedBy: by };
      await store.storage.put(store.bucket, key, JSON.stringify(resolved, null, 2), 'application/json');
      return 'resolved' as const;
    },
    store.retry,
    storeRetryOptions(store),
  );
  return outcome.ok ? outcome.value : outcome.error;
}
