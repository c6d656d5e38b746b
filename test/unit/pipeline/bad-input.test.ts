/** Bad input at run time: an object deleted before it could be routed is skipped with the reason; a missing destination bucket fails once, recorded, with what to do. */
import { describe, expect, it } from 'vitest';
import { Pipeline } from '../../../engine/pipeline.ts';
import { memoryLog } from '../../../engine/report/log.ts';
import { compileRoutes, fakeWorld, s3Created } from './fake-world.ts';

const routes = compileRoutes({
  'routes/archive.yaml': `
name: archive
source: { bucket: inbox, trigger: s3-notification }
allow: { buckets: ["archive-*"] }
actions:
  - copy: { id: keep, to: [archive-a, archive-b], key: $key }
`,
  'routes/tagged.yaml': `
name: tagged
source: { bucket: tagged-inbox, trigger: s3-notification }
match:
  tags: { Destination: { exists: true } }
actions:
  - copy: { id: send, to: archive-a, key: $key }
`,
});

describe('an object deleted between the event and the copy', () => {
  it('the copy is skipped with the reason: the event succeeds, no retry, no failure record', async () => {
    const world = fakeWorld();
    const log = memoryLog();
    const pipeline = new Pipeline({ routes, ports: world.ports, stateBucket: 'state', log });

    const report = await pipeline.processInput(s3Created('inbox', 'gone.pdf'));
    const route = report.records[0]?.events[0]?.routes.find((r) => r.name === 'archive');

    expect(report.records[0]?.status).toBe('processed');
    expect(route?.results.map((r) => [r.destination, r.outcome, r.attempts, r.detail])).toEqual([
      ['s3://archive-a/gone.pdf', 'skipped', 1, 's3://inbox/gone.pdf no longer exists: deleted after the event, nothing to route (skipped, not retried)'],
      ['s3://archive-b/gone.pdf', 'skipped', 1, 's3://inbox/gone.pdf no longer exists: deleted after the event, nothing to route (skipped, not retried)'],
    ]);
    expect(world.sleeps).toEqual([]);
    expect([...world.objects.keys()].filter((k) => k.startsWith('state/failures/'))).toEqual([]);
    expect(log.lines.filter((l) => l.message === 'copy skipped')).toHaveLength(2);
  });

  it('a route that must read the tags first is skipped with the same reason instead of failing', async () => {
    const world = fakeWorld();
    const log = memoryLog();
    const pipeline = new Pipeline({ routes, ports: world.ports, stateBucket: 'state', log });

    const report = await pipeline.processInput(s3Created('tagged-inbox', 'gone.pdf'));
    const route = report.records[0]?.events[0]?.routes[0];

    expect(report.records[0]?.status).toBe('processed');
    expect(route).toMatchObject({ name: 'tagged', matched: true, failed: false, reason: 's3://tagged-inbox/gone.pdf no longer exists: deleted after the event, nothing to route (skipped, not retried)' });
    expect(log.lines.find((l) => l.message.startsWith('route tagged skipped'))?.level).toBe('warn');
  });
});

describe('a destination bucket that does not exist', () => {
  it('fails that destination at once, says which bucket and what to do, and records it', async () => {
    const world = fakeWorld();
    world.putObject('inbox', 'doc.pdf', 'bytes');
    world.faults.push({ operation: 'copy', target: (b) => b === 'archive-b', times: 99, code: 'NoSuchBucket', failureClass: 'not-found' });
    const pipeline = new Pipeline({ routes, ports: world.ports, stateBucket: 'state' });

    const report = await pipeline.processInput(s3Created('inbox', 'doc.pdf'));
    const failed = report.records[0]?.events[0]?.routes[0]?.results.find((r) => r.outcome === 'failed');

    expect(failed).toMatchObject({ destination: 's3://archive-b/doc.pdf', attempts: 1, error: { code: 'NoSuchBucket', failureClass: 'not-found' } });
    expect(failed?.error?.message).toMatch(/^destination bucket archive-b does not exist: create it, or correct the route or the mapping that names it/);
    expect([...world.objects.keys()].filter((k) => k.startsWith('state/failures/archive/'))).toHaveLength(1);
  });
});
