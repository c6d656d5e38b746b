/** What a moving bucket notifies, read as `notifications apply` reads it; a bucket deploy may not read is `unreadable`, never an error. */
import type { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { s3NotifiedQueues, targetsOf } from '../../../deploy/notified-queues.ts';
import { serviceError } from './fake-cloudformation.ts';

const HOME = { account: '123456789012', region: 'eu-west-1' };

/** S3 answering GetBucketNotificationConfiguration per bucket: a configuration, or an error to throw. */
function s3(answers: Record<string, object | Error>): { client: S3Client; asked: string[] } {
  const asked: string[] = [];
  const send = async (command: { constructor: { name: string }; input: { Bucket: string } }): Promise<object> => {
    expect(command.constructor.name).toBe('GetBucketNotificationConfigurationCommand');
    asked.push(command.input.Bucket);
    const answer = answers[command.input.Bucket];
    if (answer instanceof Error) throw answer;
    return answer ?? {};
  };
  return { client: { send } as unknown as S3Client, asked };
}

describe('s3NotifiedQueues', () => {
  const cases = [
    {
      name: 'the queues of the deployment’s account and region, by name; other targets are not queues of ours',
      answer: {
        QueueConfigurations: [
          { Id: 'switchyard-router', QueueArn: 'arn:aws:sqs:eu-west-1:123456789012:switchyard-shard-1-b-events' },
          { Id: 'elsewhere', QueueArn: 'arn:aws:sqs:eu-west-1:999999999999:switchyard-shard-1-b-events' },
          { Id: 'other-region', QueueArn: 'arn:aws:sqs:us-east-1:123456789012:switchyard-shard-0-b-events' },
        ],
        TopicConfigurations: [{ Id: 'fanout', TopicArn: 'arn:aws:sns:eu-west-1:123456789012:t' }],
      },
      expected: { kind: 'read', queues: ['switchyard-shard-1-b-events'] },
    },
    { name: 'no configuration at all: no queue', answer: {}, expected: { kind: 'read', queues: [] } },
    { name: 'no such bucket: gone', answer: serviceError('NoSuchBucket', 'The specified bucket does not exist'), expected: { kind: 'gone' } },
    { name: 'access denied: unreadable, with S3’s words', answer: serviceError('AccessDenied', 'Access Denied'), expected: { kind: 'unreadable', reason: 'AccessDenied: Access Denied' } },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      expect(await s3NotifiedQueues(s3({ b: c.answer }).client, HOME).of('b')).toEqual(c.expected);
    });
  }
});

describe('targetsOf', () => {
  it('reads each bucket once; without a reader every bucket is unreadable', async () => {
    const fake = s3({ b: {}, c: {} });
    const targets = await targetsOf(s3NotifiedQueues(fake.client, HOME), ['b', 'c', 'b'], 2);
    expect([...targets.keys()]).toEqual(['b', 'c']);
    expect(fake.asked.sort()).toEqual(['b', 'c']);
    expect((await targetsOf(undefined, ['b'], 2)).get('b')).toMatchObject({ kind: 'unreadable' });
  });
});
