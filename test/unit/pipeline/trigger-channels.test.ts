/**
 * A route takes events only from the channel its trigger names (reviewer: an S3 notification via
 * SQS for inbox/exports/x.csv ran the manual, the s3-notification and the eventbridge route of
 * that bucket). Direct invocations and backfills may run any route on the bucket. What is read
 * from an operator's queue belongs to that queue's `trigger: sqs` routes; what is read from any
 * other queue (Switchyard's intake) to the others: a bucket notifying both queues ran each route
 * twice per change before.
 */
import { describe, expect, it } from 'vitest';
import { Pipeline } from '../../../engine/pipeline.ts';
import { compileRoutes, fakeWorld, s3Created, sqsBatch } from './fake-world.ts';

const BUCKET = 'inbox-bucket';
const OPERATOR_QUEUE = 'arn:aws:sqs:us-east-1:123456789012:operator-queue';
const KEY = 'inbox/exports/x.csv';

const routeFile = (name: string, trigger: string): string => `
name: ${name}
source: { bucket: ${BUCKET}, trigger: ${trigger}${trigger === 'sqs' ? `, queueArn: "${OPERATOR_QUEUE}"` : ''} }
match: { prefix: inbox/ }
actions:
  - copy: { id: copy, to: ${name}-out, key: $key }
`;

const routes = compileRoutes({
  'routes/backfill-only.yaml': routeFile('backfill-only', 'manual'),
  'routes/notified.yaml': routeFile('notified', 's3-notification'),
  'routes/own-queue.yaml': routeFile('own-queue', 'sqs'),
  'routes/bridged.yaml': routeFile('bridged', 'eventbridge'),
});

function eventBridgeCreated(bucket: string, key: string): unknown {
  return {
    version: '0',
    id: 'eb-1',
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: '123456789012',
    time: '2026-11-20T09:59:58Z',
    region: 'us-east-1',
    resources: [`arn:aws:s3:::${bucket}`],
    detail: { version: '0', bucket: { name: bucket }, object: { key, size: 4, etag: 'etag-1', sequencer: '01' }, reason: 'PutObject' },
  };
}

/** An SQS batch as Lambda hands it over from the operator's queue. */
function fromOperatorQueue(bodies: Array<{ messageId: string; body: string }>): unknown {
  const batch = sqsBatch(bodies) as { Records: Array<Record<string, unknown>> };
  return { Records: batch.Records.map((record) => ({ ...record, eventSourceARN: OPERATOR_QUEUE })) };
}

const cases = [
  {
    proves: "an S3 notification read from Switchyard's intake queue runs the s3-notification route only",
    input: sqsBatch([{ messageId: 'm1', body: JSON.stringify(s3Created(BUCKET, KEY)) }]),
    copiedTo: ['notified-out'],
  },
  {
    proves: "an S3 notification read from the operator's queue runs that queue's sqs route only",
    input: fromOperatorQueue([{ messageId: 'm1', body: JSON.stringify(s3Created(BUCKET, KEY)) }]),
    copiedTo: ['own-queue-out'],
  },
  {
    proves: "an EventBridge event read from the operator's queue runs the sqs route only",
    input: fromOperatorQueue([{ messageId: 'm1', body: JSON.stringify(eventBridgeCreated(BUCKET, KEY)) }]),
    copiedTo: ['own-queue-out'],
  },
  {
    proves: 'an S3 notification delivered straight to the function (no queue) runs the s3-notification route only',
    input: s3Created(BUCKET, KEY),
    copiedTo: ['notified-out'],
  },
  {
    proves: "an EventBridge rule's invocation runs the eventbridge route only: the sqs route hears its own queue, the s3-notification route the intake queue",
    input: eventBridgeCreated(BUCKET, KEY),
    copiedTo: ['bridged-out'],
  },
  {
    proves: 'a direct invocation may run any route on the bucket, the manual one included',
    input: { sourceBucket: BUCKET, sourceKey: KEY },
    copiedTo: ['backfill-only-out', 'bridged-out', 'notified-out', 'own-queue-out'],
  },
];

describe("a route's trigger decides which deliveries reach it", () => {
  it.each(cases)('$proves', async ({ input, copiedTo }) => {
    const world = fakeWorld();
    world.putObject(BUCKET, KEY, 'a,b\n');
    const pipeline = new Pipeline({ routes, ports: world.ports });

    const report = await pipeline.processInput(input);

    expect(report.records.map((r) => r.status)).toEqual(['processed']);
    expect(world.copies.map((c) => c.destination.bucket).sort()).toEqual(copiedTo);
  });

  it('one change delivered through both queues runs each route once', async () => {
    const world = fakeWorld();
    world.putObject(BUCKET, KEY, 'a,b\n');
    const pipeline = new Pipeline({ routes, ports: world.ports });
    const body = JSON.stringify(s3Created(BUCKET, KEY));

    await pipeline.processInput(sqsBatch([{ messageId: 'intake-1', body }]));
    await pipeline.processInput(fromOperatorQueue([{ messageId: 'operator-1', body }]));

    expect(world.copies.map((c) => c.destination.bucket).sort()).toEqual(['notified-out', 'own-queue-out']);
  });

  it("dry-run says which routes were passed over because of their trigger", async () => {
    const world = fakeWorld();
    world.putObject(BUCKET, KEY, 'a,b\n');
    const pipeline = new Pipeline({ routes, ports: world.ports, explain: true });

    const report = await pipeline.processInput(sqsBatch([{ messageId: 'm1', body: JSON.stringify(s3Created(BUCKET, KEY)) }]));
    const verdicts = Object.fromEntries(report.records[0]?.events[0]?.routes.map((r) => [r.name, `${r.matched}: ${r.reason}`]) ?? []);

    expect(verdicts).toEqual({
      'backfill-only': 'false: route runs only by hand (trigger: manual: direct invocation or backfill); this is an s3-notification event',
      notified: 'true: matched bucket inbox-bucket, prefix inbox/, any suffix',
      'own-queue': `false: route reads queue ${OPERATOR_QUEUE}; this is an s3-notification event read from arn:aws:sqs:us-east-1:123456789012:switchyard-events`,
      bridged: 'false: route listens to eventbridge events; this is an s3-notification event',
    });
  });
});
