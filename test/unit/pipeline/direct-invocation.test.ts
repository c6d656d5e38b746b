/**
 * A direct (manual) invocation that cannot do what it asks fails or is rejected, with what to check
 * (seed 002: `builds/does-not-exist.zip` was reported as a skipped copy, exit 0, tracking SUCCEEDED).
 * An S3 event whose object is gone keeps being skipped: there the delete raced the event.
 */
import { describe, expect, it } from 'vitest';
import { Pipeline } from '../../../engine/pipeline.ts';
import { memoryLog } from '../../../engine/report/log.ts';
import { compileRoutes, fakeWorld, s3Created } from './fake-world.ts';

const routes = compileRoutes({
  'routes/builds.yaml': `
name: builds
source: { bucket: global-builds, trigger: s3-notification }
match: { prefix: builds/ }
allow: { buckets: ["region-*"] }
tracking: { enabled: true }
actions:
  - copy: { id: replicate, to: "=$destinationBuckets ? $destinationBuckets : ['region-a-builds']", key: $key }
`,
  'routes/tagged.yaml': `
name: tagged
source: { bucket: tagged-inbox, trigger: s3-notification }
match:
  tags: { Destination: { exists: true } }
actions:
  - copy: { id: send, to: region-a-builds, key: $key }
`,
});

const STATE = 'state';
const WHAT_TO_CHECK = 'Check sourceBucket and sourceKey';

function trackedStatus(world: ReturnType<typeof fakeWorld>, key: string): unknown {
  return JSON.parse(world.object(STATE, `tracking/builds/global-builds/${key}.json`)?.body.toString() ?? '{}').status;
}

describe('a direct invocation naming an object that does not exist', () => {
  it('fails the copy with SourceNotFound naming the object and what to check; tracking says FAILED', async () => {
    const world = fakeWorld();
    const pipeline = new Pipeline({ routes, ports: world.ports, stateBucket: STATE });

    const report = await pipeline.processInput({ sourceBucket: 'global-builds', sourceKey: 'builds/does-not-exist.zip', destinationBuckets: ['region-a-builds'] });
    const result = report.records[0]?.events[0]?.routes[0]?.results[0];

    expect(report.records[0]?.status).toBe('failed');
    expect(result).toMatchObject({ outcome: 'failed', attempts: 1, error: { code: 'SourceNotFound', failureClass: 'not-found' } });
    expect(result?.error?.message).toContain('s3://global-builds/builds/does-not-exist.zip does not exist');
    expect(result?.error?.message).toContain(WHAT_TO_CHECK);
    expect(trackedStatus(world, 'builds/does-not-exist.zip')).toBe('FAILED');
  });

  it('fails the route with SourceNotFound when a lookup (the tags) finds nothing first', async () => {
    const world = fakeWorld();
    const pipeline = new Pipeline({ routes, ports: world.ports });

    const report = await pipeline.processInput({ sourceBucket: 'tagged-inbox', sourceKey: 'missing.pdf' });
    const route = report.records[0]?.events[0]?.routes[0];

    expect(report.records[0]?.status).toBe('failed');
    expect(route).toMatchObject({ name: 'tagged', failed: true, skipped: [], error: { code: 'SourceNotFound' } });
    expect(route?.error?.message).toContain(WHAT_TO_CHECK);
  });

  it('an S3 event for the same missing object is still skipped as deleted after the event', async () => {
    const world = fakeWorld();
    const pipeline = new Pipeline({ routes, ports: world.ports, stateBucket: STATE });

    const report = await pipeline.processInput(s3Created('global-builds', 'builds/does-not-exist.zip'));

    expect(report.records[0]?.status).toBe('processed');
    expect(report.records[0]?.events[0]?.routes[0]?.results[0]).toMatchObject({ outcome: 'skipped', detail: expect.stringContaining('deleted after the event') });
  });
});

describe('a direct invocation that matches no route', () => {
  const cases = [
    {
      proves: 'a bucket no route listens on is rejected, naming the buckets routes do listen on',
      input: { sourceBucket: 'global-build', sourceKey: 'builds/app.zip' },
      reason: 'direct invocation for s3://global-build/builds/app.zip matches no route, nothing was copied: no route listens on bucket global-build (routes here listen on global-builds, tagged-inbox): check sourceBucket',
    },
    {
      proves: "a key outside the route's match is rejected with the route's own reason",
      input: { sourceBucket: 'global-builds', sourceKey: 'app.zip' },
      reason: "direct invocation for s3://global-builds/app.zip matches no route, nothing was copied (builds: key app.zip is not under any of [builds/]): check sourceKey and the object against each route's match",
    },
    {
      proves: 'a tag condition that fails is the reason given',
      input: { sourceBucket: 'tagged-inbox', sourceKey: 'untagged.pdf' },
      reason: 'direct invocation for s3://tagged-inbox/untagged.pdf matches no route, nothing was copied (tagged: ',
    },
  ];

  it.each(cases)('$proves', async ({ input, reason }) => {
    const world = fakeWorld();
    world.putObject('global-builds', 'app.zip', 'zip');
    world.putObject('tagged-inbox', 'untagged.pdf', 'pdf');
    const log = memoryLog();
    const pipeline = new Pipeline({ routes, ports: world.ports, log });

    const report = await pipeline.processInput(input);

    expect(report.records[0]?.status).toBe('rejected');
    expect(report.records[0]?.reason).toContain(reason);
    expect(report.batchItemFailures).toHaveLength(1);
    expect(world.copies).toEqual([]);
    expect(log.lines.find((l) => l.level === 'error')?.message).toContain('input rejected: direct invocation');
  });

  it('an S3 event that matches no route is still processed quietly: routes choose what they take', async () => {
    const world = fakeWorld();
    const pipeline = new Pipeline({ routes, ports: world.ports });

    const report = await pipeline.processInput(s3Created('global-builds', 'app.zip'));

    expect(report.records[0]?.status).toBe('processed');
  });
});
