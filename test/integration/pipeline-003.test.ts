/**
 * Seed 003 (cross-account batch transfer) for one object end to end against moto: read as the
 * source account's reader role, server-side copy as the destination account's writer role with
 * the destination's KMS key, and a re-run that skips what is already there.
 */
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { beforeEach, describe, expect, it } from 'vitest';
import { Pipeline } from '../../engine/pipeline.ts';
import { useMotoServer, type MotoServer } from './support/moto.ts';
import { motoPorts, onlyRoute, seedRoutes } from './pipeline-support.ts';

const READER = { roleArn: 'arn:aws:iam::111111111111:role/switchyard-transfer-source-reader', externalId: 'switchyard-cross-account-batch' };
const WRITER = { roleArn: 'arn:aws:iam::222222222222:role/switchyard-transfer-destination-writer', externalId: 'switchyard-cross-account-batch' };
const DESTINATION_KEY = 'arn:aws:kms:us-east-1:222222222222:key/1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const KEY = 'exports/2026/11/ledger.csv';

let moto: MotoServer;
let sourceS3: S3Client;
let destinationS3: S3Client;
const routes = seedRoutes().filter((r) => r.name === 'cross-account-batch');

useMotoServer((server) => {
  moto = server;
});
beforeEach(async () => {
  // Each bucket is created in its own account, through the role the route assumes there (moto accepts any role).
  const { resolver } = await motoPorts(moto.endpoint);
  sourceS3 = (await resolver.clientsFor(READER)).s3;
  destinationS3 = (await resolver.clientsFor(WRITER)).s3;
  await sourceS3.send(new CreateBucketCommand({ Bucket: 'transfer-source' }));
  await destinationS3.send(new CreateBucketCommand({ Bucket: 'transfer-destination' }));
});

describe('seed 003: cross-account batch transfer (one object)', () => {
  it('copies as the writer role with the destination KMS key, keeping bytes and metadata; a re-run skips it', async () => {
    const body = Buffer.from('date,amount\n2026-11-01,12.50\n2026-11-02,7.25\n');
    await sourceS3.send(new PutObjectCommand({ Bucket: 'transfer-source', Key: KEY, Body: body, ContentType: 'text/csv', Metadata: { ledger: 'nov' }, Tagging: 'sensitivity=internal' }));
    const { ports } = await motoPorts(moto.endpoint);
    const pipeline = new Pipeline({ routes, ports });

    const first = await pipeline.processInput({ sourceBucket: 'transfer-source', sourceKey: KEY });
    const again = await pipeline.processInput({ sourceBucket: 'transfer-source', sourceKey: KEY });

    expect(onlyRoute(first, 'cross-account-batch').results).toMatchObject([{ destination: `s3://transfer-destination/${KEY}`, outcome: 'succeeded', attempts: 1 }]);
    expect(onlyRoute(again, 'cross-account-batch').results).toMatchObject([{ outcome: 'skipped', detail: 'same size and ETag already at the destination' }]);
    const head = await destinationS3.send(new HeadObjectCommand({ Bucket: 'transfer-destination', Key: KEY }));
    expect(head.ServerSideEncryption).toBe('aws:kms');
    expect(head.SSEKMSKeyId).toBe(DESTINATION_KEY);
    expect(head.ContentType).toBe('text/csv');
    // No route watches transfer-destination: no loop marker, so S3 copies the metadata itself (one CopyObject).
    expect(head.Metadata).toEqual({ ledger: 'nov' });
    const copied = await destinationS3.send(new GetObjectCommand({ Bucket: 'transfer-destination', Key: KEY }));
    expect(Buffer.from((await copied.Body?.transformToByteArray()) ?? []).equals(body)).toBe(true);
    // Tags are not checked here: moto 5.2.1 keeps tags per account (S3Backend.tagger), so CopyObject with
    // TaggingDirective COPY across accounts finds none. Same-account copies check tags in seeds 000–002 and 004.
  });

  it('an object outside exports/ is not taken by the route: a direct invocation that nothing routes is rejected, with why', async () => {
    const { ports } = await motoPorts(moto.endpoint);

    const report = await new Pipeline({ routes, ports }).processInput({ sourceBucket: 'transfer-source', sourceKey: 'private/payroll.csv' });

    expect(report.records[0]?.events[0]?.routes).toEqual([]);
    expect(report.records[0]?.status).toBe('rejected');
    expect(report.records[0]?.reason).toContain('cross-account-batch');
  });
});
