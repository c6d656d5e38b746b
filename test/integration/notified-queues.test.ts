/**
 * What deploy reads before it updates a stack a moving bucket leaves, against moto: every queue
 * of the account and region the bucket notifies, by name. After `notifications apply --bucket B`
 * that includes the new stack's intake queue under the name the generator gives it (what
 * move-holds.ts looks for), beside another tool's queue, which stays; a bucket that is gone is `gone`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationsApplyCommand } from '../../cli/commands/notifications.ts';
import { s3NotifiedQueues } from '../../deploy/notified-queues.ts';
import { queueName } from '../../generators/cloudformation/names.ts';
import { capture } from '../support/captured-output.ts';
import { createAwsTestEnv, TEST_ACCOUNT, TEST_REGION, type AwsTestEnv } from './support/aws-env.ts';
import { startMoto, type MotoServer } from './support/moto.ts';

const BUCKET = 'metadata-trigger-bucket';
let moto: MotoServer;
let env: AwsTestEnv;

beforeAll(async () => {
  moto = await startMoto();
  env = createAwsTestEnv(moto.endpoint);
  await env.createBucket(BUCKET);
}, 60_000);

afterAll(async () => {
  await moto?.stop();
});

describe('s3NotifiedQueues against moto', () => {
  it("reads the intake queue notifications apply points the bucket at, beside another tool's queue", async () => {
    const other = await env.createQueue('search-indexer');
    await env.configureS3ToSqs(BUCKET, other.arn, { prefix: 'archive/' });
    const notified = s3NotifiedQueues(env.s3, { account: TEST_ACCOUNT, region: TEST_REGION });
    expect(await notified.of(BUCKET)).toEqual({ kind: 'read', queues: ['search-indexer'] });

    const io = capture();
    expect(await notificationsApplyCommand({ bucket: BUCKET, routes: 'routes', stack: 'ops', account: TEST_ACCOUNT, region: TEST_REGION, endpoint: moto.endpoint, dryRun: false }, io)).toBe(0);

    const read = await notified.of(BUCKET);
    expect(read.kind).toBe('read');
    expect(read.kind === 'read' ? [...read.queues].sort() : []).toEqual([queueName('ops-shard-0', BUCKET, 'events'), 'search-indexer'].sort());
  });

  it('a bucket that does not exist is gone: nothing notifies any queue', async () => {
    expect(await s3NotifiedQueues(env.s3, { account: TEST_ACCOUNT, region: TEST_REGION }).of('no-such-bucket-here')).toEqual({ kind: 'gone' });
  });
});
