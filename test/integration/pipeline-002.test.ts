/**
 * Seed 002 (build replication) end to end against moto: S3 → SQS, a copy in every regional
 * bucket, the tracking record in the state bucket (its start before the copies, and a replay
 * merged into it), the rich failure notification on SNS for a manual run naming an invalid
 * bucket, and the multipart path for a 12 MiB build.
 */
import { randomBytes } from 'node:crypto';
import { DeleteBucketCommand, ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { beforeEach, describe, expect, it } from 'vitest';
import { REPLAY_MARK } from '../../engine/actions/replay-request.ts';
import { Pipeline } from '../../engine/pipeline.ts';
import { listFailureRecords } from '../../engine/report/failure-listing.ts';
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

  it('writes the start record before the copies: IN_PROGRESS, the event id, the start time and both regions', async () => {
    await putObject(env, 'global-builds', 'builds/app-1.5.0.zip', 'zip');
    const messages = await receiveDeliveries(env, queue.url, 1);
    const { ports } = await motoPorts(moto.endpoint);
    let atFirstCopy: Record<string, unknown> | undefined;
    const copy = ports.storage.copy.bind(ports.storage);
    ports.storage.copy = async (request) => {
      atFirstCopy ??= await tracking('builds/app-1.5.0.zip');
      return copy(request);
    };

    const report = await new Pipeline({ routes, ports, stateBucket: STATE }).processInput(lambdaSqsEvent(messages, queue.arn));

    const destinations = REGIONS.map((b) => `s3://${b}/builds/app-1.5.0.zip`);
    expect(atFirstCopy).toMatchObject({ status: 'IN_PROGRESS', eventId: report.records.flatMap((r) => r.events)[0]?.event.id, destinations, totalDestinations: 2, successfulCopies: 0, runs: 1 });
    expect(atFirstCopy?.completedAt).toBeUndefined();
    expect(await tracking('builds/app-1.5.0.zip')).toMatchObject({ status: 'SUCCEEDED', startedAt: atFirstCopy?.startedAt, successfulDestinations: destinations, runs: 1 });
  });

  it('a replay of the region that failed keeps the region delivered first: one SUCCEEDED record over both runs', async () => {
    await env.s3.send(new DeleteBucketCommand({ Bucket: 'region-b-builds' }));
    await putObject(env, 'global-builds', 'builds/app-1.6.0.zip', 'zip');
    const messages = await receiveDeliveries(env, queue.url, 1);
    const { ports } = await motoPorts(moto.endpoint);
    const pipeline = new Pipeline({ routes, ports, stateBucket: STATE });
    await pipeline.processInput(lambdaSqsEvent(messages, queue.arn));
    const first = await tracking('builds/app-1.6.0.zip');
    expect(first).toMatchObject({ status: 'PARTIALLY_FAILED', successfulDestinations: ['s3://region-a-builds/builds/app-1.6.0.zip'] });

    await env.createBucket('region-b-builds');
    const [listed] = await listFailureRecords(ports.storage, STATE, { route: 'global-builds' });
    if (!listed || !('record' in listed)) throw new Error('no failure record to replay');
    const replay = await pipeline.processInput({ switchyard: REPLAY_MARK, route: 'global-builds', event: listed.record.event, destinations: [{ actionId: listed.record.actionId, destination: listed.record.destination }] });

    expect(onlyRoute(replay, 'global-builds').results.map((r) => [r.destination, r.outcome])).toEqual([['s3://region-b-builds/builds/app-1.6.0.zip', 'succeeded']]);
    expect(await tracking('builds/app-1.6.0.zip')).toMatchObject({
      eventId: listed.record.event.id,
      status: 'SUCCEEDED',
      startedAt: first.startedAt,
      runs: 2,
      totalDestinations: 2,
      successfulCopies: 2,
      failedCopies: 0,
      successfulDestinations: REGIONS.map((b) => `s3://${b}/builds/app-1.6.0.zip`),
      failedDestinations: [],
    });
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
