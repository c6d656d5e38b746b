/**
 * What the failure records' `announced` flag does for destinations, for a route that failed
 * before its actions (a lookup, a JSONata error): one small record per route and event saying
 * which error the failure notification told of, so a redelivery failing the same way does not
 * tell again. It is kept under `markers/`, not `failures/`: everything under `failures/` is a
 * destination to re-drive for `replay` and `status`, and a route error has none (its event is
 * redelivered, then dead-lettered, and replayed from there).
 */
import type { ObjectEvent } from '../events/object-event.ts';
import { withRetry } from '../retry.ts';
import { storeRetryOptions, type FailureStore } from './failure-store.ts';

export const ROUTE_ERROR_NOTICE_SCHEMA = 'switchyard.route-error-notice/1';

export interface RouteErrorNotice {
  schema: typeof ROUTE_ERROR_NOTICE_SCHEMA;
  route: string;
  eventId: string;
  object: { bucket: string; key: string };
  error: { code: string; message: string };
  failedAt: string;
  /** The failure notification told of this error. */
  announced: boolean;
}

export type RouteError = RouteErrorNotice['error'];

/** `_route-error` cannot be an action id (ids start with a letter), so no idempotency marker shares the key. */
export function routeErrorNoticeKey(route: string, event: Pick<ObjectEvent, 'id'>): string {
  return `markers/${route}/_route-error/${event.id}.json`;
}

/**
 * Whether an earlier delivery of the event announced this same error. A notice that is missing is
 * created first (`If-None-Match: *`, pending), so a missing key is never read: S3 answers that read
 * with 403 to a role without s3:ListBucket. An error is returned, not thrown: the caller then tells.
 */
export async function announcedBefore(store: FailureStore, route: string, event: ObjectEvent, error: RouteError): Promise<boolean | Error> {
  const key = routeErrorNoticeKey(route, event);
  const outcome = await withRetry(
    async () => {
      if (await store.storage.putIfAbsent(store.bucket, key, text(notice(route, event, error, store.now(), false)))) return false;
      const stored = parseNotice((await store.storage.getBody({ bucket: store.bucket, key })).toString('utf8'));
      return stored?.announced === true && stored.error.code === error.code && stored.error.message === error.message;
    },
    store.retry,
    storeRetryOptions(store),
  );
  return outcome.ok ? outcome.value : outcome.error;
}

/** Notes that the notification told of `error`; only after it went out, so one that failed is sent by the next delivery. */
export async function markRouteErrorAnnounced(store: FailureStore, route: string, event: ObjectEvent, error: RouteError): Promise<Error | undefined> {
  const key = routeErrorNoticeKey(route, event);
  const outcome = await withRetry(() => store.storage.put(store.bucket, key, text(notice(route, event, error, store.now(), true)), 'application/json'), store.retry, storeRetryOptions(store));
  return outcome.ok ? undefined : outcome.error;
}

function notice(route: string, event: ObjectEvent, error: RouteError, at: Date, announced: boolean): RouteErrorNotice {
  return { schema: ROUTE_ERROR_NOTICE_SCHEMA, route, eventId: event.id, object: { bucket: event.bucket, key: event.key }, error: { code: error.code, message: error.message }, failedAt: at.toISOString(), announced };
}

/** Undefined when what is stored is not a notice: it is then treated as never announced, and replaced. */
function parseNotice(body: string): RouteErrorNotice | undefined {
  let value: Partial<RouteErrorNotice> | null;
  try {
    value = JSON.parse(body) as Partial<RouteErrorNotice> | null;
  } catch {
    return undefined;
  }
  if (value?.schema !== ROUTE_ERROR_NOTICE_SCHEMA || typeof value.error?.code !== 'string' || typeof value.error.message !== 'string') return undefined;
  return value as RouteErrorNotice;
}

function text(value: RouteErrorNotice): string {
  return JSON.stringify(value, null, 2);
}
