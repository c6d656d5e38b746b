/** The tracking record per file (seed 002): status, counts, per-destination results and timestamps. */
import type { ActionResult } from '../actions/execute.ts';
import type { Refusal } from '../actions/planned-action.ts';
import type { ObjectEvent } from '../events/object-event.ts';

export interface TrackingRecord {
  route: string;
  eventId: string;
  sourceBucket: string;
  fileKey: string;
  status: 'SUCCEEDED' | 'PARTIALLY_FAILED' | 'FAILED';
  startedAt: string;
  completedAt: string;
  totalDestinations: number;
  successfulCopies: number;
  failedCopies: number;
  successfulDestinations: string[];
  failedDestinations: Array<{ destination: string; error: string; attempts: number }>;
  error?: string;
}

/** Keyed by route, source bucket and key: the latest record per file, as the seed's composite key. */
export function trackingKey(route: string, event: ObjectEvent): string {
  return `tracking/${route}/${event.bucket}/${event.key}.json`;
}

export function trackingRecord(route: string, event: ObjectEvent, results: ActionResult[], refused: Refusal[], started: Date, finished: Date, error?: string): TrackingRecord {
  const ok = results.filter((r) => r.outcome !== 'failed');
  const failed = [
    ...results.filter((r) => r.outcome === 'failed').map((r) => ({ destination: r.destination, error: `${r.error?.code}: ${r.error?.message}`, attempts: r.attempts })),
    ...refused.map((r) => ({ destination: r.destination, error: r.reason, attempts: 0 })),
  ];
  // Nothing to do (every action skipped by `when`) is a success; FAILED means nothing arrived where something should have.
  const status = error || (failed.length > 0 && ok.length === 0) ? 'FAILED' : failed.length > 0 ? 'PARTIALLY_FAILED' : 'SUCCEEDED';
  return {
    route,
    eventId: event.id,
    sourceBucket: event.bucket,
    fileKey: event.key,
    status,
    startedAt: started.toISOString(),
    completedAt: finished.toISOString(),
    totalDestinations: ok.length + failed.length,
    successfulCopies: ok.length,
    failedCopies: failed.length,
    successfulDestinations: ok.map((r) => r.destination),
    failedDestinations: failed,
    ...(error ? { error } : {}),
  };
}
