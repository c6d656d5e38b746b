/**
 * The tracking record per file (seed 002): written when a route's actions start (`IN_PROGRESS`,
 * the resolved destinations) and when they end (status, counts, per-destination results,
 * timestamps). A later run of the same event (a redelivery, a replay) is merged into the stored
 * record instead of replacing it; tracking-store.ts does the writing.
 */
import type { Route, Tracking } from '../../schema/route.ts';
import type { ActionResult } from '../actions/execute.ts';
import type { Refusal } from '../actions/planned-action.ts';
import type { ObjectEvent } from '../events/object-event.ts';

const STATUSES = ['IN_PROGRESS', 'SUCCEEDED', 'PARTIALLY_FAILED', 'FAILED'] as const;
export type TrackingStatus = (typeof STATUSES)[number];

export interface TrackedFailure {
  destination: string;
  error: string;
  /** Attempts over every run that failed this destination. */
  attempts: number;
}

/** The schema's default `tracking.retention` (route.schema.json Tracking.retention.default). */
export const DEFAULT_TRACKING_RETENTION = '90d';

/**
 * A route's tracking as every reader must see it: on when the block is there and `enabled` is
 * not false (the schema's default is true), kept for `retention` or the default. The runtime, the
 * role's permissions and the state bucket's lifecycle all ask this one function.
 */
export function trackingOf(definition: Pick<Route, 'tracking'>): (Tracking & { retention: string }) | undefined {
  const tracking = definition.tracking;
  if (tracking === undefined || tracking.enabled === false) return undefined;
  return { ...tracking, retention: tracking.retention ?? DEFAULT_TRACKING_RETENTION };
}

export interface TrackingRecord {
  route: string;
  /** The seed's execution id: the event's id, the same over redeliveries and replays of the event. */
  eventId: string;
  sourceBucket: string;
  fileKey: string;
  /** When the change happened (the event's time), and S3's sequencer where it gave one: which of two uploads is the later. */
  eventTime?: string;
  sequencer?: string;
  status: TrackingStatus;
  /** When the first run of this event started. */
  startedAt: string;
  /** When the last run ended; absent while a run is in progress. */
  completedAt?: string;
  /** Runs of this event on this route: the first delivery, then each redelivery or replay. */
  runs: number;
  /** Every destination resolved for the event so far. */
  destinations: string[];
  totalDestinations: number;
  successfulCopies: number;
  failedCopies: number;
  successfulDestinations: string[];
  failedDestinations: TrackedFailure[];
  /** The last run's route error (it failed before its actions). */
  error?: string;
}

/** Keyed by route, source bucket and key: the latest record per file, as the seed's composite key. */
export function trackingKey(route: string, event: ObjectEvent): string {
  return `tracking/${route}/${event.bucket}/${event.key}.json`;
}

/** The record written before the actions run: nothing delivered yet. */
export function startedTrackingRecord(route: string, event: ObjectEvent, destinations: string[], started: Date): TrackingRecord {
  return { ...identity(route, event), status: 'IN_PROGRESS', startedAt: started.toISOString(), runs: 1, ...settled(distinct(destinations), [], []) };
}

/** The record of one run's outcome, on its own (mergeTracking folds it into what earlier runs left). */
export function trackingRecord(route: string, event: ObjectEvent, results: ActionResult[], refused: Refusal[], started: Date, finished: Date, error?: string): TrackingRecord {
  const ok = results.filter((r) => r.outcome !== 'failed').map((r) => r.destination);
  const failed = [
    ...results.filter((r) => r.outcome === 'failed').map((r) => ({ destination: r.destination, error: `${r.error?.code}: ${r.error?.message}`, attempts: r.attempts })),
    ...refused.map((r) => ({ destination: r.destination, error: r.reason, attempts: 0 })),
  ];
  return {
    ...identity(route, event),
    status: statusOf(ok.length, failed.length, error),
    startedAt: started.toISOString(),
    completedAt: finished.toISOString(),
    runs: 1,
    ...settled([...ok, ...failed.map((f) => f.destination)], ok, failed),
    ...(error ? { error } : {}),
  };
}

/**
 * `next` over what is stored for the file. Another event (a new upload of the key) replaces the
 * record. The same event keeps its first start and every destination delivered so far; a
 * destination delivered now leaves the failed list, and counts and status cover them all.
 */
export function mergeTracking(stored: TrackingRecord | undefined, next: TrackingRecord): TrackingRecord {
  if (!stored) return next;
  // A late redelivery or replay of an older upload must not replace the newer upload's record.
  if (stored.eventId !== next.eventId) return isLaterChange(stored, next) ? stored : next;
  const starting = next.status === 'IN_PROGRESS';
  const ok = distinct([...stored.successfulDestinations, ...next.successfulDestinations]);
  const failed = addFailures(stored.failedDestinations, next.failedDestinations).filter((f) => !ok.some((delivered) => delivers(delivered, f.destination)));
  // Until this run ends, the last run's error still stands.
  const error = starting ? stored.error : next.error;
  return {
    ...identity(next.route, { id: next.eventId, bucket: next.sourceBucket, key: next.fileKey, ...(next.eventTime !== undefined ? { eventTime: next.eventTime } : {}), ...(next.sequencer !== undefined ? { sequencer: next.sequencer } : {}) }),
    status: starting ? 'IN_PROGRESS' : statusOf(ok.length, failed.length, error),
    startedAt: stored.startedAt,
    ...(next.completedAt ? { completedAt: next.completedAt } : {}),
    // The final write of a run whose start record was written is the same run.
    runs: !starting && stored.status === 'IN_PROGRESS' ? stored.runs : stored.runs + 1,
    ...settled(starting ? distinct([...stored.destinations, ...next.destinations]) : [...ok, ...failed.map((f) => f.destination)], ok, failed),
    ...(error ? { error } : {}),
  };
}

/** A stored record read back; undefined when it is not one (it is then replaced). Records from before `runs` and `destinations` count as one run. */
export function parseTrackingRecord(text: string): TrackingRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(value)) return undefined;
  const { eventId, startedAt, status, successfulDestinations, failedDestinations } = value;
  if (typeof eventId !== 'string' || typeof startedAt !== 'string' || !STATUSES.includes(status as TrackingStatus) || !isStrings(successfulDestinations)) return undefined;
  if (!Array.isArray(failedDestinations) || !failedDestinations.every((f) => isObject(f) && typeof f.destination === 'string')) return undefined;
  const record = value as unknown as TrackingRecord;
  const failed = record.failedDestinations.map((f) => ({ destination: f.destination, error: String(f.error ?? ''), attempts: typeof f.attempts === 'number' ? f.attempts : 0 }));
  return {
    ...record,
    runs: typeof value.runs === 'number' ? value.runs : 1,
    destinations: isStrings(value.destinations) ? value.destinations : [...successfulDestinations, ...failed.map((f) => f.destination)],
    failedDestinations: failed,
  };
}

/** Nothing to do (every action skipped by `when`) is a success; FAILED means nothing arrived where something should have. */
function statusOf(ok: number, failed: number, error: string | undefined): TrackingStatus {
  if (error || (failed > 0 && ok === 0)) return 'FAILED';
  return failed > 0 ? 'PARTIALLY_FAILED' : 'SUCCEEDED';
}

function identity(route: string, event: Pick<ObjectEvent, 'id' | 'bucket' | 'key'> & Partial<Pick<ObjectEvent, 'eventTime' | 'sequencer'>>): Pick<TrackingRecord, 'route' | 'eventId' | 'sourceBucket' | 'fileKey' | 'eventTime' | 'sequencer'> {
  return {
    route,
    eventId: event.id,
    sourceBucket: event.bucket,
    fileKey: event.key,
    ...(event.eventTime !== undefined ? { eventTime: event.eventTime } : {}),
    ...(event.sequencer !== undefined ? { sequencer: event.sequencer } : {}),
  };
}

/**
 * Whether `stored` records a later change of the key than `next`. S3's sequencers order the
 * changes of one key (hex, compared at equal length); without both, the event times do. A record
 * from before either was kept counts as older.
 */
function isLaterChange(stored: TrackingRecord, next: TrackingRecord): boolean {
  if (stored.sequencer !== undefined && next.sequencer !== undefined) {
    const width = Math.max(stored.sequencer.length, next.sequencer.length);
    return stored.sequencer.padEnd(width, '0').toUpperCase() > next.sequencer.padEnd(width, '0').toUpperCase();
  }
  const storedAt = stored.eventTime !== undefined ? Date.parse(stored.eventTime) : NaN;
  const nextAt = next.eventTime !== undefined ? Date.parse(next.eventTime) : NaN;
  return Number.isFinite(storedAt) && Number.isFinite(nextAt) && storedAt > nextAt;
}

function settled(destinations: string[], ok: string[], failed: TrackedFailure[]): Pick<TrackingRecord, 'destinations' | 'totalDestinations' | 'successfulCopies' | 'failedCopies' | 'successfulDestinations' | 'failedDestinations'> {
  return { destinations, totalDestinations: destinations.length, successfulCopies: ok.length, failedCopies: failed.length, successfulDestinations: ok, failedDestinations: failed };
}

/** The latest error of each destination, with the attempts of every run added up. */
function addFailures(earlier: TrackedFailure[], now: TrackedFailure[]): TrackedFailure[] {
  const merged = new Map(earlier.map((f) => [f.destination, f]));
  for (const f of now) merged.set(f.destination, { ...f, attempts: (merged.get(f.destination)?.attempts ?? 0) + f.attempts });
  return [...merged.values()];
}

/** A refused destination is named by its bucket alone; once the allow-list is fixed it is delivered as `s3://bucket/key`. */
function delivers(delivered: string, failed: string): boolean {
  return delivered === failed || (!failed.includes('/') && delivered.startsWith(`s3://${failed}/`));
}

function distinct(values: string[]): string[] {
  return [...new Set(values)];
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
