/**
 * Skip-existing where ETags cannot decide, against moto: the destination holds objects of the
 * source's size written by a multipart upload (an ETag `…-2`, as a copy made by another tool
 * would have), one with the source's bytes and one with other bytes. `skipExisting: true` goes
 * by size and write time and skips both; `skipExisting: checksum` reads the full-object CRC32
 * of each pair and copies only the one that differs. Through the fault proxy, a refused checksum
 * read fails that object alone, with the reason.
 */
import { CompleteMultipartUploadCommand, CreateMultipartUploadCommand, GetObjectCommand, HeadObjectCommand, PutBucketEncryptionCommand, PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCopy } from '../../engine/actions/copy.ts';
import type { PlannedCopy } from '../../engine/actions/planned-action.ts';
import { batchEvent } from '../../engine/batch/manifest-entry.ts';
import { silentProgress } from '../../engine/batch/progress.ts';
import { runBackfill } from '../../engine/batch/run-backfill.ts';
import type { CompiledRoute } from '../../engine/load/compiled-route.ts';
import { createAwsPorts } from '../../engine/ports/aws/index.ts';
import { silentLog } from '../../engine/report/log.ts';
import { compileRoutes } from '../unit/pipeline/fake-world.ts';
import type { BackfillReport } from '../../engine/batch/report.ts';
import { useMotoBehindFaultProxy } from './support/moto-behind-proxy.ts';

const world = useMotoBehindFaultProxy(11);

const MIB = 1024 * 1024;
const route = (mode: 'true' | 'checksum', to = 'dst'): CompiledRoute =>
  compileRoutes({
    'routes/archive-copy.yaml': `
name: archive-copy
source: { bucket: src, prefix: data/, trigger: manual }
actions:
  - copy: { id: copy, to: ${to}, key: $key, skipExisting: ${mode} }
batch:
  manifests: s3://manifests/
`,
  })[0] as CompiledRoute;

const bytes = (fill: number): Buffer => Buffer.alloc(6 * MIB, fill);

/** Two parts with CRC32 checksums, completed as a FULL_OBJECT checksum: the ETag is `…-2`, the CRC32 that of the whole body. */
async function putMultipart(bucket: string, key: string, body: Buffer): Promise<void> {
  const upload = await world.env.s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ChecksumAlgorithm: 'CRC32', ChecksumType: 'FULL_OBJECT' }));
  const parts = [];
  for (const [index, part] of [body.subarray(0, 5 * MIB), body.subarray(5 * MIB)].entries()) {
    const answer = await world.env.s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: upload.UploadId, PartNumber: index + 1, Body: part, ChecksumAlgorithm: 'CRC32' }));
    parts.push({ PartNumber: index + 1, ETag: answer.ETag, ChecksumCRC32: answer.ChecksumCRC32 });
  }
  await world.env.s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: upload.UploadId, ChecksumType: 'FULL_OBJECT', MultipartUpload: { Parts: parts } }));
}

async function body(bucket: string, key: string): Promise<Buffer> {
  const answer = await world.env.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from((await answer.Body?.transformToByteArray()) ?? []);
}

beforeEach(async () => {
  for (const bucket of ['src', 'dst', 'manifests']) await world.env.createBucket(bucket);
  // The SDK sends a CRC32 with every PutObject: the source objects keep one.
  await world.env.s3.send(new PutObjectCommand({ Bucket: 'src', Key: 'data/same.bin', Body: bytes(1) }));
  await world.env.s3.send(new PutObjectCommand({ Bucket: 'src', Key: 'data/changed.bin', Body: bytes(2) }));
  // Written after the source, the same size, multipart ETags: size and time call both copies.
  await putMultipart('dst', 'data/same.bin', bytes(1));
  await putMultipart('dst', 'data/changed.bin', bytes(3));
}, 60_000);

describe('skip-existing where ETags cannot decide (multipart destination)', () => {
  it('the setup: each pair has the same size and different ETags, and the destinations keep a full-object CRC32', async () => {
    for (const key of ['data/same.bin', 'data/changed.bin']) {
      const source = await world.env.s3.send(new HeadObjectCommand({ Bucket: 'src', Key: key, ChecksumMode: 'ENABLED' }));
      const destination = await world.env.s3.send(new HeadObjectCommand({ Bucket: 'dst', Key: key, ChecksumMode: 'ENABLED' }));
      expect(destination.ContentLength).toBe(source.ContentLength);
      expect(destination.ETag).not.toBe(source.ETag);
      expect(destination.ETag).toMatch(/-2"$/);
      expect(source.ChecksumCRC32).toBeDefined();
      expect(destination.ChecksumType).toBe('FULL_OBJECT');
    }
  });

  it('skipExisting: true skips both by size and write time, the changed object too (the check rclone makes by default)', async () => {
    const summary = await runBackfill(route('true'), createAwsPorts({ endpoint: world.moto.endpoint, region: 'us-east-1' }), { log: silentLog, progress: silentProgress });

    expect(summary).toMatchObject({ status: 'succeeded', listed: 2, copied: 0, skipped: 2 });
    expect((await body('dst', 'data/changed.bin')).equals(bytes(3))).toBe(true);
  });

  it('skipExisting: checksum compares the full-object CRC32s: the same bytes are skipped, the changed object is copied', async () => {
    const summary = await runBackfill(route('checksum'), createAwsPorts({ endpoint: world.moto.endpoint, region: 'us-east-1' }), { log: silentLog, progress: silentProgress });

    expect(summary).toMatchObject({ status: 'succeeded', listed: 2, copied: 1, skipped: 1 });
    expect((await body('dst', 'data/changed.bin')).equals(bytes(2))).toBe(true);
    expect((await world.env.s3.send(new HeadObjectCommand({ Bucket: 'dst', Key: 'data/same.bin' }))).ETag).toMatch(/-2"$/);
  });

  it('runCopy, for a key the destination listing did not answer: its own HeadObject, then the checksums, decide the same way', async () => {
    const storage = createAwsPorts({ endpoint: world.moto.endpoint, region: 'us-east-1' }).storage;
    const outcomes: Record<string, string> = {};
    for (const key of ['data/same.bin', 'data/changed.bin']) {
      const head = await storage.head({ bucket: 'src', key });
      if (!head) throw new Error(`no source object ${key}`);
      const event = batchEvent('src', { key, size: head.size, eTag: head.eTag, lastModified: head.lastModified?.toISOString() ?? '' }, new Date());
      const copy: PlannedCopy = { type: 'copy', actionId: 'copy', bucket: 'dst', key, multipartThreshold: 5 * 1024 * MIB, partSize: 100 * MIB, partConcurrency: 4, skipExisting: 'checksum', loopMarker: false };
      const outcome = await runCopy(storage, event, 'archive-copy', copy, head);
      outcomes[key] = `${outcome.method}${outcome.detail ? `: ${outcome.detail}` : ''}`;
    }

    expect(outcomes).toEqual({ 'data/same.bin': 'skipped: same size and full-object CRC32 checksum already at the destination', 'data/changed.bin': 'copy' });
    expect((await body('dst', 'data/changed.bin')).equals(bytes(2))).toBe(true);
  });

  it('an event, with no HeadObject of the source: its time stands in for the write time; an event newer than the destination copies', async () => {
    const storage = createAwsPorts({ endpoint: world.moto.endpoint, region: 'us-east-1' }).storage;
    const outcome = async (key: string, mode: 'true' | 'checksum', eventTime: Date): Promise<string> => {
      const head = await storage.head({ bucket: 'src', key });
      if (!head) throw new Error(`no source object ${key}`);
      const event = batchEvent('src', { key, size: head.size, eTag: head.eTag, lastModified: eventTime.toISOString() }, new Date());
      const copy: PlannedCopy = { type: 'copy', actionId: 'copy', bucket: 'dst', key, multipartThreshold: 5 * 1024 * MIB, partSize: 100 * MIB, partConcurrency: 4, skipExisting: mode === 'true' ? true : 'checksum', loopMarker: false };
      return (await runCopy(storage, event, 'archive-copy', copy)).method;
    };
    const uploaded = (await storage.head({ bucket: 'src', key: 'data/changed.bin' }))?.lastModified ?? new Date(0);

    expect(await outcome('data/same.bin', 'true', uploaded)).toBe('skipped');
    expect(await outcome('data/changed.bin', 'true', uploaded)).toBe('skipped');
    expect(await outcome('data/same.bin', 'checksum', uploaded)).toBe('skipped');
    expect(await outcome('data/changed.bin', 'checksum', uploaded)).toBe('copy');
    // An event from after the destination was written: the destination cannot be that change.
    await putMultipart('dst', 'data/changed.bin', bytes(3));
    expect(await outcome('data/changed.bin', 'true', new Date(Date.now() + 60_000))).toBe('copy');
  });

  it('a refused checksum read (403, as without kms:Decrypt) fails that object with the reason, retried under the action; the other is still skipped', async () => {
    world.proxy.setRules([{ method: 'HEAD', path: /^\/dst\/data\/changed\.bin/, header: { name: 'x-amz-checksum-mode' }, action: { status: 403, s3Error: 'AccessDenied' } }]);

    const summary = await runBackfill(route('checksum'), createAwsPorts({ endpoint: world.proxy.endpoint, region: 'us-east-1' }), { log: silentLog, progress: silentProgress });

    expect(summary).toMatchObject({ status: 'failed', listed: 2, copied: 0, skipped: 1, failed: 1 });
    const uri = new URL(summary.report ?? '');
    const report = JSON.parse((await body(uri.host, uri.pathname.slice(1))).toString('utf8')) as BackfillReport;
    expect(report.failures).toEqual([expect.objectContaining({ key: 'data/changed.bin', destination: 's3://dst/data/changed.bin', failureClass: 'access-denied' })]);
    expect(report.failures[0]?.message).toContain('kms:Decrypt');
    // Once in the listing check, once in runCopy's own: AccessDenied is never retried.
    expect(world.proxy.stats.byRule).toEqual([2]);
    expect((await body('dst', 'data/changed.bin')).equals(bytes(3))).toBe(true);
  });
});

describe('skip-existing into a bucket whose default encryption is SSE-KMS the route does not name', () => {
  /** Same size as the source, other bytes, written after it: on AWS, what a KMS copy's ETag looks like next to its source's. */
  async function destination(bucket: string, kms: boolean): Promise<void> {
    await world.env.createBucket(bucket);
    if (kms) {
      const rule = { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' as const, KMSMasterKeyID: 'alias/bucket-default' } };
      await world.env.s3.send(new PutBucketEncryptionCommand({ Bucket: bucket, ServerSideEncryptionConfiguration: { Rules: [rule] } }));
    }
    await world.env.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'data/changed.bin', Body: bytes(3) }));
  }

  it('true: the listing cannot tell, so the HeadObject reads the encryption and size and write time decide; a plain bucket is copied', async () => {
    await destination('kms-dst', true);
    await destination('plain-dst', false);
    const ports = (): ReturnType<typeof createAwsPorts> => createAwsPorts({ endpoint: world.moto.endpoint, region: 'us-east-1' });
    expect((await world.env.s3.send(new HeadObjectCommand({ Bucket: 'kms-dst', Key: 'data/changed.bin' }))).ServerSideEncryption).toBe('aws:kms');

    const intoKms = await runBackfill(route('true', 'kms-dst'), ports(), { log: silentLog, progress: silentProgress });
    const intoPlain = await runBackfill(route('true', 'plain-dst'), ports(), { log: silentLog, progress: silentProgress });

    expect(intoKms).toMatchObject({ status: 'succeeded', listed: 2, copied: 1, skipped: 1 });
    expect((await body('kms-dst', 'data/same.bin')).equals(bytes(1))).toBe(true);
    expect((await body('kms-dst', 'data/changed.bin')).equals(bytes(3))).toBe(true);
    expect(intoPlain).toMatchObject({ status: 'succeeded', listed: 2, copied: 2, skipped: 0 });
    expect((await body('plain-dst', 'data/changed.bin')).equals(bytes(2))).toBe(true);
  });

  it('checksum: the same HeadObject reads the checksums too, and the changed object is copied', async () => {
    await destination('kms-dst', true);

    const summary = await runBackfill(route('checksum', 'kms-dst'), createAwsPorts({ endpoint: world.moto.endpoint, region: 'us-east-1' }), { log: silentLog, progress: silentProgress });

    expect(summary).toMatchObject({ status: 'succeeded', listed: 2, copied: 2, skipped: 0 });
    expect((await body('kms-dst', 'data/changed.bin')).equals(bytes(2))).toBe(true);
  });
});
