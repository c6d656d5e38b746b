/** Input handling: SQS partial batch failures, ignored test events, and the loop guard on Switchyard's own copies. */
import { describe, expect, it } from 'vitest';
import { LOOP_MARKER } from '../../../engine/actions/copy.ts';
import { Pipeline } from '../../../engine/pipeline.ts';
import { compileRoutes, fakeWorld, s3Created, s3Record, sqsBatch } from './fake-world.ts';

const chain = () =>
  compileRoutes({
    // The destination is an expression, so the loader cannot see the chain: the runtime guard must.
    'routes/ingest.yaml': `
name: ingest
source: { bucket: inbox, trigger: s3-notification }
actions:
  - copy: { id: forward, to: "=$lookup({'a.txt': 'outbox'}, $key)", key: $key }
allow: { buckets: [outbox] }
`,
    'routes/publish.yaml': `
name: publish
source: { bucket: outbox, trigger: s3-notification }
actions:
  - copy: { id: forward, to: published, key: $key }
`,
  });

describe('SQS batches', () => {
  it('batchItemFailures holds exactly the failed and the malformed message', async () => {
    const world = fakeWorld();
    world.putObject('inbox', 'good.txt', 'good');
    world.putObject('inbox', 'bad.txt', 'bad');
    world.faults.push({ operation: 'copy', target: (b) => b === 'outbox', times: 99, code: 'AccessDenied', failureClass: 'access-denied' });
    // Only bad.txt's copy is denied: the fault matches on the destination, and good.txt goes elsewhere.
    const routes = compileRoutes({
      'routes/split.yaml': `
name: split
source: { bucket: inbox, trigger: s3-notification }
actions:
  - copy: { id: forward, to: "=$key = 'bad.txt' ? 'outbox' : 'other-box'", key: $key }
allow: { buckets: [outbox, other-box] }
`,
    });
    const pipeline = new Pipeline({ routes, ports: world.ports });

    const report = await pipeline.processInput(
      sqsBatch([
        { messageId: 'm-good', body: JSON.stringify({ Records: [s3Record('inbox', 'good.txt')] }) },
        { messageId: 'm-failing', body: JSON.stringify({ Records: [s3Record('inbox', 'bad.txt')] }) },
        { messageId: 'm-malformed', body: '{"Records": [ {"eventSource": "aws:s3", ' },
        { messageId: 'm-test-event', body: JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Time: '2026-11-20T10:00:00.000Z', Bucket: 'inbox', RequestId: 'r', HostId: 'h' }) },
      ]),
    );

    expect(report.viaSqs).toBe(true);
    expect(report.batchItemFailures).toEqual([{ itemIdentifier: 'm-failing' }, { itemIdentifier: 'm-malformed' }]);
    expect(report.records.map((r) => [r.recordId, r.status])).toEqual([
      ['m-good', 'processed'],
      ['m-failing', 'failed'],
      ['m-malformed', 'rejected'],
      ['m-test-event', 'ignored'],
    ]);
    expect(world.object('other-box', 'good.txt')?.body.toString()).toBe('good');
  });
});

describe('loop guard', () => {
  it("an object carrying the switchyard-route metadata is not routed again", async () => {
    const world = fakeWorld();
    world.putObject('outbox', 'a.txt', 'a', { metadata: { [LOOP_MARKER]: 'ingest' } });
    const pipeline = new Pipeline({ routes: chain(), ports: world.ports });

    const report = await pipeline.processInput(s3Created('outbox', 'a.txt'));
    const routeReport = report.records[0]?.events[0]?.routes[0];

    expect(routeReport).toMatchObject({ name: 'publish', matched: false, reason: 'object was written by Switchyard route ingest: not routed again (loop guard)' });
    expect(world.copies).toEqual([]);
    expect(report.records[0]?.status).toBe('processed');
  });

  it('the copy carries the marker, so the event of the copy stops after one hop', async () => {
    const world = fakeWorld();
    world.putObject('inbox', 'a.txt', 'a', { metadata: { origin: 'scanner' } });
    const pipeline = new Pipeline({ routes: chain(), ports: world.ports });

    await pipeline.processInput(s3Created('inbox', 'a.txt'));
    await pipeline.processInput(s3Created('outbox', 'a.txt'));

    expect(world.object('outbox', 'a.txt')?.metadata).toEqual({ origin: 'scanner', [LOOP_MARKER]: 'ingest' });
    expect(world.copies.map((c) => c.destination.bucket)).toEqual(['outbox']);
  });

  it('an object in an output bucket without the marker (written by someone else) is routed', async () => {
    const world = fakeWorld();
    world.putObject('outbox', 'b.txt', 'b');
    const pipeline = new Pipeline({ routes: chain(), ports: world.ports });

    await pipeline.processInput(s3Created('outbox', 'b.txt'));

    expect(world.copies.map((c) => c.destination.bucket)).toEqual(['published']);
  });
});
