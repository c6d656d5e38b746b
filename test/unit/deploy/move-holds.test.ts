/**
 * Whether the stack a notified bucket leaves may be updated, bucket by bucket: the bucket's own
 * notification configuration decides where it can be read, the operator's --moved-buckets-applied
 * only where it cannot, and never before the new intake queue existed; and never while the queues
 * the update deletes still hold messages.
 */
import { describe, expect, it } from 'vitest';
import type { BucketMove } from '../../../deploy/bucket-moves.ts';
import { moveHolds } from '../../../deploy/move-holds.ts';
import type { BucketTargets } from '../../../deploy/notified-queues.ts';
import type { QueueDepth } from '../../../deploy/queue-depths.ts';

/** A shard template as the generator writes it: its buckets in Metadata, an intake queue per notified bucket. */
function shard(stack: string, buckets: string[], notified: string[] = buckets): string {
  const queues = Object.fromEntries(
    notified.flatMap((b) => [
      [`Queue${b}`, { Type: 'AWS::SQS::Queue', Properties: { QueueName: `${stack}-${b}-events` } }],
      [`DeadLetterQueue${b}`, { Type: 'AWS::SQS::Queue', Properties: { QueueName: `${stack}-${b}-events-dlq` } }],
    ]),
  );
  return JSON.stringify({ Metadata: { Switchyard: { sourceBuckets: buckets, notifiedBuckets: notified } }, Resources: { Dlq: { Type: 'AWS::SQS::Queue', Properties: { QueueName: `${stack}-dlq` } }, ...queues } });
}

const B_MOVES: BucketMove = { bucket: 'b', from: 's1', to: 's2', notified: true };
const OLD = 's1-b-events';
const NEW = 's2-b-events';
const read = (...queues: string[]): BucketTargets => ({ kind: 'read', queues });
const DENIED: BucketTargets = { kind: 'unreadable', reason: 'AccessDenied: Access Denied' };

interface Case {
  name: string;
  targets: Record<string, BucketTargets>;
  applied?: boolean | string[];
  /** s2 as deployed before this run; default: already deployed with b. */
  deployedS2?: string | undefined;
  desiredS2?: string;
  moves?: BucketMove[];
  held?: RegExp;
  line?: string;
  /** Messages left in queues; absent, depths are not checked. */
  depths?: Record<string, QueueDepth>;
}

const counted = (messages: number): QueueDepth => ({ kind: 'counted', messages });

const cases: Case[] = [
  { name: 'the bucket notifies the new queue: released, and the run says why', targets: { b: read(NEW) }, line: `s1 may be updated: b notifies s2's intake queue ${NEW}` },
  { name: 'it still notifies the queue the update deletes: held', targets: { b: read(OLD) }, held: /^held: b moved to s2 but still notifies s1's intake queue s1-b-events, which this update would delete: run switchyard notifications apply --bucket b, then deploy again$/ },
  { name: 'still notifying it, the flag does not release it: the configuration wins', targets: { b: read(OLD, NEW) }, applied: true, held: /still notifies s1's intake queue s1-b-events.*\(--moved-buckets-applied names b, but its notification configuration says otherwise\)$/ },
  { name: 'it notifies neither queue: held, saying what the flag would do', targets: { b: read('other-tool-queue') }, held: /notifications name neither s1's intake queue nor s2-b-events: run switchyard notifications apply --bucket b, then deploy again \(the intake queue takes S3 notifications from the bucket only\); --moved-buckets-applied b releases the stack without it$/ },
  { name: 'neither, but named by the flag: released on the operator’s word', targets: { b: read() }, applied: ['b'], line: 's1 may be updated: b notifies neither queue, and --moved-buckets-applied releases it: until switchyard notifications apply --bucket b, its events reach no Switchyard queue' },
  { name: 'unreadable: held, naming the reason and the flag that releases it', targets: { b: DENIED }, held: /^held: b moved to s2, and deploy cannot read its notification configuration \(AccessDenied: Access Denied\): .*--moved-buckets-applied b$/ },
  { name: 'unreadable, and the flag names another bucket: held, and the unknown name is pointed out', targets: { b: DENIED }, applied: ['bb'], held: /cannot read/, line: '--moved-buckets-applied names bb, but no stack is held for it (it is not a bucket moving away from an intake queue of deployment stacks): ignored; check the name' },
  { name: 'unreadable, bare flag: released on the operator’s word', targets: { b: DENIED }, applied: true, line: `s1 may be updated: b notifies s2's intake queue ${NEW}, as --moved-buckets-applied says (deploy cannot read its configuration: AccessDenied: Access Denied)` },
  { name: 'the new queue did not exist before this run: held whatever the flag says', targets: { b: DENIED }, applied: true, deployedS2: undefined, held: /^held: b moves to s2, whose intake queue for it \(s2-b-events\) is not deployed yet: .*\(--moved-buckets-applied names b, but that queue did not exist before this run/ },
  { name: 'not deployed yet, even when S3 names the queue already (a stand-in that does not validate)', targets: { b: read(NEW) }, deployedS2: shard('s2', ['c']), held: /is not deployed yet/ },
  { name: 'the bucket is gone: nothing can lose events, released', targets: { b: { kind: 'gone' } }, deployedS2: undefined, line: "s1 may be updated: bucket b no longer exists, so nothing notifies s1's intake queue for it" },
  {
    name: 'moving to EventBridge: released once the new stack has the bucket and the old queue is no longer notified',
    targets: { b: read() },
    desiredS2: shard('s2', ['b'], []),
    deployedS2: shard('s2', ['b'], []),
    line: "s1 may be updated: b no longer notifies s1's intake queue",
  },
  {
    name: 're-pointed, but the old intake queue still holds messages: held until the function drains it',
    targets: { b: read(NEW) },
    depths: { [OLD]: counted(3), [`${OLD}-dlq`]: counted(0) },
    held: /^held: s1-b-events still holds 3 message\(s\): the update deletes that queue, and every message in it with it\. Let the function drain the intake queue and replay what is dead-lettered \(switchyard replay\), then deploy again$/,
  },
  { name: 're-pointed, and its dead-letter queue holds failed events: held until they are replayed', targets: { b: read(NEW) }, depths: { [OLD]: counted(0), [`${OLD}-dlq`]: counted(2) }, held: /^held: s1-b-events-dlq still holds 2 message\(s\)/ },
  { name: 're-pointed and both queues empty: released', targets: { b: read(NEW) }, depths: { [OLD]: counted(0), [`${OLD}-dlq`]: { kind: 'gone' } }, line: `s1 may be updated: b notifies s2's intake queue ${NEW}` },
  { name: 'a queue that cannot be counted holds the stack, naming the permissions', targets: { b: read(NEW) }, depths: { [OLD]: { kind: 'unreadable', reason: 'AccessDenied' }, [`${OLD}-dlq`]: counted(0) }, held: /could not be counted \(AccessDenied; the deployer needs sqs:GetQueueUrl and sqs:GetQueueAttributes on it\)/ },
  {
    name: 'two buckets leave s1: held for the one not re-pointed, naming only it',
    targets: { b: read(NEW), c: read(OLD.replace('b', 'c')) },
    moves: [B_MOVES, { bucket: 'c', from: 's1', to: 's2', notified: true }],
    desiredS2: shard('s2', ['b', 'c']),
    deployedS2: shard('s2', ['b', 'c']),
    held: /^held: c moved to s2 but still notifies s1's intake queue s1-c-events/,
  },
];

describe('moveHolds', () => {
  for (const c of cases) {
    it(c.name, () => {
      const deployedS2 = 'deployedS2' in c ? c.deployedS2 : shard('s2', ['b']);
      const deployed = new Map([['s1', shard('s1', ['a', 'b', 'c'])], ...(deployedS2 !== undefined ? [['s2', deployedS2] as const] : [])]);
      const desired = new Map([['s1', shard('s1', ['a'])], ['s2', c.desiredS2 ?? shard('s2', ['b'])]]);
      const holds = moveHolds({ moves: c.moves ?? [B_MOVES], desired, deployed, targets: new Map(Object.entries(c.targets)), applied: c.applied ?? false, ...(c.depths ? { depths: new Map(Object.entries(c.depths)) } : {}) });

      if (c.held === undefined) expect(holds.held).toEqual(new Map());
      else expect(holds.held.get('s1')).toMatch(c.held);
      if (c.line !== undefined) expect(holds.lines).toContain(c.line);
    });
  }

  it('moves of EventBridge buckets hold nothing and are not read', () => {
    const holds = moveHolds({ moves: [{ ...B_MOVES, notified: false }], desired: new Map(), deployed: new Map(), targets: new Map(), applied: false });
    expect(holds).toEqual({ held: new Map(), lines: [] });
  });
});
