/**
 * The direct CopyObject path (engine/ports/aws/direct-copy.ts) against moto, side by side with
 * the SDK's: the same request on the wire, the same object at the destination, the same errors;
 * and through the fault proxy for the failures moto cannot produce.
 */
import { randomBytes } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ActionError } from '../../engine/errors.ts';
import { createAwsPorts } from '../../engine/ports/aws/index.ts';
import type { CopyRequest, Ports } from '../../engine/ports/types.ts';
import { TEST_REGION } from './support/aws-env.ts';
import { copyRequest, putCopySource, readCopied } from './support/copy-objects.ts';
import { startFaultProxy, type ObservedRequest } from './support/fault-proxy.ts';
import { useMotoBehindFaultProxy } from './support/moto-behind-proxy.ts';

/** Every request, through a proxy that injects nothing unless a test sets rules. */
const seen: ObservedRequest[] = [];
const world = useMotoBehindFaultProxy(3, { onRequest: (request) => void seen.push(request) });
let direct: Ports;
let sdk: Ports;

beforeAll(() => {
  direct = createAwsPorts({ region: TEST_REGION, endpoint: world.proxy.endpoint, directCopies: true });
  sdk = createAwsPorts({ region: TEST_REGION, endpoint: world.proxy.endpoint });
});
beforeEach(async () => {
  seen.length = 0;
  await world.env.createBucket('src-bucket');
  await world.env.createBucket('dst-bucket');
});

const putSource = (key: string, body: Buffer | string): Promise<void> => putCopySource(world.env.s3, key, body);
/** A copy whose size the caller knows (from a listing or the event), as the backfill makes them. */
const copyOf = (key: string, overrides: Partial<CopyRequest> = {}): CopyRequest => copyRequest(key, { sourceHead: { size: 3, eTag: '', metadata: {} }, ...overrides });

/** The parts of a request S3 acts on (the signature and the SDK's own telemetry headers aside). */
function wireShape(request: ObservedRequest | undefined): Record<string, unknown> {
  const h = request?.headers ?? {};
  return {
    method: request?.method,
    url: request?.url.replace(/\?x-id=CopyObject$/, ''),
    copySource: h['x-amz-copy-source'],
    metadataDirective: h['x-amz-metadata-directive'],
    taggingDirective: h['x-amz-tagging-directive'],
    encryption: h['x-amz-server-side-encryption'],
    kmsKey: h['x-amz-server-side-encryption-aws-kms-key-id'],
    acl: h['x-amz-acl'],
    signed: typeof h.authorization === 'string' && h.authorization.startsWith('AWS4-HMAC-SHA256 Credential=testing/'),
  };
}

describe('direct CopyObject', () => {
  const awkwardKeys = ['in/report.pdf', 'in/red flower.jpg', 'in/a+b=c.jpg', 'in/café/naïve ü.pdf', "in/100% done?!'()*.txt", 'in/no #1 & co~.txt', 'in/日本語 ファイル.txt', 'in/x/../dots/./y.txt'];

  it.each(awkwardKeys)('sends for %j the request the SDK sends, in one request, and the copy keeps bytes, metadata, headers and tags', async (key) => {
    const body = randomBytes(2048);
    await putSource(key, body);
    const request = copyOf(key, { sourceHead: { size: body.length, eTag: '', metadata: {} }, kmsKeyId: 'arn:aws:kms:us-east-1:222222222222:key/1a2b', acl: 'bucket-owner-full-control' });

    const viaSdk = await sdk.storage.copy(request);
    const sdkRequests = seen.splice(0);
    const viaDirect = await direct.storage.copy(request);
    const directRequests = seen.splice(0);

    expect(directRequests).toHaveLength(1);
    expect(sdkRequests).toHaveLength(1);
    // The SDK marks its requests with ?x-id=CopyObject; the direct path sends the bare path.
    expect(sdkRequests[0]?.url).toMatch(/\?x-id=CopyObject$/);
    expect(directRequests[0]?.url).not.toContain('?');
    expect(wireShape(directRequests[0])).toEqual({ ...wireShape(sdkRequests[0]), signed: true });
    expect(viaDirect).toEqual(viaSdk);
    expect(viaDirect.eTag).toMatch(/^[0-9a-f]{32}$/);
    const copied = await readCopied(world.env.s3, key);
    expect(copied.body.equals(body)).toBe(true);
    expect(copied).toMatchObject({ contentType: 'application/pdf', cacheControl: 'max-age=60', metadata: { origin: 'scanner-7' } });
    expect(copied.tags).toEqual({ DestinationMappingKey: 'intel ops', owner: 'team-a' });
  });

  it('copies a given version of the source', async () => {
    await world.env.s3.send(new PutObjectCommand({ Bucket: 'src-bucket', Key: 'v.txt', Body: 'first' }));
    const request = copyOf('v.txt');
    // moto's buckets are unversioned here: the "null" version is the one addressable version.
    await direct.storage.copy({ ...request, source: { ...request.source, versionId: 'null' } });

    expect(seen.at(-1)?.headers['x-amz-copy-source']).toBe('src-bucket/v.txt?versionId=null');
    const object = await world.env.s3.send(new GetObjectCommand({ Bucket: 'dst-bucket', Key: 'v.txt' }));
    expect(await object.Body?.transformToString()).toBe('first');
  });

  it('reports a missing source as NoSuchKey, not-found, with the operation and object named', async () => {
    const failure = await direct.storage.copy(copyOf('in/absent.pdf')).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ActionError);
    expect(failure).toMatchObject({ code: 'NoSuchKey', failureClass: 'not-found' });
    expect((failure as ActionError).message).toContain('s3:CopyObject s3://src-bucket/in/absent.pdf failed: NoSuchKey');
  });

  it('reports a missing destination bucket as NoSuchBucket', async () => {
    await putSource('in/a.pdf', 'abc');

    const failure = await direct.storage.copy(copyOf('in/a.pdf', { destination: { bucket: 'no-such-bucket', key: 'in/a.pdf' } })).catch((error: unknown) => error);

    expect(failure).toMatchObject({ code: 'NoSuchBucket', failureClass: 'not-found' });
  });

  const faults = [
    { proves: 'a 503 SlowDown is throttling', action: { status: 503, s3Error: 'SlowDown' }, code: 'SlowDown', failureClass: 'throttling' },
    { proves: 'a 500 InternalError is 5xx', action: { status: 500, s3Error: 'InternalError' }, code: 'InternalError', failureClass: '5xx' },
    { proves: 'a connection reset before moto saw it is network', action: { reset: true }, code: 'ECONNRESET', failureClass: 'network' },
    { proves: 'a connection reset after moto copied is network', action: { resetAfterForward: true }, code: 'ECONNRESET', failureClass: 'network' },
  ] as const;

  it.each(faults)('$proves, tried once (the retry policy owns retries)', async ({ action, code, failureClass }) => {
    await putSource('in/a.pdf', 'abc');
    world.proxy.setRules([{ method: 'PUT', header: { name: 'x-amz-copy-source' }, action, count: 1 }]);

    const failure = await direct.storage.copy(copyOf('in/a.pdf')).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ActionError);
    expect(failure).toMatchObject({ code, failureClass });
    expect(world.proxy.stats.byRule).toEqual([1]);
  });

  it('takes a 200 whose body is an S3 error for the failure it is, as the SDK does', async () => {
    await putSource('in/a.pdf', 'abc');
    const errorIn200 = await startFaultProxy(world.moto.endpoint, [], {
      rewriteResponse: { path: /^\/dst-bucket\//, body: () => '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message></Error>' },
    });
    try {
      const ports = createAwsPorts({ region: TEST_REGION, endpoint: errorIn200.endpoint, directCopies: true });
      const failure = await ports.storage.copy(copyOf('in/a.pdf')).catch((error: unknown) => error);

      expect(failure).toMatchObject({ code: 'InternalError', failureClass: '5xx' });
    } finally {
      await errorIn200.stop();
    }
  });

  it('leaves copies that need the source read (added metadata) to the SDK: HeadObject, then CopyObject with REPLACE', async () => {
    await putSource('in/a.pdf', 'abc');

    await direct.storage.copy(copyOf('in/a.pdf', { addMetadata: { 'switchyard-hop': '1' } }));

    expect(seen.map((r) => r.method)).toEqual(['HEAD', 'PUT']);
    expect(seen[1]?.headers['x-amz-metadata-directive']).toBe('REPLACE');
    const head = await world.env.s3.send(new HeadObjectCommand({ Bucket: 'dst-bucket', Key: 'in/a.pdf' }));
    expect(head.Metadata).toEqual({ origin: 'scanner-7', 'switchyard-hop': '1' });
  });
});
