/**
 * Seed 002 (build replication) end to end against moto: S3 → SQS, a copy in every regional
 * bucket, the tracking record in the state bucket, the rich failure notification on SNS for a
 * manual run naming an invalid bucket, and the multipart path for a 12 MiB build.
 */
import { randomBytes } from 'node:crypto';
import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { beforeEach, describe, expect, it } from 'vitest';
import { Pipeline } from '../../engine/pipeline.ts';
import type { AwsTestEnv } from './support/aws-env.ts';
import { useMotoServer, type MotoServer } from './support/moto.ts';
import { editedRoute, lambdaSqsEvent, motoPorts, objectExists, onlyRoute, putObject, readObject, receiveDeliveries, seedRoutes, topicInbox } from './pipeline-support.ts';

const MIB = 1024 * 1024;
const STATE = 'switchyard-state';
const REGIONS = ['region-a-builds', 'region-b-builds'];

let moto: MotoServer;
let env: AwsTestEnv;
let queue: { url: string; arn: string };
const routes = seedRoutes().filter((r) => r.name === 'global-builds');

useMotoServer((server, awsEnv) => {
  moto = server;
  env = awsEnv;
});
beforeEach(async () => {
  for (const bucket of ['global-builds', STATE, ...REGIONS]) await env.createBucket(bucket);
  queue = await env.createQueue('global-builds-events');
  await env.configureS3ToSqs('global-builds', queue.arn);
});

async function tracking(key: string): Promise<Record<string, unknown>> {
  return JSON.parse((await readObject(env, STATE, `tracking/global-builds/global-builds/${key}.json`)).body.toString('utf8')) as Record<string, unknown>;
}

describe('seed 002: build replication', () => {
  it('replicates a new build to both regions and writes a SUCCEEDED tracking record', async () => {
    const body = randomBytes(64 * 1024);
    await putObject(env, 'global-builds', 'builds/app-1.4.2.zip', body, { contentType: 'application/zip', metadata: { build: '1.4.2' }, tags: { channel: 'stable' } });
    const messages = await receiveDeliveries(env, queue.url, 1);

    const report = await new Pipeline({ routes, ports: (await motoPorts(moto.endpoint)).ports, stateBucket: STATE }).processInput(lambdaSqsEvent(messages, queue.arn));

    expect(report.batchItemFailures).toEqual([]);
    expect(onlyRoute(report, 'global-builds').results.map((r) => [r.destination, r.outcome])).toEqual(REGIONS.map((b) => [`s3://${b}/builds/app-1.4.2.zip`, 'succeeded']));
    for (const bucket of REGIONS) {
      const copy = await readObject(env, bucket, 'builds/app-1.4.2.zip');
      expect(copy.body.equals(body)).toBe(true);
      expect(copy.contentType).toBe('application/zip');
      expect(copy.metadata).toEqual({ build: '1.4.2' });
      expect(copy.tags).toEqual({ channel: 'stable' });
    }
    const record = await tracking('builds/app-1.4.2.zip');
    expect(record).toMatchObject({
      route: 'global-builds',
      sourceBucket: 'global-builds',
      fileKey: 'builds/app-1.4.2.zip',
      status: 'SUCCEEDED',
      totalDestinations: 2,
      successfulCopies: 2,
      failedCopies: 0,
      successfulDestinations: REGIONS.map((b) => `s3://${b}/builds/app-1.4.2.zip`),
      failedDestinations: [],
    });
    expect(Date.parse(String(record.completedAt))).toBeGreaterThanOrEqual(Date.parse(String(record.startedAt)));
  });

  it('a manual run naming an invalid bucket is refused: FAILED tracking record and the rich SNS notification', async () => {
    await putObject(env, 'global-builds', 'builds/test-file.zip', 'zip');
    const failures = await topicInbox(env, 'file-copy-failures');

    const report = await new Pipeline({ routes, ports: (await motoPorts(moto.endpoint)).ports, stateBucket: STATE }).processInput({
      sourceBucket: 'global-builds',
      sourceKey: 'builds/test-file.zip',
      destinationBuckets: ['invalid-bucket'],
    });

    expect(report.records[0]?.status).toBe('failed');
    expect(await objectExists(env, 'invalid-bucket', 'builds/test-file.zip')).toBe(false);
    expect(await tracking('builds/test-file.zip')).toMatchObject({
      status: 'FAILED',
      totalDestinations: 1,
      successfulCopies: 0,
      failedCopies: 1,
      failedDestinations: [{ destination: 'invalid-bucket', attempts: 0, error: 'invalid-bucket is not in allow.buckets of route global-builds: refused, nothing written' }],
    });
    const published = await env.receiveAll(failures.queueUrl);
    expect(published).toHaveLength(1);
    const text = published[0]?.Body ?? '';
    expect(text).toContain('❌ Switchyard: global-builds failed for s3://global-builds/builds/test-file.zip');
    expect(text).toContain('Succeeded: 0 of 1 destinations');
    expect(text).toContain('Failed:    1');
    expect(text).toMatch(/✗ replicate → invalid-bucket\n\s+error:\s+NotAllowed: invalid-bucket is not in allow\.buckets of route global-builds: refused, nothing written\n\s+attempts: 0/);
    expect(text).toContain(`Tracking record: s3://${STATE}/tracking/global-builds/global-builds/builds/test-file.zip.json`);
  });

  it('a 12 MiB build above a lowered multipartThreshold (8MiB) is copied in 5 MiB parts, byte for byte with metadata and tags', async () => {
    const lowered = editedRoute('global-builds.yaml', (text) => text.replace('      key: $key\n', '      key: $key\n      multipartThreshold: 8MiB\n      partSize: 5MiB\n'));
    const body = randomBytes(12 * MIB);
    await putObject(env, 'global-builds', 'builds/big.bin', body, { contentType: 'application/octet-stream', metadata: { build: 'big' }, tags: { channel: 'nightly' } });
    const messages = await receiveDeliveries(env, queue.url, 1);

    const report = await new Pipeline({ routes: [lowered], ports: (await motoPorts(moto.endpoint)).ports, stateBucket: STATE }).processInput(lambdaSqsEvent(messages, queue.arn));

    expect(onlyRoute(report, 'global-builds').results.map((r) => [r.outcome, r.detail])).toEqual(REGIONS.map(() => ['succeeded', `multipart, ${12 * MIB} bytes`]));
    for (const bucket of REGIONS) {
      const copy = await readObject(env, bucket, 'builds/big.bin');
      expect(copy.body.equals(body)).toBe(true);
      expect(copy.contentType).toBe('application/octet-stream');
      // A multipart copy writes its metadata itself: the source's ETag goes with it for later skip-existing checks.
      expect(copy.metadata).toEqual({ build: 'big', 'switchyard-source-etag': expect.stringMatching(/^[0-9a-f]{32}$/) });
      expect(copy.tags).toEqual({ channel: 'nightly' });
      expect((await env.s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads ?? []).toEqual([]);
    }
  });
});
