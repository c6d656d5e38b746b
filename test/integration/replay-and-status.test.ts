/**
 * `switchyard status` and `switchyard replay` against the seed routes deployed to moto with
 * `switchyard deploy`. Failures are produced the way the deployed function produces them: the
 * same pipeline with the AWS ports against moto, fed as Lambda feeds it (SQS batches with
 * partial batch responses, redelivered until moto's redrive policy dead-letters the message;
 * EventBridge events). Its EMF lines are put into CloudWatch with PutMetricData, which is what
 * CloudWatch Logs does with EMF in AWS and moto does not (moto's GetMetricData then answers for
 * real). The cases build on each other and run in order.
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayCommand } from '../../cli/commands/replay.ts';
import { statusCommand } from '../../cli/commands/status.ts';
import { opsClients } from '../../deploy/ops/clients.ts';
import { findDeployment } from '../../deploy/ops/deployment.ts';
import { lambdaAnswer } from '../../engine/lambda-answer.ts';
import type { DeploymentStatus } from '../../deploy/ops/status.ts';
import { Pipeline } from '../../engine/pipeline.ts';
import { failureRecord, failureRecordKey, parseFailureRecord, type FailureRecord } from '../../engine/report/failure-record.ts';
import type { ObjectEvent } from '../../engine/events/object-event.ts';
import { METRIC_NAMESPACE } from '../../engine/report/metrics.ts';
import { objectCreatedEvent } from '../../bench/soak/async-invoke.ts';
import { deploySeedStack, type DeployedSeedStack } from '../../bench/soak/deployed-stack.ts';
import { metricData, parseEmf } from '../../bench/soak/emf.ts';
import { startSqsTrigger } from '../../bench/soak/sqs-trigger.ts';
import { createWorld } from '../../bench/soak/world.ts';
import { createAwsTestEnv, TEST_ACCOUNT, TEST_REGION, type AwsTestEnv } from './support/aws-env.ts';
import { startMoto, type MotoServer } from './support/moto.ts';
import { motoPorts, objectExists, putObject, readObject, seedRoutes } from './pipeline-support.ts';
import { capture, type CapturedOutput } from '../support/captured-output.ts';
import { startLambdaStandIn } from './support/lambda-stand-in.ts';

const STACK = 'ops-it';
const SHARD = `${STACK}-shard-0`;
let moto: MotoServer;
let env: AwsTestEnv;
let deployed: DeployedSeedStack;
let workDir: string;

beforeAll(async () => {
  moto = await startMoto();
  env = createAwsTestEnv(moto.endpoint);
  deployed = await deploySeedStack({ endpoint: moto.endpoint, region: TEST_REGION, stackName: STACK, s3: env.s3 });
  await createWorld({ ...env, region: TEST_REGION }, deployed.notificationQueues);
  workDir = mkdtempSync(path.join(tmpdir(), 'switchyard-ops-'));
}, 120_000);

afterAll(async () => {
  await moto?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});



async function status(routes = 'routes'): Promise<{ code: number; report: DeploymentStatus; io: CapturedOutput }> {
  const io = capture();
  const code = await statusCommand({ stack: STACK, routes, endpoint: moto.endpoint, region: TEST_REGION, format: 'json' }, io);
  return { code, report: JSON.parse(io.out.join('\n') || '{}') as DeploymentStatus, io };
}

/** The deployed function's pipeline, in-process: its EMF lines go to CloudWatch as CloudWatch Logs would send them. */
async function runAsLambda(feed: (invoke: (event: unknown) => Promise<{ ok: true; result: unknown }>) => Promise<void>): Promise<ReturnType<typeof metricData>> {
  const lines: string[] = [];
  const pipeline = new Pipeline({ routes: seedRoutes(), ports: (await motoPorts(moto.endpoint, { fastClock: true })).ports, stateBucket: deployed.stack.stateBucket ?? '', metricsSink: (l) => lines.push(l) });
  await feed(async (event) => ({ ok: true, result: { batchItemFailures: (await pipeline.processInput(event)).batchItemFailures } }));
  const data = lines.flatMap((l) => {
    const record = parseEmf(l);
    return record ? metricData(record) : [];
  });
  await opsClients({ endpoint: moto.endpoint, region: TEST_REGION }).metrics.putMetricData(METRIC_NAMESPACE, data);
  return data;
}

async function depth(queueUrl: string): Promise<number> {
  const attributes = (await env.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }))).Attributes ?? {};
  return Number(attributes.ApproximateNumberOfMessages ?? 0) + Number(attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
}

const notificationDlq = (): string => deployed.resources.get('ArtifactsSourceNotificationDeadLetterQueue') ?? '';

/** Receives from the artifacts notification queue until the message has gone (moto moves it to the DLQ after 5 receives). */
async function deadLetterArtifact(key: string): Promise<ReturnType<typeof metricData>> {
  const queueUrl = deployed.notificationQueues.get('artifacts-source') ?? '';
  const queueArn = (await env.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn ?? '';
  await putObject(env, 'artifacts-source', key, Buffer.from('drawing'), { contentType: 'application/pdf' });
  return runAsLambda(async (invoke) => {
    const trigger = startSqsTrigger({ sqs: env.sqs, queueUrl, queueArn, invoke, concurrency: 1, retryDelaySeconds: 0 });
    const deadline = Date.now() + 20_000;
    while ((await depth(notificationDlq())) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await trigger.stop();
  });
}

describe('switchyard status', () => {
  it('a freshly deployed stack is healthy: every route the same as the local file, nothing dead-lettered, exit 0', async () => {
    const { code, report, io } = await status();
    expect({ code, problems: report.problems, err: io.err }).toEqual({ code: 0, problems: [], err: [] });
    // The seed routes fit one shard: the core (state bucket, topics) and the shard with the function.
    expect(report.stacks.map((s) => [s.name, s.status])).toEqual([[`${STACK}-core`, 'CREATE_COMPLETE'], [SHARD, 'CREATE_COMPLETE']]);
    expect(report.routes.map((r) => [r.route, r.state])).toEqual(seedRoutes().map((r) => [r.name, 'same']).sort());
    expect(report.stacks.flatMap((s) => s.deadLetters).every((q) => q.depth === 0)).toBe(true);
    expect(report.stacks.find((s) => s.name === SHARD)?.deadLetters.map((q) => q.kind).sort()).toEqual(expect.arrayContaining(['async-invocation', 'eventbridge', 's3-notification', 'owned-queue']));
  });

  it('reports a dead-lettered event: its queue has depth 1, the route counted a failure in the last hour, exit 1', async () => {
    const emitted = await deadLetterArtifact('initech/plans/site.pdf');
    const failedEvents = emitted.filter((d) => d.metric === 'FailedEvents' && d.dimensions.Route === 'artifacts-export').reduce((n, d) => n + d.value, 0);
    expect(failedEvents, 'one failed event per receive before moto dead-lettered the message').toBeGreaterThanOrEqual(4);

    const { code, report } = await status();
    expect(code).toBe(1);
    const queue = report.stacks.flatMap((s) => s.deadLetters).find((q) => q.queue === notificationDlq().split('/').pop());
    expect(queue).toEqual({ queue: notificationDlq().split('/').pop(), kind: 's3-notification', depth: 1 });
    expect(report.problems.join('\n')).toMatch(/1 message\(s\) in dead-letter queue .*artifacts-source-events-dlq \(s3-notification\).*switchyard replay --dry-run/);
    // moto 5.2.1 answers GetMetricData with the sums of what PutMetricData stored.
    expect(report.routes.find((r) => r.route === 'artifacts-export')?.activity).toEqual({ routed: 0, failed: failedEvents, retried: 0 });
    expect(report.routes.find((r) => r.route === 'global-builds')?.activity).toEqual({ routed: 0, failed: 0, retried: 0 });
  });

  it('names the route whose local file differs from the deployed one, and a local route that is not deployed', async () => {
    const routes = path.join(workDir, 'routes');
    cpSync('routes', routes, { recursive: true });
    const file = path.join(routes, 'global-builds.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('concurrency: 10\nfailWhen', 'concurrency: 5\nfailWhen'));
    writeFileSync(path.join(routes, 'extra-route.yaml'), readFileSync('routes/global-builds.yaml', 'utf8').replace('name: global-builds', 'name: extra-route').replace('bucket: global-builds', 'bucket: extra-builds'));

    const { code, report, io } = await status(routes);
    expect(code).toBe(1);
    expect(report.routes.filter((r) => r.state !== 'same').map((r) => [r.route, r.state])).toEqual([
      ['extra-route', 'not-deployed'],
      ['global-builds', 'changed'],
    ]);
    expect(report.problems).toContain(`route global-builds in stack ${SHARD}: changed (routes/global-builds.yaml differs from the deployed copy); deploy to bring it in line`);
    expect(io.err).toEqual([]);
  });

  it('exits 2 when the deployment cannot be found, saying what to check', async () => {
    const io = capture();
    const code = await statusCommand({ stack: 'no-such-deployment', routes: 'routes', endpoint: moto.endpoint, region: TEST_REGION, format: 'text' }, io);
    expect(code).toBe(2);
    expect(io.err.join('\n')).toMatch(/no stack of deployment 'no-such-deployment'.*\[SY402\]/);
  });
});

describe('switchyard replay', () => {
  it('re-drives a partial failure for its missing destination only; the record is then resolved and no longer listed', async () => {
    await env.ssm.send(new PutParameterCommand({ Name: '/pipeline/destination/partial', Value: 'intel-east,intel-late', Type: 'String' }));
    const body = Buffer.from('sensor data');
    const key = 'incoming/partial/sensor 1.bin';
    await putObject(env, 'my-ingestion-bucket', key, body, { contentType: 'application/octet-stream', metadata: { site: 'a' }, tags: { DestinationMappingKey: 'partial' } });
    const event = objectCreatedEvent({ bucket: 'my-ingestion-bucket', key, size: body.length, eTag: 'e1', sequencer: '01', account: TEST_ACCOUNT, region: TEST_REGION, time: new Date(), id: 'replay-partial' });
    await runAsLambda(async (invoke) => {
      await invoke(event);
    });
    expect(await objectExists(env, 'intel-east', key)).toBe(true);
    expect((await failureRecords()).map((r) => [r.destination.id, r.resolvedAt])).toEqual([[`s3://intel-late/${key}`, undefined]]);

    // Proof that replay does not copy to intel-east again: its copy is replaced by a marker it must keep.
    await env.s3.send(new PutObjectCommand({ Bucket: 'intel-east', Key: key, Body: 'untouched' }));
    const dry = capture();
    expect(await replayCommand({ stack: STACK, routes: 'routes', route: 'one-to-many', dryRun: true, json: false, endpoint: moto.endpoint, region: TEST_REGION }, dry)).toBe(0);
    expect(dry.out.join('\n')).toContain(`listed   one-to-many  s3://my-ingestion-bucket/${key}`);
    expect(dry.out.join('\n')).toMatch(/destinations: s3:\/\/intel-late\/incoming\/partial\/sensor 1\.bin\n\s+recorded error: s3:\/\/intel-late\/.*NoSuchBucket/);
    expect(dry.out).toContain('failure records: 1 listed (dry run: nothing re-driven, nothing deleted)');

    await env.s3.send(new CreateBucketCommand({ Bucket: 'intel-late' }));
    const io = capture();
    const code = await replayCommand({ stack: STACK, routes: 'routes', route: 'one-to-many', dryRun: false, json: false, endpoint: moto.endpoint, region: TEST_REGION }, io);
    expect({ code, err: io.err }).toEqual({ code: 0, err: [] });
    expect(io.out).toContain('failure records: 1 selected, 1 re-driven, 0 failed again, 0 kept');
    const copy = await readObject(env, 'intel-late', key);
    expect(copy.body.equals(body)).toBe(true);
    expect(copy.tags).toEqual({ DestinationMappingKey: 'partial' });
    // intel-late is no route's source, so the copy is one CopyObject: S3 carries the metadata, no loop marker.
    expect(copy.metadata).toEqual({ site: 'a' });
    expect(await textOf('intel-east', key)).toBe('untouched');
    expect((await failureRecords()).map((r) => [r.destination.id, r.resolvedBy])).toEqual([[`s3://intel-late/${key}`, 'replay']]);
    const again = capture();
    expect(await replayCommand({ stack: STACK, routes: 'routes', route: 'one-to-many', dryRun: true, json: false, endpoint: moto.endpoint, region: TEST_REGION }, again)).toBe(0);
    expect(again.out).toContain('failure records: 0 listed (dry run: nothing re-driven, nothing deleted)');
  });

  it('keeps a dead-lettered event in its queue while its re-drive fails, and deletes it once the fix lets it through', async () => {
    expect(await depth(notificationDlq())).toBe(1);
    const before = capture();
    expect(await replayCommand({ stack: STACK, routes: 'routes', route: 'artifacts-export', dryRun: false, json: false, endpoint: moto.endpoint, region: TEST_REGION }, before)).toBe(1);
    expect(before.out.join('\n')).toMatch(/failed\s+artifacts-export\s+s3:\/\/artifacts-source\/initech\/plans\/site\.pdf[\s\S]*initech has no destinationBucket[\s\S]*the message stays in/);
    expect(before.out).toContain('dead-lettered events: 1 selected, 0 re-driven, 1 failed again, 0 kept');
    expect(await depth(notificationDlq())).toBe(1);

    // The fix: the organisation gets its export bucket.
    await env.s3.send(new CreateBucketCommand({ Bucket: 'initech-export' }));
    const config = JSON.parse(await textOf('artifacts-config', 'export-config.json')) as { customers: unknown[] };
    config.customers.push({ org: 'initech', destinationBucket: 'initech-export' });
    await env.s3.send(new PutObjectCommand({ Bucket: 'artifacts-config', Key: 'export-config.json', Body: JSON.stringify(config) }));

    const after = capture();
    expect(await replayCommand({ stack: STACK, routes: 'routes', route: 'artifacts-export', dryRun: false, json: false, endpoint: moto.endpoint, region: TEST_REGION }, after)).toBe(0);
    expect(after.out).toContain('dead-lettered events: 1 selected, 1 re-driven, 0 failed again, 0 kept');
    expect(await textOf('initech-export', 'initech/plans/site.pdf')).toBe('drawing');
    expect(await depth(notificationDlq())).toBe(0);
    const { code } = await status();
    expect(code).toBe(0);
  });

  it('counts a record whose destination a second delivery filled as delivered later, not as a problem; replay closes it', async () => {
    await env.ssm.send(new PutParameterCommand({ Name: '/pipeline/destination/later', Value: 'intel-east,intel-later', Type: 'String' }));
    const body = Buffer.from('late sensor data');
    const key = 'incoming/later/sensor 2.bin';
    await putObject(env, 'my-ingestion-bucket', key, body, { contentType: 'application/octet-stream', tags: { DestinationMappingKey: 'later' } });
    const eTag = createHash('md5').update(body).digest('hex');
    const event = objectCreatedEvent({ bucket: 'my-ingestion-bucket', key, size: body.length, eTag, sequencer: '02', account: TEST_ACCOUNT, region: TEST_REGION, time: new Date(), id: 'later-delivery' });
    const later = `s3://intel-later/${key}`;
    await runAsLambda(async (invoke) => {
      await invoke(event);
    });
    expect((await status()).report.routes.find((r) => r.route === 'one-to-many')).toMatchObject({ failureRecords: 1, deliveredLater: 0 });

    // A second delivery of the same event (as a Lambda async retry makes) copies it; it is no SQS redelivery, so the record stays open.
    await env.s3.send(new CreateBucketCommand({ Bucket: 'intel-later' }));
    await runAsLambda(async (invoke) => {
      await invoke(event);
    });
    expect((await readObject(env, 'intel-later', key)).body.equals(body)).toBe(true);
    expect((await failureRecords()).filter((r) => r.destination.id === later).map((r) => r.resolvedAt)).toEqual([undefined]);

    const { code, report } = await status();
    expect({ code, problems: report.problems }).toEqual({ code: 0, problems: [] });
    expect(report.routes.find((r) => r.route === 'one-to-many')).toMatchObject({ failureRecords: 0, deliveredLater: 1 });
    expect(report.stacks.map((s) => [s.name, s.failureRecords, s.deliveredLater])).toEqual([[`${STACK}-core`, 0, 1], [SHARD, 0, 0]]);
    expect(report.notes).toContain(
      `route one-to-many: 1 failure record(s) whose destination was delivered after all (e.g. ${later} has the same size and ETag), by a retry that did not close the record: 'switchyard replay --route one-to-many' closes them without sending anything twice`,
    );

    const io = capture();
    expect(await replayCommand({ stack: STACK, routes: 'routes', route: 'one-to-many', dryRun: false, json: false, endpoint: moto.endpoint, region: TEST_REGION }, io)).toBe(0);
    expect(io.out).toContain('failure records: 1 selected, 1 re-driven, 0 failed again, 0 kept');
    expect((await failureRecords()).filter((r) => r.destination.id === later).map((r) => r.resolvedBy)).toEqual(['replay']);
    expect((await status()).report.routes.find((r) => r.route === 'one-to-many')).toMatchObject({ failureRecords: 0, deliveredLater: 0 });

    // A record status cannot check (here: an event without an ETag) keeps counting as a failure, and a note says why.
    const withoutETag: ObjectEvent = { id: 'unchecked-record', origin: 'eventbridge', kind: 'created', eventName: 'Object Created', bucket: 'my-ingestion-bucket', key: `${key}.v2`, size: 3, eventTime: new Date().toISOString() };
    const failure = { actionId: 'fan-out', destination: { kind: 's3' as const, id: `s3://intel-later/${key}.v2`, bucket: 'intel-later', key: `${key}.v2` }, error: { code: 'InternalError', message: 'x', class: '5xx' }, attempts: 3 };
    const recordKey = failureRecordKey('one-to-many', withoutETag, failure.actionId, failure.destination);
    await env.s3.send(new PutObjectCommand({ Bucket: deployed.stack.stateBucket, Key: recordKey, Body: JSON.stringify(failureRecord('one-to-many', withoutETag, failure, false, new Date())) }));
    const unchecked = await status();
    expect(unchecked.report.routes.find((r) => r.route === 'one-to-many')).toMatchObject({ failureRecords: 1, deliveredLater: 0 });
    expect(unchecked.report.notes).toContain(`route one-to-many: 1 failure record(s) could not be checked against their destination (first: s3://intel-later/${key}.v2: the record has no size or ETag of the object to compare with); they count as failure records`);
    await env.s3.send(new DeleteObjectCommand({ Bucket: deployed.stack.stateBucket, Key: recordKey }));
  });

  it("--through-function re-drives in the stack's router function (its role, not the operator's credentials): its error when it fails again, the copy once fixed", async () => {
    await env.ssm.send(new PutParameterCommand({ Name: '/pipeline/destination/viafn', Value: 'intel-east,intel-fn', Type: 'String' }));
    const body = Buffer.from('sensor data for the function');
    const key = 'incoming/viafn/sensor 3.bin';
    await putObject(env, 'my-ingestion-bucket', key, body, { contentType: 'application/octet-stream', tags: { DestinationMappingKey: 'viafn' } });
    const event = objectCreatedEvent({ bucket: 'my-ingestion-bucket', key, size: body.length, eTag: 'e3', sequencer: '03', account: TEST_ACCOUNT, region: TEST_REGION, time: new Date(), id: 'replay-through-function' });
    await runAsLambda(async (invoke) => {
      await invoke(event);
    });
    const destination = `s3://intel-fn/${key}`;
    expect((await failureRecords()).filter((r) => r.destination.id === destination).map((r) => r.resolvedAt)).toEqual([undefined]);

    // Each stack's function: the router pipeline with that stack's state bucket, answering as the handler does.
    const deployment = await findDeployment(opsClients({ endpoint: moto.endpoint, region: TEST_REGION }).cloudformation, STACK);
    const functionNames = new Set(deployment.stacks.flatMap((stack) => (stack.functionName ? [stack.functionName] : [])));
    const stateBucket = deployment.stateBucket ?? '';
    const { ports } = await motoPorts(moto.endpoint, { fastClock: true });
    const lambda = await startLambdaStandIn(async (functionName, payload) => {
      if (!functionNames.has(functionName)) throw new Error(`ResourceNotFoundException: no function ${functionName}`);
      return lambdaAnswer(await new Pipeline({ routes: seedRoutes(), ports, stateBucket }).processInput(payload));
    });
    const previous = process.env.AWS_ENDPOINT_URL_LAMBDA;
    process.env.AWS_ENDPOINT_URL_LAMBDA = lambda.endpoint;
    try {
      const replay = async (): Promise<{ code: number; io: CapturedOutput }> => {
        const io = capture();
        const code = await replayCommand({ stack: STACK, routes: 'routes', route: 'one-to-many', dryRun: false, throughFunction: true, json: false, endpoint: moto.endpoint, region: TEST_REGION }, io);
        return { code, io };
      };
      // The function that runs one-to-many, as the deployed bundles say (the core stack holds the state bucket, a shard the function).
      const coreFunction = deployment.stacks.find((stack) => stack.name === SHARD)?.functionName;
      expect(coreFunction).toBeDefined();

      const failing = await replay();
      expect(failing.code).toBe(1);
      expect(failing.io.out.join('\n')).toContain(`${coreFunction} failed (Unhandled): SwitchyardError: 1 record(s) failed: one-to-many → ${destination}: NoSuchBucket`);
      expect(failing.io.out).toContain('failure records: 1 selected, 0 re-driven, 1 failed again, 0 kept');
      expect(lambda.invocations.map((i) => [i.functionName, i.invocationType, i.signedFor])).toEqual([[coreFunction, 'RequestResponse', 'lambda']]);
      expect(lambda.invocations[0]?.payload).toMatchObject({ switchyard: 'replay', route: 'one-to-many', destinations: [{ destination: { id: destination } }] });

      await env.s3.send(new CreateBucketCommand({ Bucket: 'intel-fn' }));
      const fixed = await replay();
      expect({ code: fixed.code, err: fixed.io.err }).toEqual({ code: 0, err: [] });
      expect(fixed.io.out).toContain('failure records: 1 selected, 1 re-driven, 0 failed again, 0 kept');
      expect((await readObject(env, 'intel-fn', key)).body.equals(body)).toBe(true);
      expect((await failureRecords()).filter((r) => r.destination.id === destination).map((r) => r.resolvedBy)).toEqual(['replay']);
      expect(lambda.invocations).toHaveLength(2);
    } finally {
      if (previous === undefined) delete process.env.AWS_ENDPOINT_URL_LAMBDA;
      else process.env.AWS_ENDPOINT_URL_LAMBDA = previous;
      await lambda.stop();
    }
  });
});

/** Every record in the state bucket, resolved ones included. */
async function failureRecords(): Promise<FailureRecord[]> {
  const listed = await env.s3.send(new ListObjectsV2Command({ Bucket: deployed.stack.stateBucket, Prefix: 'failures/' }));
  const records: FailureRecord[] = [];
  for (const object of listed.Contents ?? []) records.push(parseFailureRecord(await textOf(deployed.stack.stateBucket ?? '', object.Key ?? '')));
  return records;
}

async function textOf(bucket: string, key: string): Promise<string> {
  const object = await env.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await object.Body?.transformToString()) ?? '';
}
