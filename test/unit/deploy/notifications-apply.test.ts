/**
 * `notifications apply` on a bucket no route takes events from any more: it removes the
 * deployment's entries (and says so) instead of refusing, and refuses only when there is nothing
 * of the deployment's to remove.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { resultLines } from '../../../cli/commands/notifications.ts';
import { applyNotifications } from '../../../deploy/notifications/apply.ts';
import type { NotificationConfiguration } from '../../../deploy/notifications/merge.ts';
import { loadRouteSet } from '../generators/load-fixture-routes.ts';

interface SentCommand {
  constructor: { name: string };
  input: { NotificationConfiguration?: NotificationConfiguration };
}

/** S3 holding one bucket's configuration: answers Get, records Put. */
function fakeS3(configuration: NotificationConfiguration): { client: S3Client; put: NotificationConfiguration[] } {
  const put: NotificationConfiguration[] = [];
  const send = async (command: SentCommand): Promise<NotificationConfiguration> => {
    if (command.constructor.name === 'PutBucketNotificationConfigurationCommand') put.push(command.input.NotificationConfiguration ?? {});
    return configuration;
  };
  return { client: { send } as unknown as S3Client, put };
}

const sts = {} as STSClient;
const options = { bucket: 'retired-bucket', deployment: 'switchyard', region: 'eu-west-1', account: '123456789012', dryRun: false };
const indexer = { Id: 'search-indexer', QueueArn: 'arn:aws:sqs:eu-west-1:1:search', Events: ['s3:ObjectCreated:*'] };
const stale = { Id: 'switchyard-router', QueueArn: 'arn:aws:sqs:eu-west-1:123456789012:switchyard-shard-0-retired-bucket-events', Events: ['s3:ObjectCreated:*'] };

describe('applyNotifications on a bucket without routes', () => {
  const routes = loadRouteSet('routes');

  it("removes the deployment's entry, keeps the other tool's, and the output says why", async () => {
    const s3 = fakeS3({ QueueConfigurations: [indexer, stale] });
    const result = await applyNotifications(routes, { s3: s3.client, sts }, options);
    expect(s3.put).toEqual([{ QueueConfigurations: [indexer] }]);
    expect(resultLines({ bucket: 'retired-bucket', stack: 'switchyard' }, result)).toEqual([
      'bucket retired-bucket: applied',
      '  no route of deployment switchyard takes events from this bucket any more: its Switchyard entries are removed',
      "  removed   switchyard-router (Switchyard's, no longer wanted by the routes)",
      "  kept      search-indexer (not Switchyard's)",
    ]);
  });

  it('with nothing of the deployment to remove, refuses and names the source buckets, writing nothing', async () => {
    const s3 = fakeS3({ QueueConfigurations: [indexer] });
    await expect(applyNotifications(routes, { s3: s3.client, sts }, options)).rejects.toMatchObject({
      code: 'NoNotificationForBucket',
      message: expect.stringMatching(/no route of this deployment takes its events from bucket retired-bucket .*no entry of deployment switchyard to remove: check --bucket and --stack; the source buckets are: /),
    });
    expect(s3.put).toEqual([]);
  });

  it('a bucket that is neither a source nor there at all (a typo) gets the same answer, not S3\'s NoSuchBucket', async () => {
    const missing = { send: async () => Promise.reject(Object.assign(new Error('The specified bucket does not exist'), { name: 'NoSuchBucket' })) } as unknown as S3Client;
    await expect(applyNotifications(routes, { s3: missing, sts }, options)).rejects.toMatchObject({
      code: 'NoNotificationForBucket',
      message: expect.stringMatching(/from bucket retired-bucket .*and there is no such bucket: check --bucket and --stack/),
    });
  });
});
