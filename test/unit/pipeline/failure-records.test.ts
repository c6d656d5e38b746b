/** No silent partial failure: a record per failed destination, named in the notification, replayable for that destination only. */
import { describe, expect, it } from 'vitest';
import { Pipeline } from '../../../engine/pipeline.ts';
import { failureRecordKey, FailureRecordError, parseFailureRecord, type FailureRecord } from '../../../engine/report/failure-record.ts';
import { listFailureRecords } from '../../../engine/report/failure-listing.ts';
import { undeliveredReasons } from '../../../engine/report/undelivered.ts';
import { compileRoutes, fakeWorld, s3Created, sqsBatch, type FakeWorld } from './fake-world.ts';

const routes = compileRoutes({
  'routes/fan-out.yaml': `
name: fan-out
source: { bucket: inbox, trigger: s3-notification }
allow: { buckets: ["out-*"] }
actions:
  - copy: { id: fan, to: $destinationBuckets, key: $key, retry: { retries: 1, delay: 1s } }
failWhen: all
notify:
  onFailure: { sns: fan-out-failures }
`,
});

const STATE = 'state';
const request = { sourceBucket: 'inbox', sourceKey: 'doc.pdf', destinationBuckets: ['out-a', 'out-b', 'out-c'] };

function recordsIn(world: FakeWorld): Array<{ key: string; record: FailureRecord }> {
  return [...world.objects.entries()]
    .filter(([name]) => name.startsWith(`${STATE}/failures/`))
    .map(([name, stored]) => ({ key: name.slice(STATE.length + 1), record: parseFailureRecord(stored.body.toString('utf8')) }));
}

function brokenCopies(world: FakeWorld, buckets: string[], times = 99): void {
  world.faults.push({ operation: 'copy', target: (b) => buckets.includes(b), times, code: 'InternalError', failureClass: '5xx' });
}

describe('a partial failure (failWhen: all, two of three destinations failed)', () => {
  it('the event succeeds, each failed destination has a record at its key, and the notification names them', async () => {
    const world = fakeWorld();
    world.putObject('inbox', 'doc.pdf', 'pdf bytes');
    brokenCopies(world, ['out-b', 'out-c']);
    const metrics: string[] = [];
    const pipeline = new Pipeline({ routes, ports: world.ports, stateBucket: STATE, metricsSink: (l) => metrics.push(l) });

    const report = await pipeline.processInput(request);
    const routeReport = report.records[0]?.events[0]?.routes[0];
    const event = report.records[0]?.events[0]?.event;
    const records = recordsIn(world);

    expect(report.records[0]?.status).toBe('processed');
    expect(records.map((r) => r.record.destination)).toEqual(
      expect.arrayContaining([
        { kind: 's3', id: 's3://out-b/doc.pdf', bucket: 'out-b', key: 'doc.pdf' },
        { kind: 's3', id: 's3://out-c/doc.pdf', bucket: 'out-c', key: 'doc.pdf' },
      ]),
    );
    expect(records).toHaveLength(2);
    for (const { key, record } of records) {
      expect(key).toBe(failureRecordKey('fan-out', event ?? { id: '', eventTime: '' }, 'fan', record.destination));
      expect(key).toMatch(/^failures\/fan-out\/2026\/11\/20\/[0-9a-f]{16}\/fan\/[0-9a-f]{16}\.json$/);
      expect(record).toMatchObject({
        schema: 'switchyard.failure/1',
        route: 'fan-out',
        actionId: 'fan',
        object: { bucket: 'inbox', key: 'doc.pdf' },
        event: { bucket: 'inbox', key: 'doc.pdf', destinationBuckets: ['out-a', 'out-b', 'out-c'] },
        error: { code: 'InternalError', class: '5xx' },
        attempts: 2,
        eventFailed: false,
        firstFailedAt: record.lastFailedAt,
      });
    }
    expect(routeReport?.failureRecords.sort()).toEqual(records.map((r) => `s3://${STATE}/${r.key}`).sort());
    expect(world.published).toHaveLength(1);
    expect(world.published[0]?.subject).toBe('Switchyard fan-out: 2 failed (partial) for doc.pdf');
    for (const { key } of records) expect(world.published[0]?.message).toContain(`failure record: s3://${STATE}/${key}`);
    expect(world.published[0]?.message).toContain('switchyard replay --route fan-out');
    expect(JSON.parse(metrics[0] ?? '{}')).toMatchObject({ Route: 'fan-out', PartialFailures: 1, FailedEvents: 0, Failed: 2 });
  });

  it('a refused destination is recorded too, with code NotAllowed', async () => {
    const world = fakeWorld();
    world.putObject('inbox', 'doc.pdf', 'pdf bytes');
    const pipeline = new Pipeline({ routes, ports: world.ports, stateBucket: STATE });

    await pipeline.processInput({ ...request, destinationBuckets: ['out-a', 'elsewhere'] });

    expect(recordsIn(world).map((r) => [r.record.destination, r.record.error.code, r.record.attempts])).toEqual([[{ kind: 's3', id: 'elsewhere', bucket: 'elsewhere' }, 'NotAllowed', 0]]);
  });

  it('the same destination failing on a later delivery updates its record: first failure kept, attempts added', async () => {
    const world = fakeWorld();
    world.putObject('inbox', 'doc.pdf', 'pdf bytes');
    brokenCopies(world, ['out-b']);
    const pipeline = new Pipeline({ routes, ports: world.ports, stateBucket: STATE });
    const event = (await pipeline.processInput({ ...request, destinationBuckets: ['out-a', 'out-b'] })).records[0]?.events[0]?.event;
    const first = recordsIn(world)[0]?.record;
    world.advance(60_000);

    await pipeline.processEvent(event ?? (undefined as never));

    const again = recordsIn(world);
    expect(again).toHaveLength(1);
    expect(again[0]?.record).toMatchObject({ attempts: 4, firstFailedAt: first?.firstFailedAt, lastFailedAt: world.now().toISOString() });
  });

  it('a record that cannot be written fails the event, so the trigger delivers it again', async () => {
    const world = fakeWorld();
    world.putObject('inbox', 'doc.pdf', 'pdf bytes');
    brokenCopies(world, ['out-b']);
    world.faults.push({ operation: 'put', target: (b) => b === STATE, key: (k) => k.startsWith('failures/'), times: 99, code: 'SlowDown', failureClass: 'throttling' });
    const pipeline = new Pipeline({ routes, ports: world.ports, stateBucket: STATE });

    const report = await pipeline.processInput({ ...request, destinationBuckets: ['out-a', 'out-b'] });

    expect(report.records[0]?.status).toBe('failed');
    expect(report.records[0]?.events[0]?.routes[0]?.error).toMatchObject({ code: 'FailureRecordNotWritten' });
    expect(report.records[0]?.events[0]?.routes[0]?.error?.message).toContain('s3://out-b/doc.pdf');
    expect(recordsIn(world)).toEqual([]);
  });
});

describe('replay of a failure record', () => {
  it('re-drives only the recorded destination once the cause is gone', async () => {
    const world = fakeWorld();
    world.putObject('inbox', 'doc.pdf', 'pdf bytes');
    brokenCopies(world, ['out-b']);
    const pipeline = new Pipeline({ routes, ports: world.ports, stateBucket: STATE });
    await pipeline.processInput(request);
    const [recorded] = recordsIn(world);
    world.faults.length = 0;
    world.copies.length = 0;

    const report = await pipeline.processInput({ switchyard: 'replay', route: recorded?.record.route, event: recorded?.record.event, destinations: [{ actionId: recorded?.record.actionId, destination: recorded?.record.destination }] });

    expect(report.records[0]?.status).toBe('processed');
    expect(world.copies.map((c) => c.destination.bucket)).toEqual(['out-b']);
    expect(world.object('out-b', 'doc.pdf')?.body.toString()).toBe('pdf bytes');
    expect(report.records[0]?.events[0]?.routes[0]?.results.map((r) => [r.destination, r.outcome])).toEqual([['s3://out-b/doc.pdf', 'succeeded']]);
    expect(recordsIn(world)[0]?.record).toMatchObject({ resolvedAt: world.now().toISOString(), resolvedBy: 'replay', firstFailedAt: recorded?.record.firstFailedAt });
  });

  it('a refused destination replayed after the allow-list was fixed is delivered and its record resolved', async () => {
    const world = fakeWorld();
    world.putObject('inbox', 'doc.pdf', 'pdf bytes');
    await new Pipeline({ routes, ports: world.ports, stateBucket: STATE }).processInput({ ...request, destinationBuckets: ['out-a', 'elsewhere'] });
    const [recorded] = recordsIn(world);
    const fixed = compileRoutes({ 'routes/fan-out.yaml': `
name: fan-out
source: { bucket: inbox, trigger: s3-notification }
allow: { buckets: ["out-*", elsewhere] }
actions:
  - copy: { id: fan, to: $destinationBuckets, key: $key }
failWhen: all
` });

    await new Pipeline({ routes: fixed, ports: world.ports, stateBucket: STATE }).processInput({ switchyard: 'replay', route: 'fan-out', event: recorded?.record.event, destinations: [{ actionId: 'fan', destination: recorded?.record.destination }] });

    expect(world.object('elsewhere', 'doc.pdf')).toBeDefined();
    expect(recordsIn(world).map((r) => r.record.resolvedBy)).toEqual(['replay']);
  });

  it('a destination the route no longer resolves to is not re-driven: the replay says so and the record stays', async () => {
    const world = fakeWorld();
    world.putObject('inbox', 'doc.pdf', 'pdf bytes');
    brokenCopies(world, ['out-b']);
    await new Pipeline({ routes, ports: world.ports, stateBucket: STATE }).processInput(request);
    const [recorded] = recordsIn(world);
    world.faults.length = 0;
    world.copies.length = 0;
    const moved = compileRoutes({ 'routes/fan-out.yaml': `
name: fan-out
source: { bucket: inbox, trigger: s3-notification }
allow: { buckets: ["out-*"] }
actions:
  - copy: { id: fan, to: out-elsewhere, key: $key }
` });
    const pipeline = new Pipeline({ routes: moved, ports: world.ports, stateBucket: STATE });

    const report = await pipeline.processInput({ switchyard: 'replay', route: 'fan-out', event: recorded?.record.event, destinations: [{ actionId: 'fan', destination: recorded?.record.destination }] });

    expect(world.copies).toEqual([]);
    expect(undeliveredReasons(report)).toEqual(['fan-out → s3://out-b/doc.pdf: not re-driven: action fan of route fan-out no longer sends this event to s3://out-b/doc.pdf; if that is intended, the failure record can be deleted']);
    expect(recordsIn(world).map((r) => r.record.resolvedAt)).toEqual([undefined]);
  });

  it('a route that declines the event now (match.when) re-drives nothing and names why', async () => {
    const world = fakeWorld();
    world.putObject('inbox', 'doc.pdf', 'pdf bytes');
    brokenCopies(world, ['out-a']);
    await new Pipeline({ routes, ports: world.ports, stateBucket: STATE }).processInput(request);
    const [recorded] = recordsIn(world);
    world.faults.length = 0;
    const narrowed = compileRoutes({ 'routes/fan-out.yaml': `
name: fan-out
source: { bucket: inbox, trigger: s3-notification }
match: { when: "$size > 1000000" }
allow: { buckets: ["out-*"] }
actions:
  - copy: { id: fan, to: $destinationBuckets, key: $key }
` });

    const report = await new Pipeline({ routes: narrowed, ports: world.ports, stateBucket: STATE }).processInput({ switchyard: 'replay', route: 'fan-out', event: recorded?.record.event, destinations: [{ actionId: 'fan', destination: recorded?.record.destination }] });

    expect(undeliveredReasons(report)).toEqual(['fan-out → s3://out-a/doc.pdf: not re-driven: the route declines the event now (match.when is false)']);
    expect(report.records[0]?.status).toBe('processed');
    expect(recordsIn(world).map((r) => r.record.resolvedAt)).toEqual([undefined]);
  });

  it('a request naming an unknown route, or without an event, is rejected with the reason', async () => {
    const world = fakeWorld();
    const pipeline = new Pipeline({ routes, ports: world.ports, stateBucket: STATE });

    const unknown = await pipeline.processInput({ switchyard: 'replay', route: 'gone', event: { id: 'e', bucket: 'inbox', key: 'k', eventTime: '' } });
    const noEvent = await pipeline.processInput({ switchyard: 'replay', route: 'fan-out' });

    expect(unknown.records[0]).toMatchObject({ status: 'rejected', reason: expect.stringContaining("no route named 'gone'") });
    expect(noEvent.records[0]).toMatchObject({ status: 'rejected', reason: expect.stringContaining('event must be the normalised event') });
  });
});

describe('a later delivery that gets through', () => {
  it('an SQS redelivery (receive count 2) that delivers the destination marks its record resolved', async () => {
    const world = fakeWorld();
    world.putObject('inbox', 'doc.pdf', 'pdf bytes');
    brokenCopies(world, ['out-b'], 2);
    const pinned = compileRoutes({ 'routes/pinned.yaml': `
name: pinned
source: { bucket: inbox, trigger: s3-notification }
allow: { buckets: ["out-*"] }
actions:
  - copy: { id: fan, to: [out-a, out-b], key: $key, retry: { retries: 1, delay: 1s } }
` });
    const pipeline = new Pipeline({ routes: pinned, ports: world.ports, stateBucket: STATE });
    const batch = sqsBatch([{ messageId: 'm-1', body: JSON.stringify(s3Created('inbox', 'doc.pdf')) }]) as { Records: Array<{ attributes: Record<string, string> }> };

    const first = await pipeline.processInput(batch);
    const recorded = recordsIn(world)[0]?.record;
    for (const r of batch.Records) r.attributes.ApproximateReceiveCount = '2';
    const second = await pipeline.processInput(batch);

    expect(first.batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }]);
    expect(recorded).toMatchObject({ eventFailed: true, destination: { id: 's3://out-b/doc.pdf' } });
    expect(second.batchItemFailures).toEqual([]);
    expect(recordsIn(world).map((r) => [r.record.resolvedBy, r.record.firstFailedAt])).toEqual([['redelivery', recorded?.firstFailedAt]]);
  });
});

describe('parseFailureRecord', () => {
  it('names what is wrong with something that is not a record', () => {
    expect(() => parseFailureRecord('{"schema":"switchyard.failure/0"}', 's3://state/failures/x.json')).toThrow(FailureRecordError);
    expect(() => parseFailureRecord('{"schema":"switchyard.failure/0"}', 's3://state/failures/x.json')).toThrow(/s3:\/\/state\/failures\/x\.json is not a switchyard\.failure\/1 record: schema is "switchyard\.failure\/0".*route must be a non-empty string/);
    expect(() => parseFailureRecord('nope')).toThrow(/is not JSON/);
  });
});

describe('listFailureRecords', () => {
  it('lists what is still missing, by route and time; resolved records only on request; a stray object is reported, not skipped', async () => {
    const world = fakeWorld();
    world.putObject('inbox', 'doc.pdf', 'pdf bytes');
    brokenCopies(world, ['out-b', 'out-c']);
    const pipeline = new Pipeline({ routes, ports: world.ports, stateBucket: STATE });
    await pipeline.processInput(request);
    const [first] = recordsIn(world);
    world.faults.length = 0;
    await pipeline.processInput({ switchyard: 'replay', route: 'fan-out', event: first?.record.event, destinations: [{ actionId: 'fan', destination: first?.record.destination }] });
    world.putObject(STATE, 'failures/fan-out/notes.txt', 'hello');

    const open = await listFailureRecords(world.ports.storage, STATE, { route: 'fan-out' });
    const all = await listFailureRecords(world.ports.storage, STATE, { includeResolved: true });
    const later = await listFailureRecords(world.ports.storage, STATE, { since: new Date(world.now().getTime() + 1) });

    expect(open.flatMap((e) => ('record' in e ? [e.record.destination.id] : []))).toEqual([first?.record.destination.id === 's3://out-b/doc.pdf' ? 's3://out-c/doc.pdf' : 's3://out-b/doc.pdf']);
    expect(open.filter((e) => 'problem' in e)).toEqual([{ key: 'failures/fan-out/notes.txt', problem: expect.stringContaining('is not JSON') }]);
    expect(all.filter((e) => 'record' in e)).toHaveLength(2);
    expect(later.filter((e) => 'record' in e)).toEqual([]);
  });
});
