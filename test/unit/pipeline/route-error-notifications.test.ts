/**
 * A route that fails before its actions (here: its SSM lookup is refused) used to publish its
 * failure notification on every SQS redelivery: unlike a failed destination it left no failure
 * record remembering the announcement. It is now announced once per event and error, like a
 * destination's failure.
 */
import { describe, expect, it } from 'vitest';
import { Pipeline } from '../../../engine/pipeline.ts';
import { listFailureRecords } from '../../../engine/report/failure-listing.ts';
import { memoryLog } from '../../../engine/report/log.ts';
import { routeErrorNoticeKey } from '../../../engine/report/route-error-notice.ts';
import { compileRoutes, fakeWorld, s3Created, sqsBatch } from './fake-world.ts';

const routes = compileRoutes({
  'routes/looked-up.yaml': `
name: looked-up
source: { bucket: inbox, trigger: s3-notification }
let:
  target: $ssm('/looked-up/target')
allow: { buckets: ["out-*"] }
actions:
  - copy: { id: keep, to: $target, key: $key, retry: { retries: 0 } }
notify:
  onFailure: { sns: looked-up-failures }
`,
});

interface Delivery {
  /** The error code the SSM lookup fails with on this delivery; none: the lookup works. */
  lookup?: string;
  /** Every publish of this delivery fails (SNS down): nothing was announced. */
  snsDown?: boolean;
  /** The notice cannot be read or created on this delivery. */
  stateDown?: boolean;
}

function delivery(receiveCount: number): unknown {
  const batch = sqsBatch([{ messageId: 'm-1', body: JSON.stringify(s3Created('inbox', 'doc.pdf')) }]) as { Records: Array<{ attributes: Record<string, string> }> };
  for (const record of batch.Records) record.attributes['ApproximateReceiveCount'] = String(receiveCount);
  return batch;
}

const refused = (code = 'AccessDeniedException'): Delivery => ({ lookup: code });

const cases: Array<{ proves: string; deliveries: Delivery[]; stateBucket?: string; announced: number; notReannounced: number }> = [
  { proves: 'the same route error on five deliveries is announced once', deliveries: [refused(), refused(), refused(), refused(), refused()], announced: 1, notReannounced: 4 },
  { proves: 'another route error is announced again', deliveries: [refused(), refused('ParameterNotFound'), refused('ParameterNotFound')], announced: 2, notReannounced: 1 },
  { proves: 'a notification that could not be published is sent by the next delivery', deliveries: [{ ...refused(), snsDown: true }, refused(), refused()], announced: 1, notReannounced: 1 },
  { proves: 'when the notice cannot be read the error is announced rather than kept quiet', deliveries: [refused(), { ...refused(), stateDown: true }], announced: 2, notReannounced: 0 },
  { proves: 'without a state bucket there is nothing to compare with: every delivery announces', deliveries: [refused(), refused()], stateBucket: '', announced: 2, notReannounced: 0 },
];

describe('route errors over redeliveries', () => {
  it.each(cases)('$proves', async ({ deliveries, stateBucket, announced, notReannounced }) => {
    const world = fakeWorld();
    world.putObject('inbox', 'doc.pdf', 'pdf bytes');
    world.ssm.set('/looked-up/target', 'out-a');
    const log = memoryLog();
    const state = stateBucket ?? 'state';
    const pipeline = new Pipeline({ routes, ports: world.ports, log, ...(state ? { stateBucket: state } : {}) });

    for (const [i, { lookup, snsDown = false, stateDown = false }] of deliveries.entries()) {
      world.faults.length = 0;
      if (lookup) world.faults.push({ operation: 'getParameters', times: 99, code: lookup, failureClass: 'access-denied' });
      if (snsDown) world.faults.push({ operation: 'publish', times: 99, code: 'InternalError', failureClass: '5xx' });
      if (stateDown) world.faults.push({ operation: 'putIfAbsent', target: (b) => b === state, times: 99, code: 'InternalError', failureClass: '5xx' });
      const report = await pipeline.processInput(delivery(i + 1));
      expect(report.records[0]?.events[0]?.routes[0]?.error?.code).toBe(lookup);
    }

    expect(world.published).toHaveLength(announced);
    expect(log.lines.filter((l) => l.message.includes('a repeat is not re-announced'))).toHaveLength(notReannounced);
  });

  it('the notice is kept under markers/, not failures/: replay and status see no destination to re-drive', async () => {
    const world = fakeWorld();
    world.putObject('inbox', 'doc.pdf', 'pdf bytes');
    world.faults.push({ operation: 'getParameters', times: 99, code: 'AccessDeniedException', failureClass: 'access-denied' });
    const pipeline = new Pipeline({ routes, ports: world.ports, stateBucket: 'state' });

    const report = await pipeline.processInput(delivery(1));

    const event = report.records[0]?.events[0]?.event;
    if (!event) throw new Error('no event');
    expect(JSON.parse(world.object('state', routeErrorNoticeKey('looked-up', event))?.body.toString('utf8') ?? '{}')).toMatchObject({
      schema: 'switchyard.route-error-notice/1',
      route: 'looked-up',
      eventId: event.id,
      object: { bucket: 'inbox', key: 'doc.pdf' },
      error: { code: 'AccessDeniedException' },
      announced: true,
    });
    expect(await listFailureRecords(world.ports.storage, 'state')).toEqual([]);
  });

  it('a route without a failure notification writes no notice', async () => {
    const world = fakeWorld();
    world.putObject('inbox', 'doc.pdf', 'pdf bytes');
    world.faults.push({ operation: 'getParameters', times: 99, code: 'AccessDeniedException', failureClass: 'access-denied' });
    const [route] = routes;
    if (!route) throw new Error('route looked-up did not compile');
    const silent = { ...route, definition: { ...route.definition, notify: undefined } };

    await new Pipeline({ routes: [silent], ports: world.ports, stateBucket: 'state' }).processInput(delivery(1));

    expect([...world.objects.keys()].filter((k) => k.startsWith('state/'))).toEqual([]);
  });
});
