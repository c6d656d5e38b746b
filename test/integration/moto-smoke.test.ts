/**
 * Proves the harness: moto delivers S3 notifications into SQS (directly and through
 * EventBridge), in exactly the shape saved under test/fixtures/events/ for the normaliser's tests.
 */
import { readFileSync } from 'node:fs';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAwsTestEnv, type AwsTestEnv } from './support/aws-env.ts';
import { startMoto, type MotoServer } from './support/moto.ts';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../fixtures/events/${name}`, import.meta.url), 'utf8'));

/** Fields that differ on every delivery; everything else must equal the fixture. */
function withoutVolatileFields(body: unknown): unknown {
  return JSON.parse(JSON.stringify(body), (name, value: unknown) =>
    ['eventTime', 'time', 'id'].includes(name) ? '<volatile>' : value,
  );
}

let moto: MotoServer;
let env: AwsTestEnv;

beforeAll(async () => {
  moto = await startMoto();
  env = createAwsTestEnv(moto.endpoint);
}, 60_000);
afterAll(async () => moto?.stop());
beforeEach(async () => moto.reset());

describe('moto S3 → SQS notification', () => {
  it('sends an s3:TestEvent when the notification is configured', async () => {
    await env.createBucket('ingest-bucket');
    const queue = await env.createQueue('ingest-events');
    await env.configureS3ToSqs('ingest-bucket', queue.arn, { prefix: 'incoming/' });

    const bodies = (await env.receiveAll(queue.url)).map((message) => JSON.parse(message.Body ?? 'null'));

    expect(bodies).toEqual([expect.objectContaining({ Event: 's3:TestEvent', Bucket: 'ingest-bucket' })]);
  });

  it('delivers a PutObject as the body saved in moto-s3-via-sqs.json', async () => {
    await env.createBucket('ingest-bucket');
    const queue = await env.createQueue('ingest-events');
    await env.configureS3ToSqs('ingest-bucket', queue.arn, { prefix: 'incoming/' });
    await env.receiveAll(queue.url);

    await env.s3.send(
      new PutObjectCommand({ Bucket: 'ingest-bucket', Key: 'incoming/red flower.jpg', Body: 'hello switchyard' }),
    );
    const bodies = (await env.receiveAll(queue.url)).map((message) => JSON.parse(message.Body ?? 'null'));

    expect(bodies.map(withoutVolatileFields)).toEqual([withoutVolatileFields(fixture('moto-s3-via-sqs.json'))]);
  });

  it('honours the prefix filter', async () => {
    await env.createBucket('ingest-bucket');
    const queue = await env.createQueue('ingest-events');
    await env.configureS3ToSqs('ingest-bucket', queue.arn, { prefix: 'incoming/', suffix: '.jpg' });
    await env.receiveAll(queue.url);

    await env.s3.send(new PutObjectCommand({ Bucket: 'ingest-bucket', Key: 'elsewhere/a.jpg', Body: 'x' }));
    await env.s3.send(new PutObjectCommand({ Bucket: 'ingest-bucket', Key: 'incoming/a.txt', Body: 'x' }));
    await env.s3.send(new PutObjectCommand({ Bucket: 'ingest-bucket', Key: 'incoming/b.jpg', Body: 'x' }));
    const keys = (await env.receiveAll(queue.url)).map(
      (message) => JSON.parse(message.Body ?? 'null').Records[0].s3.object.key,
    );

    expect(keys).toEqual(['incoming%2Fb.jpg']);
  });
});

describe('moto S3 → EventBridge → SQS', () => {
  it('delivers an Object Created event as the body saved in moto-eventbridge-via-sqs.json', async () => {
    await env.createBucket('eb-ingest-bucket');
    const queue = await env.createQueue('eb-ingest-events');
    await env.configureEventBridgeToSqs('eb-ingest-bucket', queue.arn, { prefix: 'incoming/' });

    await env.s3.send(
      new PutObjectCommand({ Bucket: 'eb-ingest-bucket', Key: 'incoming/red flower.jpg', Body: 'hello switchyard' }),
    );
    const bodies = (await env.receiveAll(queue.url)).map((message) => JSON.parse(message.Body ?? 'null'));

    expect(bodies.map(withoutVolatileFields)).toEqual([
      withoutVolatileFields(fixture('moto-eventbridge-via-sqs.json')),
    ]);
  });

  it('applies the rule pattern: other keys are not delivered', async () => {
    await env.createBucket('eb-ingest-bucket');
    const queue = await env.createQueue('eb-ingest-events');
    await env.configureEventBridgeToSqs('eb-ingest-bucket', queue.arn, { suffix: '.pdf' });

    await env.s3.send(new PutObjectCommand({ Bucket: 'eb-ingest-bucket', Key: 'a/report.txt', Body: 'x' }));
    await env.s3.send(new PutObjectCommand({ Bucket: 'eb-ingest-bucket', Key: 'a/report.pdf', Body: 'x' }));
    const keys = (await env.receiveAll(queue.url)).map((message) => JSON.parse(message.Body ?? 'null').detail.object.key);

    expect(keys).toEqual(['a/report.pdf']);
  });
});
