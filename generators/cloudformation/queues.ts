/**
 * Queues the routes own (`route.queues`): each with a dead-letter queue, SQS-managed
 * encryption, and, for a consumer in another account, a queue policy letting it receive.
 */
import { parseDuration } from '../../engine/units.ts';
import { addOutput, addResource } from './id-owners.ts';
import { fitName, logicalId } from './names.ts';
import type { CfnResource, GeneratorContext, PartOutput } from './types.ts';

export const DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 3600;
const DEFAULT_MAX_RECEIVE_COUNT = 5;
/** The schema's default `queues[].retention` (route.schema.json OwnedQueue.retention.default). */
export const DEFAULT_OWNED_QUEUE_RETENTION = '14d';
const CONSUMER_ACTIONS = ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'];

/** Explicit: a queue goes with the stack (its name is fixed, so a retained one would block the next deploy). */
export const QUEUE_POLICIES = { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' } as const;

export function deadLetterQueue(name: string): CfnResource {
  return {
    Type: 'AWS::SQS::Queue',
    ...QUEUE_POLICIES,
    Properties: { QueueName: name, MessageRetentionPeriod: DEAD_LETTER_RETENTION_SECONDS, SqsManagedSseEnabled: true, ...fifo(name) },
  };
}

const FIFO_SUFFIX = '.fifo';

/** A `.fifo` name is a FIFO queue, which SQS only creates with FifoQueue set (and whose DLQ must be FIFO too). */
function fifo(name: string): { FifoQueue?: true } {
  return name.endsWith(FIFO_SUFFIX) ? { FifoQueue: true } : {};
}

/** `<name>-dlq`, within SQS's 80 characters (a hash where cut), and `.fifo` for a FIFO queue's. */
export function deadLetterQueueName(name: string): string {
  const isFifo = name.endsWith(FIFO_SUFFIX);
  const base = isFifo ? name.slice(0, -FIFO_SUFFIX.length) : name;
  const suffix = isFifo ? FIFO_SUFFIX : '';
  return `${fitName(`${base}-dlq`, 80 - suffix.length)}${suffix}`;
}

/** Logical ids of an owned queue and its DLQ (IAM and alarms refer to them too). */
export function ownedQueueIds(name: string): { queueId: string; deadLetterQueueId: string } {
  return { queueId: logicalId(name, 'Queue'), deadLetterQueueId: logicalId(name, 'DeadLetterQueue') };
}

export function queuesPart(context: GeneratorContext): PartOutput {
  const part: PartOutput = { resources: {}, outputs: {}, statements: [] };
  for (const route of context.routes) {
    for (const queue of route.definition.queues ?? []) {
      const { queueId, deadLetterQueueId } = ownedQueueIds(queue.name);
      const owner = `queue ${queue.name}`;
      addResource(part, deadLetterQueueId, deadLetterQueue(deadLetterQueueName(queue.name)), `the dead-letter queue of ${owner}`);
      addResource(part, queueId, {
        Type: 'AWS::SQS::Queue',
        ...QUEUE_POLICIES,
        Properties: {
          QueueName: queue.name,
          ...fifo(queue.name),
          SqsManagedSseEnabled: true,
          MessageRetentionPeriod: Math.round(parseDuration(queue.retention ?? DEFAULT_OWNED_QUEUE_RETENTION) / 1000),
          RedrivePolicy: {
            deadLetterTargetArn: { 'Fn::GetAtt': [deadLetterQueueId, 'Arn'] },
            maxReceiveCount: queue.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT,
          },
        },
      }, owner);
      if (queue.consumerAccount !== undefined) {
        addResource(part, logicalId(queue.name, 'QueuePolicy'), {
          Type: 'AWS::SQS::QueuePolicy',
          Properties: {
            Queues: [{ Ref: queueId }],
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                {
                  Sid: 'ConsumerAccountReceives',
                  Effect: 'Allow',
                  Principal: { AWS: { 'Fn::Sub': `arn:\${AWS::Partition}:iam::${queue.consumerAccount}:root` } },
                  Action: CONSUMER_ACTIONS,
                  Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
                },
              ],
            },
          },
        }, `the policy of ${owner}`);
      }
      addOutput(part, logicalId(queue.name, 'QueueUrl'), { Description: `Queue ${queue.name} (route ${route.name})`, Value: { Ref: queueId } }, `the URL of ${owner}`);
      addOutput(part, logicalId(queue.name, 'QueueArn'), { Description: `ARN of queue ${queue.name}`, Value: { 'Fn::GetAtt': [queueId, 'Arn'] } }, `the ARN of ${owner}`);
      addOutput(part, logicalId(queue.name, 'DeadLetterQueueUrl'), { Description: `Dead-letter queue of ${queue.name}`, Value: { Ref: deadLetterQueueId } }, `the dead-letter queue URL of ${owner}`);
    }
  }
  return part;
}
