/**
 * Which of the deployment's SQS queues a source bucket's S3 notifications go to now. deploy asks
 * before it updates a stack that a moving bucket leaves (deploy/move-holds.ts): the update
 * deletes that stack's intake queue for the bucket, so the bucket must notify its new stack's
 * queue first. The configuration is read as `notifications apply` reads it (notifications/read.ts).
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { mapLimit } from '../engine/limiter.ts';
import { reasonOf } from './errors.ts';
import { readNotifications } from './notifications/read.ts';

export type BucketTargets =
  /** The names of the queues, in the deployment's account and region, the bucket's queue entries name. */
  | { kind: 'read'; queues: readonly string[] }
  /** No such bucket: nothing notifies any queue. */
  | { kind: 'gone' }
  /** The deployer may not read it (AccessDenied, a bucket of another account) or S3 did not answer. */
  | { kind: 'unreadable'; reason: string };

export interface NotifiedQueues {
  /** Never throws: what cannot be read is `unreadable`, with S3's reason. */
  of(bucket: string): Promise<BucketTargets>;
}

export interface QueueHome {
  /** The account the deployment's queues live in. */
  account: string;
  region: string;
}

export function s3NotifiedQueues(s3: S3Client, home: QueueHome): NotifiedQueues {
  return {
    async of(bucket) {
      try {
        const configuration = await readNotifications(s3, bucket);
        const queues = (configuration.QueueConfigurations ?? []).map((entry) => queueNameIn(home, entry.QueueArn)).filter((name): name is string => name !== undefined);
        return { kind: 'read', queues };
      } catch (error) {
        if ((error as { name?: string }).name === 'NoSuchBucket') return { kind: 'gone' };
        return { kind: 'unreadable', reason: reasonOf(error) };
      }
    },
  };
}

/** What each bucket notifies, at most `concurrency` read at once; without a reader every bucket is unreadable. */
export async function targetsOf(notified: NotifiedQueues | undefined, buckets: readonly string[], concurrency: number): Promise<Map<string, BucketTargets>> {
  const unique = [...new Set(buckets)];
  const read = await mapLimit(unique, concurrency, async (bucket) => [bucket, notified === undefined ? NOT_READ : await notified.of(bucket)] as const);
  return new Map(read);
}

const NOT_READ: BucketTargets = { kind: 'unreadable', reason: 'this run does not read bucket notifications' };

/** `arn:<partition>:sqs:<region>:<account>:<name>` → name, for a queue where the deployment's queues live. */
function queueNameIn(home: QueueHome, arn: unknown): string | undefined {
  if (typeof arn !== 'string') return undefined;
  const [prefix, , service, region, account, name] = arn.split(':');
  if (prefix !== 'arn' || service !== 'sqs' || region !== home.region || name === undefined) return undefined;
  return home.account === '' || account === home.account ? name : undefined;
}
