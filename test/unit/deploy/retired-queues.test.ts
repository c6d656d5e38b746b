/** Queues an update deletes for good hold the stack while they hold messages; queues that move are not counted here. */
import { describe, expect, it } from 'vitest';
import type { QueueDepth } from '../../../deploy/queue-depths.ts';
import { retiredQueueHolds, retiredQueues } from '../../../deploy/retired-queues.ts';
import { queueName } from '../../../generators/cloudformation/names.ts';

const template = (queues: string[], buckets: string[] = [], notified: string[] = []): string =>
  JSON.stringify({
    Metadata: { Switchyard: { sourceBuckets: buckets, notifiedBuckets: notified } },
    Resources: Object.fromEntries(queues.map((q) => [q.replaceAll('-', ''), { Type: 'AWS::SQS::Queue', Properties: { QueueName: q } }])),
  });

describe('retiredQueues', () => {
  it('an owned queue whose route is gone, and the intake queues of a bucket that left the deployment, are retired', () => {
    const intake = queueName('r-s1', 'gone-bucket', 'events');
    const intakeDlq = queueName('r-s1', 'gone-bucket', 'events-dlq');
    const deployed = new Map([['r-s1', template(['orders-q', 'orders-q-dlq', intake, intakeDlq, 'kept-q'], ['gone-bucket', 'b'], ['gone-bucket'])]]);
    const desired = new Map([['r-s1', template(['kept-q'], ['b'])]]);
    expect(retiredQueues({ desired, deployed }, ['r-s1'])).toEqual(
      new Map([['r-s1', [{ name: 'orders-q' }, { name: 'orders-q-dlq' }, { name: intake, bucket: 'gone-bucket' }, { name: intakeDlq, bucket: 'gone-bucket' }]]]),
    );
  });

  it('a queue name another stack takes over, and the intake queues a moving bucket leaves, are not retired', () => {
    const leaving = queueName('r-s1', 'moving', 'events');
    const deployed = new Map([
      ['r-s1', template(['orders-q', leaving], ['moving', 'a'], ['moving'])],
      ['r-s2', template([], ['c'])],
    ]);
    const desired = new Map([
      ['r-s1', template([], ['a'])],
      ['r-s2', template(['orders-q', queueName('r-s2', 'moving', 'events')], ['c', 'moving'], ['moving'])],
    ]);
    expect(retiredQueues({ desired, deployed }, ['r-s1', 'r-s2'])).toEqual(new Map());
  });

  it('a stack to be deleted retires every queue it declares but those another stack keeps or takes over', () => {
    const deployed = new Map([['r-s2', template(['moving-q', 'own-q'])]]);
    const desired = new Map([['r-s1', template(['moving-q'])]]);
    expect(retiredQueues({ desired, deployed }, ['r-s1', 'r-s2'])).toEqual(new Map([['r-s2', [{ name: 'own-q' }]]]));
  });

  it('a stack not deployed yet retires nothing', () => {
    expect(retiredQueues({ desired: new Map([['r-s3', template(['q'])]]), deployed: new Map() }, ['r-s3'])).toEqual(new Map());
  });
});

describe('retiredQueueHolds', () => {
  const retired = new Map([
    ['r-s1', [{ name: 'orders-q' }, { name: 'orders-q-dlq' }]],
    ['r-s2', [{ name: 'audit-q' }]],
    ['r-s3', [{ name: 'empty-q' }]],
    ['r-s4', [{ name: 'r-s4-gone-events', bucket: 'gone' }]],
  ]);
  const depths = new Map<string, QueueDepth>([
    ['orders-q', { kind: 'counted', messages: 3 }],
    ['orders-q-dlq', { kind: 'gone' }],
    ['audit-q', { kind: 'unreadable', reason: 'AccessDenied' }],
    ['empty-q', { kind: 'counted', messages: 0 }],
    ['r-s4-gone-events', { kind: 'counted', messages: 1 }],
  ]);

  it('holds a stack whose retired queue holds messages or cannot be counted, saying how to let it go; empty or gone queues hold nothing', () => {
    const held = retiredQueueHolds(retired, depths, new Set());
    expect([...held.keys()]).toEqual(['r-s1', 'r-s2', 'r-s4']);
    expect(held.get('r-s1')).toBe(
      'held: this update deletes queues no route uses any more, with every message in them: orders-q still holds 3 message(s). ' +
        'let the consumers drain the rest or replay what is dead-lettered (switchyard replay); or purge what is not wanted (aws sqs purge-queue); then deploy again',
    );
    expect(held.get('r-s2')).toContain('the messages left in audit-q could not be counted (AccessDenied; the deployer needs sqs:GetQueueUrl and sqs:GetQueueAttributes on it)');
  });

  it("a bucket's intake queue is let go by re-pointing the bucket first; a stack to be deleted is kept, not held", () => {
    const held = retiredQueueHolds(retired, depths, new Set(['r-s4']));
    expect(held.get('r-s4')).toMatch(/^kept: deleting the stack deletes its queues, with every message in them: r-s4-gone-events still holds 1 message\(s\)\. run switchyard notifications apply --bucket gone \(the bucket keeps notifying its intake queue here until then\)/);
  });
});
