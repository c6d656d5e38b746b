/**
 * Seed 001 (artifacts export) end to end against moto: S3 → SQS notification, the SQS event fed to
 * the pipeline with the real route, the copy read back from the organisation's bucket.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { Pipeline } from '../../engine/pipeline.ts';
import type { AwsTestEnv } from './support/aws-env.ts';
import { useMotoServer, type MotoServer } from './support/moto.ts';
import { isTestEvent, lambdaSqsEvent, motoPorts, objectExists, onlyRoute, putObject, readObject, receiveDeliveries, seedRoutes } from './pipeline-support.ts';

let moto: MotoServer;
let env: AwsTestEnv;
let queue: { url: string; arn: string };
const routes = seedRoutes().filter((r) => r.name === 'artifacts-export');

useMotoServer((server, awsEnv) => {
  moto = server;
  env = awsEnv;
});
beforeEach(async () => {
  for (const bucket of ['artifacts-source', 'artifacts-config', 'org1-export', 'org2-export']) await env.createBucket(bucket);
  await putObject(
    env,
    'artifacts-config',
    'export-config.json',
    JSON.stringify({ customers: [{ org: 'org1', destinationBucket: 'org1-export' }, { org: 'org2', destinationBucket: 'org2-export' }], retry: 1 }),
  );
  queue = await env.createQueue('artifacts-events');
  await env.configureS3ToSqs('artifacts-source', queue.arn);
});

describe('seed 001: artifacts export', () => {
  it("copies a PDF to its organisation's bucket with the same key, bytes, content type, metadata and tags", async () => {
    const key = 'org1/catalogue/2026/spring catalogue.PDF';
    const body = Buffer.from('%PDF-1.7 spring catalogue \u00e9\u00e8 binary \u0000\u0001');
    await putObject(env, 'artifacts-source', key, body, { contentType: 'application/pdf', metadata: { author: 'marketing' }, tags: { classification: 'public' } });
    const messages = await receiveDeliveries(env, queue.url, 1);
    const pipeline = new Pipeline({ routes, ports: (await motoPorts(moto.endpoint)).ports });

    const report = await pipeline.processInput(lambdaSqsEvent(messages, queue.arn));

    // moto's first message after configuring notifications is the s3:TestEvent: acknowledged, ignored.
    expect(report.records.map((r) => r.status).sort()).toEqual(messages.some(isTestEvent) ? ['ignored', 'processed'] : ['processed']);
    expect(report.batchItemFailures).toEqual([]);
    const route = onlyRoute(report, 'artifacts-export');
    expect(route.results).toMatchObject([{ destination: `s3://org1-export/${key}`, outcome: 'succeeded', attempts: 1 }]);
    const copy = await readObject(env, 'org1-export', key);
    expect(copy.body.equals(body)).toBe(true);
    expect(copy.contentType).toBe('application/pdf');
    expect(copy.metadata).toEqual({ author: 'marketing' });
    expect(copy.tags).toEqual({ classification: 'public' });
    expect(await objectExists(env, 'org2-export', key)).toBe(false);
  });

  it('a suffix outside the list is not routed; an organisation missing from the config fails its message', async () => {
    await putObject(env, 'artifacts-source', 'org1/builds/app.zip', 'zip');
    await putObject(env, 'artifacts-source', 'org9/docs/manual.pdf', 'pdf');
    const messages = await receiveDeliveries(env, queue.url, 2);
    const pipeline = new Pipeline({ routes, ports: (await motoPorts(moto.endpoint)).ports });

    const report = await pipeline.processInput(lambdaSqsEvent(messages, queue.arn));

    const byKey = new Map(report.records.flatMap((r) => r.events.map((e) => [e.event.key, { record: r, routes: e.routes }] as const)));
    expect(byKey.get('org1/builds/app.zip')?.routes).toEqual([]);
    expect(byKey.get('org1/builds/app.zip')?.record.status).toBe('processed');
    const unknown = byKey.get('org9/docs/manual.pdf');
    expect(unknown?.record.status).toBe('failed');
    expect(unknown?.routes[0]?.error?.message).toBe('organisation org9 has no destinationBucket in s3://artifacts-config/export-config.json');
    expect(report.batchItemFailures).toEqual([{ itemIdentifier: unknown?.record.recordId }]);
  });
});
