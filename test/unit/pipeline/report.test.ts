/** Report: tracking record and failure notification (seed 002), the EMF metric line, and structured logs. */
import { describe, expect, it } from 'vitest';
import type { ActionResult } from '../../../engine/actions/execute.ts';
import type { ObjectEvent } from '../../../engine/events/object-event.ts';
import { loadRoutes } from '../../../engine/load/load-routes.ts';
import { routeSetFromDisk } from '../../../engine/load/route-set.ts';
import { Pipeline } from '../../../engine/pipeline.ts';
import { failureMessage } from '../../../engine/report/failure-message.ts';
import { memoryLog } from '../../../engine/report/log.ts';
import { countResults, emfLine } from '../../../engine/report/metrics.ts';
import { trackingRecord } from '../../../engine/report/tracking.ts';
import { fakeWorld, s3Created } from './fake-world.ts';

const globalBuilds = loadRoutes(routeSetFromDisk(['routes'])).routes.filter((r) => r.name === 'global-builds');

function result(destination: string, outcome: ActionResult['outcome'], attempts = 1, error?: ActionResult['error']): ActionResult {
  return { actionId: 'replicate', type: 'copy', destination, outcome, attempts, durationMs: 5, ...(error ? { error } : {}) };
}
const event: ObjectEvent = { id: 'ev-1', origin: 's3-notification', kind: 'created', eventName: 'ObjectCreated:Put', bucket: 'global-builds', key: 'builds/app.zip', eventTime: '2026-11-20T09:59:58.000Z' };

describe('tracking record', () => {
  const started = new Date('2026-11-20T10:00:00.000Z');
  const finished = new Date('2026-11-20T10:00:03.000Z');
  const denied = { code: 'AccessDenied', message: 'Access Denied', failureClass: 'access-denied' };
  const cases = [
    { proves: 'all delivered → SUCCEEDED', results: [result('s3://a/k', 'succeeded'), result('s3://b/k', 'succeeded')], refused: 0, error: undefined, status: 'SUCCEEDED', ok: 2, failed: 0 },
    { proves: 'a duplicate or skipped destination counts as delivered', results: [result('s3://a/k', 'skipped'), result('s3://b/k', 'duplicate')], refused: 0, error: undefined, status: 'SUCCEEDED', ok: 2, failed: 0 },
    { proves: 'some failed → PARTIALLY_FAILED', results: [result('s3://a/k', 'succeeded'), result('s3://b/k', 'failed', 4, denied)], refused: 0, error: undefined, status: 'PARTIALLY_FAILED', ok: 1, failed: 1 },
    { proves: 'all failed → FAILED', results: [result('s3://b/k', 'failed', 4, denied)], refused: 1, error: undefined, status: 'FAILED', ok: 0, failed: 2 },
    { proves: 'a route error → FAILED with the error', results: [], refused: 0, error: 'SSM parameter /x does not exist', status: 'FAILED', ok: 0, failed: 0 },
    { proves: 'nothing to do → SUCCEEDED', results: [], refused: 0, error: undefined, status: 'SUCCEEDED', ok: 0, failed: 0 },
  ] as const;

  it.each(cases)('$proves', ({ results, refused, error, status, ok, failed }) => {
    const refusals = Array.from({ length: refused }, () => ({ actionId: 'replicate', type: 'copy' as const, destination: 'invalid-bucket', reason: 'invalid-bucket is not in allow.buckets' }));

    const record = trackingRecord('global-builds', event, [...results], refusals, started, finished, error);

    expect(record).toMatchObject({
      route: 'global-builds',
      eventId: 'ev-1',
      sourceBucket: 'global-builds',
      fileKey: 'builds/app.zip',
      status,
      startedAt: '2026-11-20T10:00:00.000Z',
      completedAt: '2026-11-20T10:00:03.000Z',
      totalDestinations: ok + failed,
      successfulCopies: ok,
      failedCopies: failed,
    });
    expect(record.successfulDestinations).toHaveLength(ok);
    expect(record.error).toBe(error);
  });

  it('failed destinations carry the error code, message and attempts; refusals 0 attempts', () => {
    const record = trackingRecord('global-builds', event, [result('s3://b/k', 'failed', 4, { code: 'SlowDown', message: 'reduce your rate', failureClass: 'throttling' })], [{ actionId: 'replicate', type: 'copy', destination: 'invalid-bucket', reason: 'not allowed' }], new Date(0), new Date(0));

    expect(record.failedDestinations).toEqual([
      { destination: 's3://b/k', error: 'SlowDown: reduce your rate', attempts: 4 },
      { destination: 'invalid-bucket', error: 'not allowed', attempts: 0 },
    ]);
  });
});

describe('seed 002 through the pipeline: tracking record and failure notification', () => {
  it('a manual run naming an invalid bucket writes a FAILED record and publishes the rich notification', async () => {
    const world = fakeWorld();
    world.putObject('global-builds', 'builds/app-1.4.2.zip', 'zip bytes');
    const pipeline = new Pipeline({ routes: globalBuilds, ports: world.ports, stateBucket: 'switchyard-state' });

    await pipeline.processInput({ sourceBucket: 'global-builds', sourceKey: 'builds/app-1.4.2.zip', destinationBuckets: ['region-a-builds', 'invalid-bucket'] });

    const record = JSON.parse(world.object('switchyard-state', 'tracking/global-builds/global-builds/builds/app-1.4.2.zip.json')?.body.toString() ?? '{}');
    expect(record).toMatchObject({
      status: 'PARTIALLY_FAILED',
      totalDestinations: 2,
      successfulCopies: 1,
      failedCopies: 1,
      successfulDestinations: ['s3://region-a-builds/builds/app-1.4.2.zip'],
      failedDestinations: [{ destination: 'invalid-bucket', attempts: 0, error: 'invalid-bucket is not in allow.buckets of route global-builds: refused, nothing written' }],
    });
    expect(world.published).toHaveLength(1);
    const note = world.published[0];
    expect(note?.topic).toBe('file-copy-failures');
    expect(note?.subject).toBe('Switchyard global-builds: 1 failed for builds/app-1.4.2.zip');
    expect(note?.message).toContain('❌ Switchyard: global-builds failed for s3://global-builds/builds/app-1.4.2.zip');
    expect(note?.message).toContain('Succeeded: 1 of 2 destinations');
    expect(note?.message).toContain('✗ replicate → invalid-bucket');
    expect(note?.message).toContain('error:    NotAllowed: invalid-bucket is not in allow.buckets');
    expect(note?.message).toContain('attempts: 0');
    expect(note?.message).toContain('✓ replicate → s3://region-a-builds/builds/app-1.4.2.zip');
    expect(note?.message).toContain('Tracking record: s3://switchyard-state/tracking/global-builds/global-builds/builds/app-1.4.2.zip.json');
  });

  it('a copy failing after its retries is listed with its error and attempts', async () => {
    const world = fakeWorld();
    world.putObject('global-builds', 'builds/app.zip', 'zip bytes');
    world.faults.push({ operation: 'copy', target: (b) => b === 'region-b-builds', times: 99, code: 'SlowDown', failureClass: 'throttling' });
    const pipeline = new Pipeline({ routes: globalBuilds, ports: world.ports, stateBucket: 'switchyard-state' });

    await pipeline.processInput(s3Created('global-builds', 'builds/app.zip'));

    const record = JSON.parse(world.object('switchyard-state', 'tracking/global-builds/global-builds/builds/app.zip.json')?.body.toString() ?? '{}');
    expect(record.failedDestinations).toEqual([{ destination: 's3://region-b-builds/builds/app.zip', error: 'SlowDown: injected SlowDown on copy region-b-builds', attempts: 4 }]);
    expect(world.published[0]?.message).toMatch(/✗ replicate → s3:\/\/region-b-builds\/builds\/app\.zip\n\s+error:\s+SlowDown: injected SlowDown on copy region-b-builds\n\s+attempts: 4/);
  });

  it('tracking and notification writes are retried under their own policies (3 × 1 s and 2 × 1 s)', async () => {
    const world = fakeWorld();
    world.putObject('global-builds', 'builds/app.zip', 'zip bytes');
    world.faults.push({ operation: 'put', target: (b) => b === 'switchyard-state', times: 2, code: 'SlowDown', failureClass: 'throttling' });
    world.faults.push({ operation: 'publish', times: 5, code: 'Throttled', failureClass: 'throttling' });
    const log = memoryLog();
    const pipeline = new Pipeline({ routes: globalBuilds, ports: world.ports, stateBucket: 'switchyard-state', log });

    await pipeline.processInput({ sourceBucket: 'global-builds', sourceKey: 'builds/app.zip', destinationBuckets: ['invalid-bucket'] });

    // The two faulted puts hit the failure record (written first), which succeeds on its third attempt.
    expect(world.calls.put).toBe(4);
    expect([...world.objects.keys()].filter((k) => k.startsWith('switchyard-state/failures/global-builds/'))).toHaveLength(1);
    expect(world.object('switchyard-state', 'tracking/global-builds/global-builds/builds/app.zip.json')).toBeDefined();
    expect(world.calls.publish).toBe(3);
    expect(world.sleeps).toEqual([1000, 1000, 1000, 1000]);
    expect(log.lines.find((l) => l.message.startsWith('failure notification to file-copy-failures could not be written'))?.fields.attempts).toBe(3);
  });

  it('the built-in failure message names the object, counts and every failure', () => {
    const message = failureMessage({ route: 'r', event, results: [result('s3://a/k', 'succeeded'), result('s3://b/k', 'failed', 3, { code: 'InternalError', message: 'boom', failureClass: '5xx' })], refused: [] });

    expect(message.subject).toBe('Switchyard r: 1 failed for builds/app.zip');
    expect(message.body).toContain('Switchyard route r failed for s3://global-builds/builds/app.zip');
    expect(message.body).toContain('Destinations: 1 succeeded, 1 failed, of 2');
    expect(message.body).toContain('✗ replicate → s3://b/k: InternalError: boom (attempts: 3)');
  });
});

describe('EMF metric line', () => {
  it('has the CloudWatch Embedded Metric Format shape with per-route and all-route dimensions', () => {
    const results = [result('s3://a/k', 'succeeded', 3), result('s3://b/k', 'failed', 4), result('s3://c/k', 'duplicate', 0), { ...result('q', 'succeeded'), type: 'sqs' as const }];
    const counts = countResults(results, 1, false);

    const line = JSON.parse(emfLine('one-to-many', counts, false, new Date('2026-11-20T10:00:00.000Z')));

    expect(line).toEqual({
      _aws: {
        Timestamp: Date.parse('2026-11-20T10:00:00.000Z'),
        CloudWatchMetrics: [
          {
            Namespace: 'Switchyard',
            Dimensions: [['Route'], []],
            Metrics: ['Copied', 'Sent', 'Failed', 'Retried', 'Duplicates', 'PartialFailures', 'FailedEvents'].map((Name) => ({ Name, Unit: 'Count' })),
          },
        ],
      },
      Route: 'one-to-many',
      Copied: 1,
      Sent: 1,
      Failed: 2,
      Retried: 5,
      Duplicates: 1,
      PartialFailures: 1,
      FailedEvents: 0,
    });
  });

  it('the pipeline writes one line per matched route and event to the metrics sink', async () => {
    const world = fakeWorld();
    world.putObject('global-builds', 'builds/app.zip', 'zip bytes');
    const lines: string[] = [];
    const pipeline = new Pipeline({ routes: globalBuilds, ports: world.ports, metricsSink: (l) => lines.push(l) });

    await pipeline.processInput(s3Created('global-builds', 'builds/app.zip'));

    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual([expect.objectContaining({ Route: 'global-builds', Copied: 2, Failed: 0, FailedEvents: 0 })]);
  });
});

describe('structured logs', () => {
  it('one line per action naming route, event, object, destination, outcome and attempts', async () => {
    const world = fakeWorld();
    world.putObject('global-builds', 'builds/app.zip', 'zip bytes');
    const log = memoryLog();
    const pipeline = new Pipeline({ routes: globalBuilds, ports: world.ports, log });

    const report = await pipeline.processInput(s3Created('global-builds', 'builds/app.zip'));
    const eventId = report.records[0]?.events[0]?.event.id;

    expect(log.lines.filter((l) => l.message === 'copy succeeded').map((l) => l.fields)).toEqual(
      ['region-a-builds', 'region-b-builds'].map((b) =>
        expect.objectContaining({ route: 'global-builds', eventId, bucket: 'global-builds', key: 'builds/app.zip', action: 'replicate', destination: `s3://${b}/builds/app.zip`, outcome: 'succeeded', attempts: 1 }),
      ),
    );
  });
});
