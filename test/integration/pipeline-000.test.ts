/**
 * Seed 000 (one-to-many) end to end against moto: S3 → EventBridge → SQS, the object's
 * DestinationMappingKey tag → SSM parameters → a copy in every mapped bucket.
 */
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { beforeEach, describe, expect, it } from 'vitest';
import { Pipeline } from '../../engine/pipeline.ts';
import { listFailureRecords } from '../../engine/report/failure-listing.ts';
import type { AwsTestEnv } from './support/aws-env.ts';
import { useMotoServer, type MotoServer } from './support/moto.ts';
import { lambdaSqsEvent, motoPorts, objectExists, onlyRoute, putObject, readObject, receiveDeliveries, seedRoutes, topicInbox } from './pipeline-support.ts';

let moto: MotoServer;
let env: AwsTestEnv;
let queue: { url: string; arn: string };
const routes = seedRoutes().filter((r) => r.name === 'one-to-many');
const INTEL = ['intel-bucket-east', 'intel-bucket-west', 'intel-backup-bucket'];
const OPS = ['ops-primary-bucket', 'ops-secondary-bucket'];
const STATE = 'switchyard-state';
// moto 5.2.1 puts the plain key into EventBridge events (AWS form-URL-encodes it).
const normalise = { eventBridgeKeys: 'raw' } as const;

useMotoServer((server, awsEnv) => {
  moto = server;
  env = awsEnv;
});
beforeEach(async () => {
  await env.createBucket('my-ingestion-bucket');
  await env.ssm.send(new PutParameterCommand({ Name: '/pipeline/destination/intel-distribution', Value: INTEL.join(','), Type: 'String' }));
  await env.ssm.send(new PutParameterCommand({ Name: '/pipeline/destination/ops-distribution', Value: OPS.join(', '), Type: 'String' }));
  queue = await env.createQueue('one-to-many-events');
  await env.configureEventBridgeToSqs('my-ingestion-bucket', queue.arn);
});

async function deliver(key: string, body: Buffer, tags: Record<string, string>): Promise<Parameters<Pipeline['processInput']>[0]> {
  await putObject(env, 'my-ingestion-bucket', key, body, { contentType: 'application/pdf', metadata: { scanner: 'sc-7' }, tags });
  return lambdaSqsEvent(await receiveDeliveries(env, queue.url, 1), queue.arn);
}

describe('seed 000: one-to-many distribution', () => {
  it('copies the file to every bucket of every mapping key, byte for byte with metadata, type and tags', async () => {
    for (const bucket of [...INTEL, ...OPS]) await env.createBucket(bucket);
    const body = Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 251));
    const tags = { DestinationMappingKey: 'intel-distribution ops-distribution', owner: 'team a' };
    const event = await deliver('incoming/daily report.pdf', body, tags);

    const report = await new Pipeline({ routes, ports: (await motoPorts(moto.endpoint)).ports, normalise }).processInput(event);

    expect(report.viaSqs).toBe(true);
    expect(report.batchItemFailures).toEqual([]);
    const route = onlyRoute(report, 'one-to-many');
    expect(route.results.map((r) => [r.destination, r.outcome])).toEqual([...INTEL, ...OPS].map((b) => [`s3://${b}/incoming/daily report.pdf`, 'succeeded']));
    for (const bucket of [...INTEL, ...OPS]) {
      const copy = await readObject(env, bucket, 'incoming/daily report.pdf');
      expect(copy.body.equals(body)).toBe(true);
      expect(copy.contentType).toBe('application/pdf');
      expect(copy.metadata).toEqual({ scanner: 'sc-7' });
      expect(copy.tags).toEqual(tags);
    }
  });

  it('a missing destination bucket fails at once (no retry) while the others receive the file: the event succeeds (failWhen all), each missing copy is recorded and told; replay delivers them once the buckets exist', async () => {
    for (const bucket of [...INTEL, STATE]) await env.createBucket(bucket);
    const failures = await topicInbox(env, 'one-to-many-failures');
    const event = await deliver('incoming/a.pdf', Buffer.from('a'), { DestinationMappingKey: 'intel-distribution ops-distribution' });
    const ports = (await motoPorts(moto.endpoint)).ports;

    const report = await new Pipeline({ routes, ports, normalise, stateBucket: STATE }).processInput(event);

    const route = onlyRoute(report, 'one-to-many');
    expect(route.results.filter((r) => r.outcome === 'failed').map((r) => [r.destination, r.error?.failureClass, r.attempts])).toEqual(
      OPS.map((b) => [`s3://${b}/incoming/a.pdf`, 'not-found', 1]),
    );
    expect(route.failed).toBe(false);
    expect(report.batchItemFailures).toEqual([]);
    for (const bucket of INTEL) expect(await objectExists(env, bucket, 'incoming/a.pdf')).toBe(true);
    const records = await listFailureRecords(ports.storage, STATE, { route: 'one-to-many' });
    expect(records.map((r) => ('record' in r ? [r.record.destination.bucket, r.record.error.code, r.record.eventFailed] : r.problem)).sort()).toEqual(OPS.map((b) => [b, 'NoSuchBucket', false]));
    const [note] = await env.receiveAll(failures.queueUrl);
    for (const { key } of records) expect(note?.Body).toContain(`record:   s3://${STATE}/${key}`);

    for (const bucket of OPS) await env.createBucket(bucket);
    for (const entry of records) {
      if (!('record' in entry)) continue;
      const { record } = entry;
      const replayed = await new Pipeline({ routes, ports, stateBucket: STATE }).processInput({ switchyard: 'replay', route: record.route, event: record.event, destinations: [{ actionId: record.actionId, destination: record.destination }] });
      expect(onlyRoute(replayed, 'one-to-many').results.map((r) => [r.destination, r.outcome])).toEqual([[record.destination.id, 'succeeded']]);
    }
    for (const bucket of OPS) expect(await objectExists(env, bucket, 'incoming/a.pdf')).toBe(true);
    expect(await listFailureRecords(ports.storage, STATE, { route: 'one-to-many' })).toEqual([]);
  });

  it('a file without the tag fails at once: its message goes back to the queue and the failure is published', async () => {
    const failures = await topicInbox(env, 'one-to-many-failures');
    const event = await deliver('incoming/untagged.pdf', Buffer.from('u'), { owner: 'x' });

    const report = await new Pipeline({ routes, ports: (await motoPorts(moto.endpoint)).ports, normalise }).processInput(event);

    const route = onlyRoute(report, 'one-to-many');
    expect(route.error?.message).toBe('object has no DestinationMappingKey tag: tag it with space-separated mapping keys');
    expect(report.batchItemFailures).toHaveLength(1);
    const published = await env.receiveAll(failures.queueUrl);
    expect(published).toHaveLength(1);
    expect(published[0]?.Body).toContain('❌ Switchyard: one-to-many failed for s3://my-ingestion-bucket/incoming/untagged.pdf');
  });
});
