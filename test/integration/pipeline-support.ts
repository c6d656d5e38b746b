/**
 * What the end-to-end pipeline tests share: the seed routes as deployed, the AWS ports pointed at
 * moto, SQS messages turned into the event Lambda receives, and reading back what landed.
 */
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetObjectCommand, GetObjectTaggingCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import type { Message } from '@aws-sdk/client-sqs';
import { loadRoutes } from '../../engine/load/load-routes.ts';
import { routeSetFromDisk } from '../../engine/load/route-set.ts';
import type { CompiledRoute } from '../../engine/load/compiled-route.ts';
import { AccessResolver, createAwsPorts, realClock } from '../../engine/ports/aws/index.ts';
import { loadSdk } from '../../engine/ports/aws/sdk.ts';
import type { Access, Ports } from '../../engine/ports/types.ts';
import type { InputReport, RouteReport } from '../../engine/pipeline.ts';
import { TEST_REGION, type AwsTestEnv } from './support/aws-env.ts';
import { acceptMotoSesv2Timestamps } from './support/moto-sesv2-timestamps.ts';

/** The route files in routes/, loaded as the Lambda loads them; any problem fails the test. */
export function seedRoutes(dirs: string[] = ['routes']): CompiledRoute[] {
  const loaded = loadRoutes(routeSetFromDisk(dirs));
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`routes do not load:\n${errors.map((d) => `${d.file} ${d.code}: ${d.message}`).join('\n')}`);
  return loaded.routes;
}

/**
 * A copy of one route file in a temporary directory (its templates beside it), with `edit`
 * applied to the text, loaded on its own: how a test lowers e.g. multipartThreshold.
 */
export function editedRoute(file: string, edit: (text: string) => string): CompiledRoute {
  const dir = mkdtempSync(path.join(tmpdir(), 'switchyard-route-'));
  mkdirSync(path.join(dir, 'routes'));
  cpSync('routes/templates', path.join(dir, 'routes', 'templates'), { recursive: true });
  const edited = edit(readFileSync(path.join('routes', file), 'utf8'));
  if (edited === readFileSync(path.join('routes', file), 'utf8')) throw new Error(`the edit changed nothing in routes/${file}`);
  writeFileSync(path.join(dir, 'routes', file), edited);
  const [route, ...others] = seedRoutes([path.join(dir, 'routes')]);
  if (!route || others.length > 0) throw new Error(`expected exactly one route in the edited copy of ${file}`);
  return route;
}

/**
 * The AWS ports against `endpoint` (moto, or the fault proxy in front of it). `sesRoles` are the
 * assumed roles whose SESv2 client needs moto's timestamp fix; `fastClock` keeps retries but
 * skips their sleeps (fault-proxy tests).
 */
export async function motoPorts(endpoint: string, options: { fastClock?: boolean; sesRoles?: Access[] } = {}): Promise<{ ports: Ports; resolver: AccessResolver }> {
  const resolver = new AccessResolver({ region: TEST_REGION, endpoint });
  await loadSdk('sesv2');
  acceptMotoSesv2Timestamps(resolver.own.sesv2);
  for (const role of options.sesRoles ?? []) acceptMotoSesv2Timestamps((await resolver.clientsFor(role)).sesv2);
  const ports = createAwsPorts({ region: TEST_REGION, endpoint }, resolver);
  return { ports: options.fastClock ? { ...ports, clock: { now: realClock.now, sleep: async () => {} } } : ports, resolver };
}

/** SQS messages as the Lambda SQS event source hands them over. */
export function lambdaSqsEvent(messages: Message[], queueArn: string): { Records: unknown[] } {
  return {
    Records: messages.map((m) => ({
      messageId: m.MessageId,
      receiptHandle: m.ReceiptHandle,
      body: m.Body,
      attributes: m.Attributes ?? {},
      messageAttributes: {},
      md5OfBody: m.MD5OfBody,
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: TEST_REGION,
    })),
  };
}

/** Receives until `count` messages (beyond any S3 test event) arrived or the time is up. */
export async function receiveDeliveries(env: AwsTestEnv, queueUrl: string, count: number, timeoutMs = 10_000): Promise<Message[]> {
  const deadline = Date.now() + timeoutMs;
  const all: Message[] = [];
  while (Date.now() < deadline) {
    all.push(...(await env.receiveAll(queueUrl)));
    if (all.filter((m) => !isTestEvent(m)).length >= count) return all;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`expected ${count} deliveries in ${queueUrl}, got ${all.length} message(s) within ${timeoutMs} ms`);
}

export function isTestEvent(message: Message): boolean {
  return (message.Body ?? '').includes('s3:TestEvent');
}

export interface StoredCopy {
  body: Buffer;
  contentType: string | undefined;
  metadata: Record<string, string>;
  tags: Record<string, string>;
}

export async function readObject(env: AwsTestEnv, bucket: string, key: string): Promise<StoredCopy> {
  const head = await env.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  const object = await env.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const tags = await env.s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }));
  return {
    body: Buffer.from((await object.Body?.transformToByteArray()) ?? new Uint8Array()),
    contentType: head.ContentType,
    metadata: head.Metadata ?? {},
    tags: Object.fromEntries((tags.TagSet ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
  };
}

export async function objectExists(env: AwsTestEnv, bucket: string, key: string): Promise<boolean> {
  try {
    await env.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch {
    return false;
  }
}

export async function putObject(
  env: AwsTestEnv,
  bucket: string,
  key: string,
  body: Buffer | string,
  options: { contentType?: string; metadata?: Record<string, string>; tags?: Record<string, string> } = {},
): Promise<void> {
  await env.s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: body,
      ...(options.contentType ? { ContentType: options.contentType } : {}),
      ...(options.metadata ? { Metadata: options.metadata } : {}),
      ...(options.tags ? { Tagging: new URLSearchParams(options.tags).toString() } : {}),
    }),
  );
}

/** An SNS topic with an SQS queue subscribed (raw delivery), so a test can read what was published. */
export async function topicInbox(env: AwsTestEnv, topic: string): Promise<{ topicArn: string; queueUrl: string }> {
  const created = await env.sns.send(new CreateTopicCommand({ Name: topic }));
  const queue = await env.createQueue(`${topic}-inbox`);
  await env.sns.send(new SubscribeCommand({ TopicArn: created.TopicArn, Protocol: 'sqs', Endpoint: queue.arn, Attributes: { RawMessageDelivery: 'true' } }));
  return { topicArn: created.TopicArn ?? '', queueUrl: queue.url };
}

/** The report of one route for the only event of the only record (most tests feed one object). */
export function onlyRoute(report: InputReport, name: string): RouteReport {
  const events = report.records.flatMap((r) => r.events);
  if (events.length !== 1) throw new Error(`expected one event, got ${events.length}: ${JSON.stringify(report.records.map((r) => [r.status, r.reason]))}`);
  const route = events[0]?.routes.find((r) => r.name === name);
  if (!route) throw new Error(`route ${name} did not match; routes: ${events[0]?.routes.map((r) => r.name).join(', ')}`);
  return route;
}
