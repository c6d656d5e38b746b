/**
 * How many messages a deployment's SQS queue still holds (visible, in flight and delayed). deploy
 * asks before it updates a stack a moving bucket leaves: the update deletes that stack's intake
 * queue for the bucket and its dead-letter queue, and every message still in them with them.
 */
import { GetQueueAttributesCommand, GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { mapLimit } from '../engine/limiter.ts';
import { reasonOf } from './errors.ts';

export type QueueDepth =
  | { kind: 'counted'; messages: number }
  /** No such queue: nothing to lose. */
  | { kind: 'gone' }
  | { kind: 'unreadable'; reason: string };

export interface QueueDepths {
  /** Never throws: what cannot be read is `unreadable`, with SQS's reason. */
  of(queueName: string): Promise<QueueDepth>;
}

const COUNTED = ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] as const;

export function sqsQueueDepths(sqs: SQSClient): QueueDepths {
  return {
    async of(queueName) {
      try {
        const url = (await sqs.send(new GetQueueUrlCommand({ QueueName: queueName }))).QueueUrl;
        if (url === undefined) return { kind: 'gone' };
        const attributes = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: [...COUNTED] }))).Attributes ?? {};
        return { kind: 'counted', messages: COUNTED.reduce((sum, name) => sum + Number(attributes[name] ?? 0), 0) };
      } catch (error) {
        const name = (error as { name?: string }).name ?? '';
        if (name === 'QueueDoesNotExist' || name === 'AWS.SimpleQueueService.NonExistentQueue') return { kind: 'gone' };
        return { kind: 'unreadable', reason: reasonOf(error) };
      }
    },
  };
}

/** The depth of each queue, at most `concurrency` read at once; without a reader every queue is unreadable. */
export async function depthsOf(depths: QueueDepths | undefined, queues: readonly string[], concurrency: number): Promise<Map<string, QueueDepth>> {
  const unique = [...new Set(queues)];
  return new Map(await mapLimit(unique, concurrency, async (queue) => [queue, depths === undefined ? NOT_READ : await depths.of(queue)] as const));
}

const NOT_READ: QueueDepth = { kind: 'unreadable', reason: 'this run does not read queue depths' };

/** What stops these queues from being deleted: each that still holds messages or could not be counted, with why. */
export function undrainedQueues(queues: readonly string[], depths: ReadonlyMap<string, QueueDepth>): Array<{ queue: string; problem: string }> {
  return queues.flatMap((queue) => {
    const depth = depths.get(queue);
    if (depth === undefined) return [{ queue, problem: `the messages left in ${queue} were not counted by this run` }];
    if (depth.kind === 'counted' && depth.messages > 0) return [{ queue, problem: `${queue} still holds ${depth.messages} message(s)` }];
    if (depth.kind === 'unreadable') return [{ queue, problem: `the messages left in ${queue} could not be counted (${depth.reason}; the deployer needs sqs:GetQueueUrl and sqs:GetQueueAttributes on it)` }];
    return [];
  });
}
