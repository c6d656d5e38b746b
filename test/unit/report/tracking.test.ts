/** Tracking records over several runs of one file (seed 002): the start record, and a later run merged into what earlier runs left. */
import { describe, expect, it } from 'vitest';
import type { ActionResult } from '../../../engine/actions/execute.ts';
import type { ObjectEvent } from '../../../engine/events/object-event.ts';
import { mergeTracking, parseTrackingRecord, startedTrackingRecord, trackingRecord, type TrackingRecord } from '../../../engine/report/tracking.ts';

const event: ObjectEvent = { id: 'ev-1', origin: 's3-notification', kind: 'created', eventName: 'ObjectCreated:Put', bucket: 'global-builds', key: 'builds/app.zip', eventTime: '2026-11-20T09:59:58.000Z' };
const A = 's3://region-a-builds/builds/app.zip';
const B = 's3://region-b-builds/builds/app.zip';
const T0 = new Date('2026-11-20T10:00:00.000Z');
const T1 = new Date('2026-11-20T10:00:05.000Z');
const T2 = new Date('2026-11-20T11:00:00.000Z');
const T3 = new Date('2026-11-20T11:00:04.000Z');

const ok = (destination: string): ActionResult => ({ actionId: 'replicate', type: 'copy', destination, outcome: 'succeeded', attempts: 1, durationMs: 5 });
const failed = (destination: string, attempts = 4, code = 'SlowDown'): ActionResult => ({ ...ok(destination), outcome: 'failed', attempts, error: { code, message: 'reduce your rate', failureClass: 'throttling' } });
const refused = (bucket: string) => ({ actionId: 'replicate', type: 'copy' as const, destination: bucket, reason: `${bucket} is not in allow.buckets` });

/** The final record of one run on its own, as the pipeline builds it. */
const run = (results: ActionResult[], started: Date, finished: Date, options: { refused?: string[]; error?: string; id?: string } = {}): TrackingRecord =>
  trackingRecord('global-builds', { ...event, id: options.id ?? event.id }, results, (options.refused ?? []).map(refused), started, finished, options.error);

describe('the start record', () => {
  it('is IN_PROGRESS with the start time, the event id and the resolved destinations, nothing delivered yet', () => {
    expect(startedTrackingRecord('global-builds', event, [A, B, A], T0)).toEqual({
      route: 'global-builds',
      eventId: 'ev-1',
      sourceBucket: 'global-builds',
      fileKey: 'builds/app.zip',
      eventTime: event.eventTime,
      status: 'IN_PROGRESS',
      startedAt: T0.toISOString(),
      runs: 1,
      destinations: [A, B],
      totalDestinations: 2,
      successfulCopies: 0,
      failedCopies: 0,
      successfulDestinations: [],
      failedDestinations: [],
    });
  });
});

describe('a run merged into the stored record', () => {
  const first = mergeTracking(startedTrackingRecord('global-builds', event, [A, B], T0), run([ok(A), failed(B)], T0, T1));
  const cases: Array<{ proves: string; stored: TrackingRecord | undefined; next: TrackingRecord; expected: Partial<TrackingRecord> }> = [
    {
      proves: 'nothing stored: the run is the record',
      stored: undefined,
      next: run([ok(A), failed(B)], T0, T1),
      expected: { status: 'PARTIALLY_FAILED', runs: 1, startedAt: T0.toISOString(), completedAt: T1.toISOString(), successfulDestinations: [A] },
    },
    {
      proves: "the final write over its own start record is the same run, and keeps the start's time",
      stored: startedTrackingRecord('global-builds', event, [A, B], T0),
      next: run([ok(A), failed(B)], T1, T1),
      expected: { status: 'PARTIALLY_FAILED', runs: 1, startedAt: T0.toISOString(), completedAt: T1.toISOString(), destinations: [A, B] },
    },
    {
      proves: 'a replay that delivers the failed destination: it leaves the failed list, the earlier success stays, SUCCEEDED',
      stored: first,
      next: run([ok(B)], T2, T3),
      expected: { status: 'SUCCEEDED', runs: 2, startedAt: T0.toISOString(), completedAt: T3.toISOString(), destinations: [A, B], totalDestinations: 2, successfulCopies: 2, failedCopies: 0, successfulDestinations: [A, B], failedDestinations: [] },
    },
    {
      proves: 'a redelivery failing a destination an earlier run delivered: it stays delivered',
      stored: first,
      next: run([failed(A, 2), ok(B)], T2, T3),
      expected: { status: 'SUCCEEDED', runs: 2, successfulDestinations: [A, B], failedDestinations: [] },
    },
    {
      proves: 'a destination failing again keeps its latest error and adds up its attempts',
      stored: first,
      next: run([failed(B, 2, 'InternalError')], T2, T3),
      expected: { status: 'PARTIALLY_FAILED', runs: 2, successfulDestinations: [A], failedDestinations: [{ destination: B, error: 'InternalError: reduce your rate', attempts: 6 }] },
    },
    {
      proves: 'a route error on a later run: FAILED with the error, earlier successes kept',
      stored: first,
      next: run([], T2, T3, { error: 'SSM parameter /x could not be read' }),
      expected: { status: 'FAILED', error: 'SSM parameter /x could not be read', successfulDestinations: [A], failedCopies: 1 },
    },
    {
      proves: 'a bucket the allow-list refused, delivered once the list is fixed, leaves the failed list',
      stored: run([ok(A)], T0, T1, { refused: ['region-c-builds'] }),
      next: run([ok('s3://region-c-builds/builds/app.zip')], T2, T3),
      expected: { status: 'SUCCEEDED', successfulDestinations: [A, 's3://region-c-builds/builds/app.zip'], failedDestinations: [], totalDestinations: 2 },
    },
    {
      proves: 'another event id (a new upload of the key) replaces the record',
      stored: first,
      next: run([ok(A)], T2, T3, { id: 'ev-2' }),
      expected: { eventId: 'ev-2', status: 'SUCCEEDED', runs: 1, startedAt: T2.toISOString(), successfulDestinations: [A], failedDestinations: [], totalDestinations: 1 },
    },
  ];

  it.each(cases)('$proves', ({ stored, next, expected }) => {
    expect(mergeTracking(stored, next)).toMatchObject(expected);
  });

  it("a later run's start record is IN_PROGRESS, counts one more run, keeps what earlier runs delivered and drops the finished time", () => {
    const started = mergeTracking(first, startedTrackingRecord('global-builds', event, [B], T2));

    expect(started).toMatchObject({ status: 'IN_PROGRESS', runs: 2, startedAt: T0.toISOString(), destinations: [A, B], successfulDestinations: [A], failedDestinations: [{ destination: B, attempts: 4 }] });
    expect(started.completedAt).toBeUndefined();
    expect(mergeTracking(started, run([ok(B)], T2, T3))).toMatchObject({ status: 'SUCCEEDED', runs: 2, completedAt: T3.toISOString() });
  });
});

describe('a stored record read back', () => {
  it('a record written before runs and destinations existed counts as one run over its own destinations', () => {
    const { runs: _runs, destinations: _destinations, ...old } = run([ok(A), failed(B)], T0, T1);

    expect(parseTrackingRecord(JSON.stringify(old))).toMatchObject({ runs: 1, destinations: [A, B] });
  });

  it.each(['not json', '[]', '{"eventId": "ev-1"}', JSON.stringify({ ...run([], T0, T1), status: 'DONE' })])('%s is not a record: it is replaced', (text) => {
    expect(parseTrackingRecord(text)).toBeUndefined();
  });
});

describe('a late run of an older upload', () => {
  const newer = { ...event, id: 'ev-2', eventTime: '2026-11-20T11:00:00.000Z' };
  const older = { ...event, id: 'ev-1', eventTime: '2026-11-20T09:00:00.000Z' };
  const ok: ActionResult[] = [{ actionId: 'replicate', type: 'copy', destination: A, outcome: 'succeeded', attempts: 1, durationMs: 5 }];

  it("does not replace the newer upload's record (a redelivery or replay arriving after it)", () => {
    const stored = trackingRecord('global-builds', newer, ok, [], T0, T0);
    expect(mergeTracking(stored, trackingRecord('global-builds', older, ok, [], T0, T0))).toBe(stored);
  });

  it('a newer upload replaces the older one', () => {
    const next = trackingRecord('global-builds', newer, ok, [], T0, T0);
    expect(mergeTracking(trackingRecord('global-builds', older, ok, [], T0, T0), next)).toBe(next);
  });

  it("S3's sequencers decide over the times where both have one (same second, two uploads)", () => {
    const first = { ...older, eventTime: newer.eventTime, sequencer: '0055AED6DCD90281E5' };
    const second = { ...newer, sequencer: '0055AED6DCD90281F0' };
    const stored = trackingRecord('global-builds', second, ok, [], T0, T0);
    expect(mergeTracking(stored, trackingRecord('global-builds', first, ok, [], T0, T0))).toBe(stored);
  });

  it('a record written before event times were kept counts as older', () => {
    const { eventTime: _dropped, ...legacy } = trackingRecord('global-builds', newer, ok, [], T0, T0);
    const next = trackingRecord('global-builds', older, ok, [], T0, T0);
    expect(mergeTracking(legacy, next)).toBe(next);
  });
});
