/**
 * `switchyard notifications apply` against moto: Switchyard's entry goes into a source bucket's
 * notification configuration beside another tool's, which stays; applying again replaces only
 * Switchyard's entry; an overlapping filter of another tool is refused and nothing is written.
 */
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { GetBucketNotificationConfigurationCommand, PutBucketNotificationConfigurationCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationsApplyCommand } from '../../cli/commands/notifications.ts';
import type { Output } from '../../cli/output.ts';
import { createAwsTestEnv, TEST_REGION, type AwsTestEnv } from './support/aws-env.ts';
import { startMoto, type MotoServer } from './support/moto.ts';
import { capture } from '../support/captured-output.ts';

// One server for the file, not reset between tests: each test builds on the configuration the last one left.
let moto: MotoServer;
let env: AwsTestEnv;
let otherQueueArn: string;


const apply = (io: Output, dryRun = false): Promise<number> =>
  notificationsApplyCommand({ bucket: 'metadata-trigger-bucket', routes: 'routes', stack: 'ops', account: '123456789012', region: TEST_REGION, endpoint: moto.endpoint, dryRun }, io);

const current = async () => env.s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: 'metadata-trigger-bucket' }));

afterAll(async () => {
  await moto.stop();
});

beforeAll(async () => {
  moto = await startMoto();
  env = createAwsTestEnv(moto.endpoint);
  await env.createBucket('metadata-trigger-bucket');
  const url = (await env.sqs.send(new CreateQueueCommand({ QueueName: 'search-indexer' }))).QueueUrl ?? '';
  otherQueueArn = (await env.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn ?? '';
  // Another tool already receives this bucket's events: the search indexer, for everything under archive/.
  await env.s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: 'metadata-trigger-bucket',
      NotificationConfiguration: { QueueConfigurations: [{ Id: 'search-indexer', QueueArn: otherQueueArn, Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'archive/' }] } } }] },
    }),
  );
});

describe('switchyard notifications apply', () => {
  it('a dry run says what it would add and writes nothing', async () => {
    const io = capture();
    expect(await apply(io, true)).toBe(0);
    expect(io.out).toEqual(['bucket metadata-trigger-bucket: would apply (dry run, nothing written)', '  added     ops-router', "  kept      search-indexer (not Switchyard's)"]);
    expect((await current()).QueueConfigurations?.map((q) => q.Id)).toEqual(['search-indexer']);
  });

  it("adds Switchyard's entry (the shard's intake queue, customers/ and .json) and keeps the indexer's; again, it replaces only its own", async () => {
    const first = capture();
    expect(await apply(first)).toBe(0);
    const after = await current();
    const byId = new Map((after.QueueConfigurations ?? []).map((q) => [q.Id, q]));
    expect([...byId.keys()].sort()).toEqual(['ops-router', 'search-indexer']);
    expect(byId.get('search-indexer')?.QueueArn).toBe(otherQueueArn);
    expect(byId.get('ops-router')?.QueueArn).toMatch(/^arn:aws:sqs:us-east-1:123456789012:ops-shard-0-/);
    expect(byId.get('ops-router')?.Filter?.Key?.FilterRules?.map((r) => [r.Name?.toLowerCase(), r.Value])).toEqual([['prefix', 'customers/'], ['suffix', '.json']]);

    const again = capture();
    expect(await apply(again)).toBe(0);
    expect(again.out).toContain('  replaced  ops-router');
    expect((await current()).QueueConfigurations?.map((q) => q.Id).sort()).toEqual(['ops-router', 'search-indexer']);
  });

  it("refuses when another tool's filter overlaps Switchyard's, naming both, and writes nothing", async () => {
    const before = await current();
    await env.s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: 'metadata-trigger-bucket',
        NotificationConfiguration: { QueueConfigurations: [{ Id: 'search-indexer', QueueArn: otherQueueArn, Events: ['s3:ObjectCreated:Put'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'customers/' }] } } }] },
      }),
    );
    const io = capture();
    expect(await apply(io)).toBe(1);
    expect(io.err.join('\n')).toMatch(/^switchyard notifications apply: bucket metadata-trigger-bucket: Switchyard's entry ops-router \(prefix 'customers\/', suffix '\.json'\) overlaps entry search-indexer \(prefix 'customers\/', suffix ''\) for s3:ObjectCreated:\*, which S3 refuses\..*\[NotificationOverlap\]$/);
    expect((await current()).QueueConfigurations?.map((q) => q.Id)).toEqual(['search-indexer']);
    expect(before.QueueConfigurations?.length).toBe(2);
  });

  it('names the source buckets when the bucket is not one', async () => {
    const io = capture();
    const code = await notificationsApplyCommand({ bucket: 'nobody-listens', routes: 'routes', stack: 'ops', account: '123456789012', region: TEST_REGION, endpoint: moto.endpoint, dryRun: true }, io);
    expect(code).toBe(1);
    expect(io.err.join('\n')).toMatch(/no route of this deployment takes its events from bucket nobody-listens .*the source buckets are: .*metadata-trigger-bucket.*\[NoNotificationForBucket\]/);
  });
});
