/**
 * SQS redelivers a failing event up to maxReceiveCount times; each delivery used to publish the
 * same failure notification. A failure is announced when it is new for that event and
 * destination, or its error changed; a repeat is logged as not re-announced.
 */
import { describe, expect, it } from 'vitest';
import { Pipeline } from '../../../engine/pipeline.ts';
import { memoryLog } from '../../../engine/report/log.ts';
import { compileRoutes, fakeWorld, s3Created, sqsBatch } from './fake-world.ts';

const routes = compileRoutes({
  'routes/archive.yaml': `
name: archive
source: { bucket: inbox, trigger: s3-notification }
allow: { buckets: ["out-*"] }
actions:
  - copy: { id: keep, to: [out-a, out-b], key: $key, retry: { retries: 0 } }
notify:
  onFailure: { sns: archive-failures }
`,
});

interface Delivery {
  /** Destination buckets whose copy fails on this delivery, with that error code. */
  broken: string[];
  code?: string;
  /** Every publish of this delivery fails (SNS down): nothing was announced. */
  snsDown?: boolean;
}

function delivery(receiveCount: number): unknown {
  const batch = sqsBatch([{ messageId: 'm-1', body: JSON.stringify(s3Created('inbox', 'doc.pdf')) }]) as { Records: Array<{ attributes: Record<string, string> }> };
  for (const record of batch.Records) record.attributes['ApproximateReceiveCount'] = String(receiveCount);
  return batch;
}

const cases: Array<{ proves: string; deliveries: Delivery[]; stateBucket?: string; announced: number; notReannounced: number }> = [
  { proves: 'the same failure on five deliveries is announced once', deliveries: Array.from({ length: 5 }, () => ({ broken: ['out-b'] })), announced: 1, notReannounced: 4 },
  { proves: 'a changed error is announced again', deliveries: [{ broken: ['out-b'] }, { broken: ['out-b'], code: 'NoSuchBucket' }, { broken: ['out-b'], code: 'NoSuchBucket' }], announced: 2, notReannounced: 1 },
  { proves: 'another destination failing is announced', deliveries: [{ broken: ['out-b'] }, { broken: ['out-a', 'out-b'] }], announced: 2, notReannounced: 0 },
  { proves: 'a failure after the record was resolved by a redelivery is new', deliveries: [{ broken: ['out-b'] }, { broken: [] }, { broken: ['out-b'] }], announced: 2, notReannounced: 0 },
  { proves: 'a notification that could not be published is sent by the next delivery', deliveries: [{ broken: ['out-b'], snsDown: true }, { broken: ['out-b'] }, { broken: ['out-b'] }], announced: 1, notReannounced: 1 },
  { proves: 'without a state bucket there is nothing to compare with: every delivery announces', deliveries: [{ broken: ['out-b'] }, { broken: ['out-b'] }], stateBucket: '', announced: 2, notReannounced: 0 },
];

describe('failure notifications over redeliveries', () => {
  it.each(cases)('$proves', async ({ deliveries, stateBucket, announced, notReannounced }) => {
    const world = fakeWorld();
    world.putObject('inbox', 'doc.pdf', 'pdf bytes');
    const log = memoryLog();
    const state = stateBucket ?? 'state';
    const pipeline = new Pipeline({ routes, ports: world.ports, log, ...(state ? { stateBucket: state } : {}) });

    for (const [i, { broken, code = 'AccessDenied', snsDown = false }] of deliveries.entries()) {
      world.faults.length = 0;
      world.faults.push({ operation: 'copy', target: (b) => broken.includes(b), times: 99, code, failureClass: 'access-denied' });
      if (snsDown) world.faults.push({ operation: 'publish', times: 99, code: 'InternalError', failureClass: '5xx' });
      await pipeline.processInput(delivery(i + 1));
    }

    expect(world.published).toHaveLength(announced);
    expect(log.lines.filter((l) => l.message.includes('a repeat is not re-announced'))).toHaveLength(notReannounced);
  });
});
