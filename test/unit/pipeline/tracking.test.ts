/**
 * Seed 002's tracking record through the pipeline: the start record written before the copies
 * (LogWorkflowStart), and a replay or a redelivery of the same event merged into the record
 * instead of overwriting the destinations an earlier run delivered.
 */
import { describe, expect, it } from 'vitest';
import { REPLAY_MARK } from '../../../engine/actions/replay-request.ts';
import { loadRoutes } from '../../../engine/load/load-routes.ts';
import { routeSetFromDisk } from '../../../engine/load/route-set.ts';
import { Pipeline } from '../../../engine/pipeline.ts';
import { createPlanPorts } from '../../../engine/ports/plan.ts';
import { emptyFixtures } from '../../../engine/ports/fixtures.ts';
import { listFailureRecords } from '../../../engine/report/failure-listing.ts';
import { memoryLog } from '../../../engine/report/log.ts';
import type { TrackingRecord } from '../../../engine/report/tracking.ts';
import { compileRoutes, fakeWorld, s3Created, sqsBatch, type FakeWorld } from './fake-world.ts';

const routes = loadRoutes(routeSetFromDisk(['routes'])).routes.filter((r) => r.name === 'global-builds');
const STATE = 'switchyard-state';
const KEY = 'builds/app.zip';
const TRACKING = `tracking/global-builds/global-builds/${KEY}.json`;
const A = `s3://region-a-builds/${KEY}`;
const B = `s3://region-b-builds/${KEY}`;

function tracking(world: FakeWorld): TrackingRecord | undefined {
  const stored = world.object(STATE, TRACKING);
  return stored && (JSON.parse(stored.body.toString('utf8')) as TrackingRecord);
}

function worldWithBuild(): FakeWorld {
  const world = fakeWorld();
  world.putObject('global-builds', KEY, 'zip bytes');
  return world;
}

/** The record as it stood when the first copy started. */
function trackingAtFirstCopy(world: FakeWorld): { seen?: TrackingRecord } {
  const at: { seen?: TrackingRecord } = {};
  const copy = world.ports.storage.copy.bind(world.ports.storage);
  world.ports.storage.copy = async (request) => {
    at.seen ??= tracking(world) ?? ({} as TrackingRecord);
    return copy(request);
  };
  return at;
}

function delivery(receiveCount: number): unknown {
  const batch = sqsBatch([{ messageId: 'm-1', body: JSON.stringify(s3Created('global-builds', KEY)) }]) as { Records: Array<{ attributes: Record<string, string> }> };
  for (const record of batch.Records) record.attributes['ApproximateReceiveCount'] = String(receiveCount);
  return batch;
}

describe('the start record (LogWorkflowStart)', () => {
  it('is written before the copies: IN_PROGRESS, the start time, the event id and the resolved destinations', async () => {
    const world = worldWithBuild();
    const atCopy = trackingAtFirstCopy(world);
    const started = world.now().toISOString();

    const report = await new Pipeline({ routes, ports: world.ports, stateBucket: STATE }).processInput(s3Created('global-builds', KEY));

    const eventId = report.records[0]?.events[0]?.event.id;
    expect(atCopy.seen).toEqual({
      route: 'global-builds',
      eventId,
      sourceBucket: 'global-builds',
      fileKey: KEY,
      eventTime: report.records[0]?.events[0]?.event.eventTime,
      sequencer: report.records[0]?.events[0]?.event.sequencer,
      status: 'IN_PROGRESS',
      startedAt: started,
      runs: 1,
      destinations: [A, B],
      totalDestinations: 2,
      successfulCopies: 0,
      failedCopies: 0,
      successfulDestinations: [],
      failedDestinations: [],
    });
    expect(tracking(world)).toMatchObject({ status: 'SUCCEEDED', eventId, startedAt: started, runs: 1, successfulDestinations: [A, B] });
  });

  it('costs three requests per event: the start record created, then read and replaced while unchanged', async () => {
    const world = worldWithBuild();
    const requests: string[] = [];
    const storage = world.ports.storage;
    const counted = <A extends unknown[], R>(name: string, call: (...args: A) => Promise<R>) => async (...args: A): Promise<R> => {
      if (args.some((a) => a === TRACKING || (typeof a === 'object' && a !== null && (a as { key?: unknown }).key === TRACKING))) requests.push(name);
      return call(...args);
    };
    storage.putIfAbsent = counted('putIfAbsent', storage.putIfAbsent.bind(storage));
    storage.getBodyAndETag = counted('getBodyAndETag', storage.getBodyAndETag.bind(storage));
    storage.putIfMatch = counted('putIfMatch', storage.putIfMatch.bind(storage));

    await new Pipeline({ routes, ports: world.ports, stateBucket: STATE }).processInput(s3Created('global-builds', KEY));

    expect(requests).toEqual(['putIfAbsent', 'getBodyAndETag', 'putIfMatch']);
    expect(tracking(world)).toMatchObject({ status: 'SUCCEEDED', runs: 1, successfulDestinations: [A, B] });
  });

  it('lists a destination the allow-list refused among the resolved ones', async () => {
    const world = worldWithBuild();
    const atCopy = trackingAtFirstCopy(world);

    await new Pipeline({ routes, ports: world.ports, stateBucket: STATE }).processInput({ sourceBucket: 'global-builds', sourceKey: KEY, destinationBuckets: ['region-a-builds', 'invalid-bucket'] });

    expect(atCopy.seen).toMatchObject({ status: 'IN_PROGRESS', destinations: [A, 'invalid-bucket'], totalDestinations: 2 });
  });

  it('is retried under the tracking retry policy (3 × 1 s) before the copies start', async () => {
    const world = worldWithBuild();
    world.faults.push({ operation: 'putIfAbsent', target: (b) => b === STATE, key: (k) => k === TRACKING, times: 2, code: 'SlowDown', failureClass: 'throttling' });
    const atCopy = trackingAtFirstCopy(world);

    await new Pipeline({ routes, ports: world.ports, stateBucket: STATE }).processInput(s3Created('global-builds', KEY));

    expect(world.sleeps.slice(0, 2)).toEqual([1000, 1000]);
    expect(atCopy.seen?.status).toBe('IN_PROGRESS');
  });

  it('when it cannot be written the copies go on, the log says so, and the final record is complete', async () => {
    const world = worldWithBuild();
    world.faults.push({ operation: 'putIfAbsent', target: (b) => b === STATE, key: (k) => k === TRACKING, times: 4, code: 'InternalError', failureClass: '5xx' });
    const log = memoryLog();

    const report = await new Pipeline({ routes, ports: world.ports, stateBucket: STATE, log }).processInput(s3Created('global-builds', KEY));

    expect(report.records[0]?.status).toBe('processed');
    expect(world.copies).toHaveLength(2);
    const lost = log.lines.find((l) => l.message.startsWith('tracking start record could not be written'));
    expect(lost?.level).toBe('error');
    expect(lost?.message).toContain('The actions run all the same; the final tracking record is written after them');
    expect(lost?.fields.attempts).toBe(4);
    expect(tracking(world)).toMatchObject({ status: 'SUCCEEDED', runs: 1, successfulDestinations: [A, B] });
  });

  it('is not written when the route does not take the object (match.when is false)', async () => {
    const world = worldWithBuild();
    const bigOnly = compileRoutes({
      'routes/big-builds.yaml': `
name: big-builds
source: { bucket: global-builds, trigger: s3-notification }
match: { when: $size > 1000 }
allow: { buckets: [region-a-builds] }
actions:
  - copy: { to: region-a-builds, key: $key }
tracking: { enabled: true }
`,
    });

    await new Pipeline({ routes: bigOnly, ports: world.ports, stateBucket: STATE }).processInput(s3Created('global-builds', KEY, { size: 10 }));

    expect([...world.objects.keys()].filter((k) => k.startsWith(`${STATE}/tracking/`))).toEqual([]);
  });
});

describe('a later run of the same event is merged into the record', () => {
  it('a replay of the failed destination keeps the earlier success and the first start: SUCCEEDED over both', async () => {
    const world = worldWithBuild();
    world.faults.push({ operation: 'copy', target: (b) => b === 'region-b-builds', times: 1, code: 'AccessDenied', failureClass: 'access-denied' });
    const pipeline = new Pipeline({ routes, ports: world.ports, stateBucket: STATE });
    const first = world.now().toISOString();
    await pipeline.processInput(s3Created('global-builds', KEY));
    expect(tracking(world)).toMatchObject({ status: 'PARTIALLY_FAILED', successfulDestinations: [A] });
    world.advance(3_600_000);

    const [listed] = await listFailureRecords(world.ports.storage, STATE, { route: 'global-builds' });
    if (!listed || !('record' in listed)) throw new Error('no failure record to replay');
    const { record } = listed;
    world.copies.length = 0;
    await pipeline.processInput({ switchyard: REPLAY_MARK, route: 'global-builds', event: record.event, destinations: [{ actionId: record.actionId, destination: record.destination }] });

    expect(world.copies.map((c) => c.destination.bucket)).toEqual(['region-b-builds']);
    expect(tracking(world)).toMatchObject({
      eventId: record.event.id,
      status: 'SUCCEEDED',
      startedAt: first,
      completedAt: world.now().toISOString(),
      runs: 2,
      totalDestinations: 2,
      successfulCopies: 2,
      failedCopies: 0,
      successfulDestinations: [A, B],
      failedDestinations: [],
    });
  });

  it('a redelivery failing a destination the first delivery got keeps it delivered', async () => {
    const world = worldWithBuild();
    const pipeline = new Pipeline({ routes, ports: world.ports, stateBucket: STATE });
    world.faults.push({ operation: 'copy', target: (b) => b === 'region-b-builds', times: 99, code: 'AccessDenied', failureClass: 'access-denied' });
    await pipeline.processInput(delivery(1));
    world.faults.length = 0;
    world.faults.push({ operation: 'copy', target: (b) => b === 'region-a-builds', times: 99, code: 'AccessDenied', failureClass: 'access-denied' });

    await pipeline.processInput(delivery(2));

    expect(tracking(world)).toMatchObject({ status: 'SUCCEEDED', runs: 2, successfulDestinations: [A, B], failedDestinations: [] });
  });

  it('a new upload of the same key (another event id) replaces the record', async () => {
    const world = worldWithBuild();
    world.faults.push({ operation: 'copy', target: (b) => b === 'region-b-builds', times: 99, code: 'AccessDenied', failureClass: 'access-denied' });
    const pipeline = new Pipeline({ routes, ports: world.ports, stateBucket: STATE });
    await pipeline.processInput(s3Created('global-builds', KEY, { eTag: 'etag-1', sequencer: '01' }));
    world.advance(60_000);

    const second = await pipeline.processInput(s3Created('global-builds', KEY, { eTag: 'etag-2', sequencer: '02' }));

    expect(tracking(world)).toMatchObject({ eventId: second.records[0]?.events[0]?.event.id, startedAt: world.now().toISOString(), runs: 1, status: 'PARTIALLY_FAILED', failedDestinations: [{ destination: B, attempts: 1 }] });
  });
});

describe('dry-run', () => {
  it('neither reads nor writes a tracking record', async () => {
    const { ports, planned } = createPlanPorts({ ...emptyFixtures(), objects: { 's3://global-builds/builds/app.zip': { size: 9, body: 'zip bytes', tags: {}, metadata: {} } } });
    const read: string[] = [];
    const getBody = ports.storage.getBody.bind(ports.storage);
    ports.storage.getBody = async (ref) => {
      read.push(`${ref.bucket}/${ref.key}`);
      return getBody(ref);
    };
    // The tracking store reads through getBodyAndETag: watched too, so the "reads" half can fail.
    const getBodyAndETag = ports.storage.getBodyAndETag.bind(ports.storage);
    ports.storage.getBodyAndETag = async (ref) => {
      read.push(`${ref.bucket}/${ref.key}`);
      return getBodyAndETag(ref);
    };

    await new Pipeline({ routes, ports, explain: true }).processInput(s3Created('global-builds', KEY));

    expect(planned.map((p) => p.kind)).toEqual(['copy', 'copy']);
    expect(read.filter((r) => r.includes('tracking/'))).toEqual([]);
  });
});
