/**
 * Acceptance check for `switchyard backfill` (seed 003) on moto, through the real CLI
 * function: every object under exports/ copied byte for byte with metadata and tags, the
 * manifest and report written, a re-run copying nothing, and SlowDown retried through the
 * fault proxy.
 */
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  GetObjectCommand,
  GetObjectTaggingCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  PutObjectTaggingCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfillCommand, type BackfillCommandOptions } from '../../cli/commands/backfill.ts';
import type { BackfillReport } from '../../engine/batch/report.ts';
import { mapLimit } from '../../engine/limiter.ts';
import { AccessResolver } from '../../engine/ports/aws/index.ts';
import { createAwsTestEnv, type AwsTestEnv } from './support/aws-env.ts';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.ts';
import { startMoto, type MotoServer } from './support/moto.ts';
import { capture } from '../support/captured-output.ts';

const MIB = 1024 * 1024;
const SOURCE = 'transfer-source';
const DESTINATION = 'transfer-destination';
const MANIFESTS = 'transfer-manifests';
const ROUTE = 'cross-account-batch';

interface SourceObject {
  key: string;
  body: Buffer;
  metadata: Record<string, string>;
  tags: Record<string, string>;
  contentType: string;
}

/** Keys that break naive encoders: spaces, plus, percent, unicode, deep paths, XML specials. */
const AWKWARD_NAMES = [
  'red flower.jpg',
  'a+b=c.txt',
  '100% done.csv',
  'already%20encoded.txt',
  'café/naïve résumé.pdf',
  '日本語/ファイル.xml',
  'emoji 🚚 transfer.bin',
  'deep/a/b/c/d/e/f/g/h/i/j/leaf.json',
  'amp & lt < gt >.txt',
  "quote ' and \"double\".txt",
  'tilde~hash#question?.dat',
  'semi;colon,comma.dat',
];

function sourceObjects(): SourceObject[] {
  const objects: SourceObject[] = [];
  for (let i = 0; i < 250; i++) {
    const name = AWKWARD_NAMES[i % AWKWARD_NAMES.length] ?? 'x';
    const key = `exports/${String(i).padStart(3, '0')}/${i % 5 === 0 ? `nested/${i}/` : ''}${name}`;
    objects.push({
      key,
      body: randomBytes(64 + ((i * 37) % 2000)),
      metadata: { origin: 'ledger', index: String(i) },
      tags: i % 3 === 0 ? { classification: 'internal', 'batch-no': String(i) } : { team: 'finance' },
      contentType: i % 2 === 0 ? 'text/csv' : 'application/octet-stream',
    });
  }
  objects.push({
    key: 'exports/big/archive 2026.tar',
    body: randomBytes(12 * MIB),
    metadata: { origin: 'archive' },
    tags: { size: 'large' },
    contentType: 'application/x-tar',
  });
  return objects;
}

/** Objects the route must leave alone: outside exports/, or only looking like it. */
const OUTSIDE = ['other/ledger.csv', 'exportsX/near-miss.csv', 'Exports/upper-case.csv', 'root.csv'];

let moto: MotoServer;
let env: AwsTestEnv;
let routesDir: string;
let objects: SourceObject[];
let notificationQueue: string;
/** S3 clients of the reader role (source account) and the writer role (destination account). */
let roles: S3Client[];


function options(endpoint: string, extra: Partial<BackfillCommandOptions> = {}): BackfillCommandOptions {
  return { route: ROUTE, routes: routesDir, endpoint, region: 'us-east-1', multipartThreshold: '8MiB', dryRun: false, json: true, ...extra };
}

async function putObject(s3: S3Client, bucket: string, object: SourceObject): Promise<void> {
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: object.key,
      Body: object.body,
      Metadata: object.metadata,
      ContentType: object.contentType,
      Tagging: new URLSearchParams(object.tags).toString(),
    }),
  );
}

/**
 * moto 5.2.1 keeps object tags per *account* (one tagger per account backend), while real S3
 * keeps them on the object. The route reads the source as the reader role (account 111…) and
 * copies as the writer role (account 222…), so in moto those roles would see no tags at all.
 * The same tags are therefore also written as each role, giving every account the view real
 * S3 gives them, and the copies' tags are read as the writer (the destination account, which
 * owns them); the copy itself is untouched.
 */
async function tagInRoleAccounts(bucket: string, object: SourceObject, roles: S3Client[]): Promise<void> {
  if (Object.keys(object.tags).length === 0) return;
  const TagSet = Object.entries(object.tags).map(([Key, Value]) => ({ Key, Value }));
  for (const s3 of roles) await s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: object.key, Tagging: { TagSet } }));
}

async function roleClients(endpoint: string): Promise<S3Client[]> {
  const resolver = new AccessResolver({ endpoint, region: 'us-east-1' });
  const external = { externalId: 'switchyard-cross-account-batch' };
  return [
    (await resolver.clientsFor({ roleArn: 'arn:aws:iam::111111111111:role/switchyard-transfer-source-reader', ...external })).s3,
    (await resolver.clientsFor({ roleArn: 'arn:aws:iam::222222222222:role/switchyard-transfer-destination-writer', ...external })).s3,
  ];
}

async function read(bucket: string, key: string): Promise<{ body: Buffer; metadata: Record<string, string>; contentType?: string; eTag?: string }> {
  const answer = await env.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return {
    body: Buffer.from(await (answer.Body ?? { transformToByteArray: async () => new Uint8Array() }).transformToByteArray()),
    metadata: answer.Metadata ?? {},
    ...(answer.ContentType !== undefined ? { contentType: answer.ContentType } : {}),
    ...(answer.ETag !== undefined ? { eTag: answer.ETag.replaceAll('"', '') } : {}),
  };
}

async function tagsOf(bucket: string, key: string, s3: S3Client = env.s3): Promise<Record<string, string>> {
  const answer = await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }));
  return Object.fromEntries((answer.TagSet ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
}

async function listKeys(bucket: string, prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await env.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    keys.push(...(page.Contents ?? []).map((o) => o.Key ?? ''));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return keys.sort();
}

function keyOfUri(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!match?.[1] || !match[2]) throw new Error(`not an S3 URI: ${uri}`);
  return { bucket: match[1], key: match[2] };
}

function sha256(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

async function seedBuckets(): Promise<void> {
  for (const bucket of [SOURCE, DESTINATION, MANIFESTS]) await env.createBucket(bucket);
}

beforeAll(async () => {
  moto = await startMoto();
  env = createAwsTestEnv(moto.endpoint);
  routesDir = mkdtempSync(path.join(tmpdir(), 'switchyard-backfill-routes-'));
  copyFileSync(path.resolve('routes', `${ROUTE}.yaml`), path.join(routesDir, `${ROUTE}.yaml`));
  await seedBuckets();
  objects = sourceObjects();
  roles = await roleClients(moto.endpoint);
  await mapLimit(objects, 16, async (object) => {
    await putObject(env.s3, SOURCE, object);
    await tagInRoleAccounts(SOURCE, object, roles);
  });
  for (const key of OUTSIDE) await putObject(env.s3, SOURCE, { key, body: Buffer.from(key), metadata: {}, tags: {}, contentType: 'text/csv' });
  const topic = await env.sns.send(new CreateTopicCommand({ Name: 'transfer-notifications' }));
  const queue = await env.createQueue('backfill-announcements');
  notificationQueue = queue.url;
  await env.sns.send(new SubscribeCommand({ TopicArn: topic.TopicArn, Protocol: 'sqs', Endpoint: queue.arn }));
}, 120_000);

afterAll(async () => {
  await moto?.stop();
  if (routesDir) rmSync(routesDir, { recursive: true, force: true });
});

describe('backfill --route cross-account-batch on moto', () => {
  it('--dry-run writes the manifest (marked as a dry run), plans every copy (multipart above the threshold) and copies nothing', async () => {
    const out = capture();

    const code = await backfillCommand(options(moto.endpoint, { dryRun: true }), out);

    const summary = JSON.parse(out.out.join('\n')) as { copied: number; report: null; manifest: string; planned: Array<{ source: string; destination: string; method: string }> };
    expect(code).toBe(0);
    expect(out.out).toHaveLength(1);
    expect(summary.copied).toBe(objects.length);
    expect(summary.report).toBeNull();
    expect(summary.planned.map((p) => p.destination).sort()).toEqual(objects.map((o) => `s3://${DESTINATION}/${o.key}`).sort());
    expect(summary.planned.filter((p) => p.method === 'multipart').map((p) => p.source)).toEqual([`s3://${SOURCE}/exports/big/archive 2026.tar`]);
    expect(await listKeys(DESTINATION)).toEqual([]);
    const manifest = keyOfUri(summary.manifest);
    expect((await read(manifest.bucket, manifest.key)).body.toString('utf8').trim().split('\n')).toHaveLength(objects.length);
    // Marked, so `--resume` never takes this preview for a run to carry on.
    expect(JSON.parse((await read(manifest.bucket, manifest.key.replace(/manifest\.jsonl$/, 'dry-run.json'))).body.toString('utf8'))).toMatchObject({ dryRun: true });
  });

  it('copies every object under exports/ byte for byte with metadata and tags, and nothing else', async () => {
    const out = capture();

    const code = await backfillCommand(options(moto.endpoint), out);

    expect(out.err.filter((line) => line.includes('"level":"error"'))).toEqual([]);
    expect(code).toBe(0);
    expect(out.out).toHaveLength(1);
    const summary = JSON.parse(out.out[0] ?? '') as { copied: number; skipped: number; failed: number; bytes: number; report: string; manifest: string };
    expect(summary).toMatchObject({ copied: objects.length, skipped: 0, failed: 0, bytes: objects.reduce((sum, o) => sum + o.body.length, 0) });
    expect(summary.report).toMatch(new RegExp(`^s3://${MANIFESTS}/${ROUTE}/[^/]+/report\\.json$`));

    expect(await listKeys(DESTINATION)).toEqual(objects.map((o) => o.key).sort());
    await mapLimit(objects, 16, async (object) => {
      const copy = await read(DESTINATION, object.key);
      expect(sha256(copy.body), object.key).toBe(sha256(object.body));
      expect(copy.metadata, object.key).toMatchObject(object.metadata);
      // No route watches transfer-destination, so no loop marker: S3 copies metadata and tags itself.
      expect(copy.metadata['switchyard-route'], object.key).toBeUndefined();
      expect(copy.contentType, object.key).toBe(object.contentType);
      expect(await tagsOf(DESTINATION, object.key, roles[1]), object.key).toEqual(object.tags);
    });
    const big = await read(DESTINATION, 'exports/big/archive 2026.tar');
    expect(big.eTag, 'two parts of 8 MiB and 4 MiB').toMatch(/-2$/);
  });

  it('writes a manifest of exactly the objects under exports/ and a report with counts, bytes and a passed validation', async () => {
    const out = capture();
    await backfillCommand(options(moto.endpoint, { prefix: 'exports/000/' }), out);
    const summary = JSON.parse(out.out[0] ?? '') as { manifest: string; report: string };

    const manifest = keyOfUri(summary.manifest);
    const lines = (await read(manifest.bucket, manifest.key)).body.toString('utf8').trim().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { key: string }).key)).toEqual(objects.filter((o) => o.key.startsWith('exports/000/')).map((o) => o.key));

    const fullRuns = (await listKeys(MANIFESTS, `${ROUTE}/`)).filter((key) => key.endsWith('/report.json'));
    const reports = await Promise.all(fullRuns.map(async (key) => JSON.parse((await read(MANIFESTS, key)).body.toString('utf8')) as BackfillReport));
    const full = reports.find((r) => r.source.prefix === 'exports/' && r.counts.copied > 0);
    expect(full?.counts).toEqual({ listed: objects.length, excluded: 0, copied: objects.length, skipped: 0, failed: 0, notTaken: 0 });
    expect(full?.status).toBe('succeeded');
    expect(full?.failures).toEqual([]);
    expect(full?.validation).toMatchObject({ status: 'passed', manifestObjects: objects.length, expectedCopies: objects.length, foundCopies: objects.length, sampled: 50, mismatches: [] });
    expect(full?.durationMs).toBeGreaterThan(0);
  });

  it('a second run copies nothing: every object is skipped, and the run is announced on SNS', async () => {
    await env.receiveAll(notificationQueue);
    const out = capture();

    const code = await backfillCommand(options(moto.endpoint), out);

    const summary = JSON.parse(out.out[0] ?? '') as { copied: number; skipped: number; failed: number; bytes: number; report: string };
    expect(code).toBe(0);
    expect(summary).toMatchObject({ copied: 0, skipped: objects.length, failed: 0, bytes: 0 });
    const report = keyOfUri(summary.report);
    const written = JSON.parse((await read(report.bucket, report.key)).body.toString('utf8')) as BackfillReport;
    expect(written.counts.skipped).toBe(objects.length);
    expect(written.validation?.status).toBe('passed');
    const announcements = (await env.receiveAll(notificationQueue)).map((m) => JSON.parse(m.Body ?? '{}') as { Subject?: string; Message?: string });
    expect(announcements).toHaveLength(1);
    expect(announcements[0]?.Subject).toBe(`Switchyard backfill ${ROUTE} succeeded: 0 copied, ${objects.length} skipped, 0 failed`);
    expect(announcements[0]?.Message).toContain(summary.report);
  });
});

describe('backfill through the fault proxy', () => {
  let proxy: FaultProxy;
  const few = Array.from({ length: 6 }, (_, i) => ({ key: `exports/faults/${i} part+${i}.csv`, body: Buffer.from(`row ${i}\n`), metadata: {}, tags: {}, contentType: 'text/csv' }));

  beforeAll(async () => {
    await moto.reset();
    await seedBuckets();
    await env.sns.send(new CreateTopicCommand({ Name: 'transfer-notifications' }));
    for (const object of few) await putObject(env.s3, SOURCE, object);
    proxy = await startFaultProxy(moto.endpoint, [], { seed: 3 });
  });
  afterAll(async () => {
    await proxy?.stop();
  });

  it('retries SlowDown on CopyObject with the throttling budget and copies everything; attempts count every try', async () => {
    proxy.setRules([{ method: 'PUT', header: { name: 'x-amz-copy-source' }, action: { status: 503, s3Error: 'SlowDown' }, count: 4 }]);
    const out = capture();

    const code = await backfillCommand(options(proxy.endpoint, { concurrency: 2 }), out);

    const summary = JSON.parse(out.out[0] ?? '') as { copied: number; failed: number; attempts: number; retries: number };
    expect(code).toBe(0);
    expect(proxy.stats.byRule).toEqual([4]);
    expect(summary).toMatchObject({ copied: few.length, failed: 0, retries: 4, attempts: few.length + 4 });
    expect(await listKeys(DESTINATION)).toEqual(few.map((o) => o.key).sort());
  }, 120_000);

  it('AccessDenied is never retried: the object fails once, the report says why, and the run exits 1', async () => {
    await env.s3.send(new PutObjectCommand({ Bucket: SOURCE, Key: 'exports/faults/denied.csv', Body: 'no' }));
    proxy.setRules([{ method: 'PUT', path: /denied\.csv/, header: { name: 'x-amz-copy-source' }, action: { status: 403, s3Error: 'AccessDenied' } }]);
    const out = capture();

    const code = await backfillCommand(options(proxy.endpoint), out);

    const summary = JSON.parse(out.out[0] ?? '') as { copied: number; skipped: number; failed: number; report: string };
    expect(code).toBe(1);
    expect(summary).toMatchObject({ copied: 0, skipped: few.length, failed: 1 });
    expect(proxy.stats.byRule).toEqual([1]);
    const report = keyOfUri(summary.report);
    const written = JSON.parse((await read(report.bucket, report.key)).body.toString('utf8')) as BackfillReport;
    expect(written.status).toBe('failed');
    expect(written.failures).toEqual([expect.objectContaining({ key: 'exports/faults/denied.csv', code: 'AccessDenied', failureClass: 'access-denied', reason: 'not-retryable', attempts: 1 })]);
    expect(out.err.some((line) => line.includes('denied.csv'))).toBe(true);
  });

  it('--multipart-threshold above what one CopyObject copies is a usage error, before anything is listed', async () => {
    await expect(backfillCommand(options(proxy.endpoint, { multipartThreshold: '6GiB' }), capture())).rejects.toThrow(/--multipart-threshold 6GiB: above what one CopyObject copies \(5 GiB\)/);
  });
});
