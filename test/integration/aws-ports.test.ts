/**
 * The AWS ports through the real SDK against moto, and through the fault proxy for the
 * failures moto cannot produce.
 */
import { randomBytes } from 'node:crypto';
import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { CreateContactCommand, CreateContactListCommand } from '@aws-sdk/client-sesv2';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ActionError } from '../../engine/errors.ts';
import { AccessResolver, classifyAwsError, createAwsPorts } from '../../engine/ports/aws/index.ts';
import { loadSdk } from '../../engine/ports/aws/sdk.ts';
import type { Ports } from '../../engine/ports/types.ts';
import { readSentEmails, TEST_REGION } from './support/aws-env.ts';
import { copyRequest, putCopySource, readCopied } from './support/copy-objects.ts';
import { useMotoBehindFaultProxy } from './support/moto-behind-proxy.ts';
import { acceptMotoSesv2Timestamps } from './support/moto-sesv2-timestamps.ts';

const MIB = 1024 * 1024;

const world = useMotoBehindFaultProxy(7);
let ports: Ports;
/** Ports that talk to moto through the fault proxy. */
let proxied: Ports;

beforeAll(async () => {
  const resolver = new AccessResolver({ region: TEST_REGION, endpoint: world.moto.endpoint });
  await loadSdk('sesv2');
  acceptMotoSesv2Timestamps(resolver.own.sesv2);
  ports = createAwsPorts({ region: TEST_REGION, endpoint: world.moto.endpoint }, resolver);
  proxied = createAwsPorts({ region: TEST_REGION, endpoint: world.proxy.endpoint });
}, 60_000);
beforeEach(async () => {
  await world.env.createBucket('src-bucket');
  await world.env.createBucket('dst-bucket');
});

const putSource = (key: string, body: Buffer | string): Promise<void> => putCopySource(world.env.s3, key, body);
const readDestination = (key: string) => readCopied(world.env.s3, key);

describe('S3 copy', () => {
  const copies = [
    { proves: 'CopyObject below the threshold keeps metadata, headers and tags', size: 64 * 1024, addMetadata: undefined, method: 'copy', parts: undefined },
    { proves: 'CopyObject with addMetadata replaces metadata yet keeps headers and tags', size: 64 * 1024, addMetadata: { 'switchyard-hop': '1' }, method: 'copy', parts: undefined },
    { proves: 'multipart copy of 12 MiB keeps bytes, metadata, headers and tags', size: 12 * MIB, addMetadata: { 'switchyard-hop': '1' }, method: 'multipart', parts: 3 },
  ] as const;

  it.each(copies)('$proves', async ({ size, addMetadata, method, parts }) => {
    const body = randomBytes(size);
    await putSource('in/report.pdf', body);

    const result = await ports.storage.copy(copyRequest('in/report.pdf', addMetadata ? { addMetadata } : {}));
    const copied = await readDestination('in/report.pdf');

    expect(result).toMatchObject({ method, bytes: size, ...(parts ? { parts } : {}) });
    expect(copied.body.equals(body)).toBe(true);
    expect(copied.contentType).toBe('application/pdf');
    expect(copied.cacheControl).toBe('max-age=60');
    expect(copied.contentDisposition).toBe('inline');
    expect(copied.metadata).toEqual({ origin: 'scanner-7', ...(addMetadata ?? {}) });
    expect(copied.tags).toEqual({ DestinationMappingKey: 'intel ops', owner: 'team-a' });
  });

  const awkwardKeys = ['in/red flower.jpg', 'in/a+b=c.jpg', 'in/café/naïve ü.pdf', 'in/100% done?.txt', 'in/no #1 & co.txt', 'in/日本語 ファイル.txt'];

  it.each(awkwardKeys)('copies the awkward key %j to the same key', async (key) => {
    await putSource(key, `body of ${key}`);

    await ports.storage.copy(copyRequest(key));

    expect((await readDestination(key)).body.toString()).toBe(`body of ${key}`);
  });

  it('copies an awkward key by multipart too', async () => {
    const key = 'in/big + spaced é%.bin';
    const body = randomBytes(6 * MIB);
    await putSource(key, body);

    const result = await ports.storage.copy(copyRequest(key));

    expect(result).toMatchObject({ method: 'multipart', parts: 2 });
    expect((await readDestination(key)).body.equals(body)).toBe(true);
  });

  it('multipart copy through the proxy uses at most partConcurrency UploadPartCopy calls at once', async () => {
    const body = randomBytes(21 * MIB);
    await putSource('in/wide.bin', body);
    world.proxy.setRules([{ method: 'PUT', path: /partNumber=/, header: { name: 'x-amz-copy-source' }, action: { delayMs: 50 } }]);

    const result = await proxied.storage.copy(copyRequest('in/wide.bin', { partConcurrency: 2 }));

    expect(result).toMatchObject({ method: 'multipart', parts: 5 });
    expect(world.proxy.stats.byRule).toEqual([5]);
    expect(world.proxy.stats.peakInFlight).toBeLessThanOrEqual(2);
    expect((await readDestination('in/wide.bin')).body.equals(body)).toBe(true);
  });

  it('reports a missing source as not-found', async () => {
    const failure = await ports.storage.copy(copyRequest('in/absent.pdf')).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ActionError);
    expect((failure as ActionError).failureClass).toBe('not-found');
  });
});

describe('S3 reads and writes', () => {
  it('putIfAbsent writes once, then answers false', async () => {
    expect(await ports.storage.putIfAbsent('dst-bucket', 'markers/event-1', 'first')).toBe(true);
    expect(await ports.storage.putIfAbsent('dst-bucket', 'markers/event-1', 'second')).toBe(false);
    expect((await ports.storage.getBody({ bucket: 'dst-bucket', key: 'markers/event-1' })).toString()).toBe('first');
  });

  it('putIfMatch replaces only while the object is still what getBodyAndETag read (S3 If-Match)', async () => {
    await ports.storage.put('dst-bucket', 'markers/event-2', 'failed');
    const read = await ports.storage.getBodyAndETag({ bucket: 'dst-bucket', key: 'markers/event-2' });
    expect(read.body.toString()).toBe('failed');

    expect(await ports.storage.putIfMatch('dst-bucket', 'markers/event-2', 'taken by a', read.eTag)).toBe(true);
    expect(await ports.storage.putIfMatch('dst-bucket', 'markers/event-2', 'taken by b', read.eTag)).toBe(false);
    expect(await ports.storage.putIfMatch('dst-bucket', 'markers/gone', 'x', read.eTag)).toBe(false);
    expect((await ports.storage.getBody({ bucket: 'dst-bucket', key: 'markers/event-2' })).toString()).toBe('taken by a');
  });

  it('head answers undefined for a missing object and the facts for a present one', async () => {
    await putSource('in/a.pdf', 'abc');

    expect(await ports.storage.head({ bucket: 'src-bucket', key: 'in/missing.pdf' })).toBeUndefined();
    expect(await ports.storage.head({ bucket: 'src-bucket', key: 'in/a.pdf' })).toMatchObject({
      size: 3,
      contentType: 'application/pdf',
      metadata: { origin: 'scanner-7' },
      eTag: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
  });

  it('getTags and list read back what was written', async () => {
    await putSource('in/a.pdf', 'abc');
    await ports.storage.put('src-bucket', 'in/b.json', '{"x":1}', 'application/json');

    expect(await ports.storage.getTags({ bucket: 'src-bucket', key: 'in/a.pdf' })).toEqual({
      DestinationMappingKey: 'intel ops',
      owner: 'team-a',
    });
    const page = await ports.storage.list('src-bucket', 'in/');
    expect(page.objects.map((object) => [object.key, object.size])).toEqual([
      ['in/a.pdf', 3],
      ['in/b.json', 7],
    ]);
    expect(page.nextToken).toBeUndefined();
  });
});

describe('SSM parameters', () => {
  it('reads 23 names in batches of 10, leaving absent names out', async () => {
    const present = Array.from({ length: 20 }, (_, i) => `/pipeline/destination/org-${i}`);
    for (const [i, name] of present.entries()) {
      await world.env.ssm.send(new PutParameterCommand({ Name: name, Value: `bucket-${i}`, Type: i % 2 === 0 ? 'String' : 'SecureString' }));
    }
    const absent = ['/pipeline/destination/none-1', '/pipeline/destination/none-2', '/pipeline/destination/none-3'];
    const before = world.proxy.stats.forwarded;

    const values = await proxied.parameters.getParameters([...present, ...absent]);

    expect(world.proxy.stats.forwarded - before).toBe(3);
    expect(values.size).toBe(20);
    expect(present.map((name) => values.get(name))).toEqual(present.map((_, i) => `bucket-${i}`));
    expect(absent.some((name) => values.has(name))).toBe(false);
  });
});

describe('SQS', () => {
  it('sends by queue name and by URL, with attributes', async () => {
    const queue = await world.env.createQueue('customer-a');

    await ports.queues.send({ queue: 'customer-a', body: 'by name', attributes: { route: 'change-notifications' } });
    await ports.queues.send({ queue: queue.url, body: 'by url' });
    const received = await world.env.receiveAll(queue.url);

    expect(received.map((message) => message.Body).sort()).toEqual(['by name', 'by url']);
    expect(received.find((message) => message.Body === 'by name')?.MessageAttributes?.route?.StringValue).toBe(
      'change-notifications',
    );
  });

  it('sends to a FIFO queue with group and deduplication ids, and refuses without them', async () => {
    const queue = await world.env.createQueue('customer-b.fifo', { FifoQueue: 'true' });

    await ports.queues.send({ queue: 'customer-b.fifo', body: 'one', groupId: 'g', deduplicationId: 'd-1' });
    await ports.queues.send({ queue: 'customer-b.fifo', body: 'one again', groupId: 'g', deduplicationId: 'd-1' });
    const refused = await ports.queues.send({ queue: 'customer-b.fifo', body: 'x' }).catch((error: unknown) => error);

    expect((await world.env.receiveAll(queue.url)).map((message) => message.Body)).toEqual(['one']);
    expect((refused as ActionError).failureClass).toBe('validation');
  });

  it('classifies a queue that does not exist as not-found', async () => {
    const failure = await ports.queues.send({ queue: 'no-such-queue', body: 'x' }).catch((error: unknown) => error);

    expect((failure as ActionError).failureClass).toBe('not-found');
  });
});

describe('SESv2', () => {
  it('sends simple mail that moto records', async () => {
    await world.env.verifyEmailIdentity('changes@example.com');

    await ports.email.send({
      from: 'changes@example.com',
      to: ['ops@customer.example'],
      subject: 'Change CHG-1 approved',
      html: '<p>approved</p>',
      text: 'approved',
      contactList: 'customer-a',
      topic: 'aws-announce',
    });
    const sent = await readSentEmails(world.moto.endpoint);

    expect(sent.map(({ source, destinations, subject, body }) => ({ source, destinations, subject, body }))).toEqual([
      {
        source: 'changes@example.com',
        destinations: { ToAddresses: ['ops@customer.example'] },
        subject: 'Change CHG-1 approved',
        body: '<p>approved</p>',
      },
    ]);
  });

  it('lists only contacts opted in to the topic', async () => {
    await world.env.sesv2.send(
      new CreateContactListCommand({
        ContactListName: 'customer-a',
        Topics: [{ TopicName: 'aws-approval', DisplayName: 'Approvals', DefaultSubscriptionStatus: 'OPT_OUT' }],
      }),
    );
    const contacts = [
      { EmailAddress: 'in@customer.example', TopicPreferences: [{ TopicName: 'aws-approval', SubscriptionStatus: 'OPT_IN' as const }] },
      { EmailAddress: 'out@customer.example', TopicPreferences: [{ TopicName: 'aws-approval', SubscriptionStatus: 'OPT_OUT' as const }] },
      {
        EmailAddress: 'gone@customer.example',
        TopicPreferences: [{ TopicName: 'aws-approval', SubscriptionStatus: 'OPT_IN' as const }],
        UnsubscribeAll: true,
      },
    ];
    for (const contact of contacts) await world.env.sesv2.send(new CreateContactCommand({ ContactListName: 'customer-a', ...contact }));

    expect(await ports.email.listContacts('customer-a', 'aws-approval')).toEqual(['in@customer.example']);
    expect((await ports.email.listContacts('customer-a', undefined)).sort()).toEqual([
      'in@customer.example',
      'out@customer.example',
    ]);
  });
});

describe('SNS', () => {
  it('publishes to a topic given by name and by ARN', async () => {
    const topic = await world.env.sns.send(new CreateTopicCommand({ Name: 'file-copy-failures' }));
    const queue = await world.env.createQueue('failure-inbox');
    await world.env.sns.send(
      new SubscribeCommand({
        TopicArn: topic.TopicArn,
        Protocol: 'sqs',
        Endpoint: queue.arn,
        Attributes: { RawMessageDelivery: 'true' },
      }),
    );

    await ports.notifications.publish('file-copy-failures', 'Copy failed\nfor 1 object', 'by name');
    await ports.notifications.publish(topic.TopicArn ?? '', 'Copy failed', 'by arn');

    expect((await world.env.receiveAll(queue.url)).map((message) => message.Body).sort()).toEqual(['by arn', 'by name']);
  });
});

describe('assumed roles', () => {
  const role = { roleArn: 'arn:aws:iam::210987654321:role/switchyard-writer', externalId: 'ext-123' };

  it('calls run as the assumed role, with credentials and clients cached per role and external id', async () => {
    const resolver = new AccessResolver({ region: TEST_REGION, endpoint: world.moto.endpoint });

    const clients = await resolver.clientsFor(role);
    const identity = await clients.sts.send(new GetCallerIdentityCommand({}));

    expect(identity.Arn).toMatch(/^arn:aws:sts::210987654321:assumed-role\/switchyard-writer\/switchyard$/);
    expect(await resolver.clientsFor(role)).toBe(clients);
    expect(await resolver.clientsFor({ ...role, externalId: 'other' })).not.toBe(clients);
    expect(await resolver.clientsFor()).toBe(resolver.own);
  });

  it('assumes the role again when the cached credentials are within five minutes of expiry', async () => {
    let now = Date.now();
    const resolver = new AccessResolver({ region: TEST_REGION, endpoint: world.moto.endpoint }, () => now);

    const first = await resolver.clientsFor(role);
    now += 54 * 60 * 1000;
    const stillCached = await resolver.clientsFor(role);
    now += 2 * 60 * 1000;
    const refreshed = await resolver.clientsFor(role);

    expect(stillCached).toBe(first);
    expect(refreshed).not.toBe(first);
  });

  it('a request still on the replaced clients finishes: they are closed only after it', async () => {
    let now = Date.now();
    const resolver = new AccessResolver({ region: TEST_REGION, endpoint: world.proxy.endpoint }, () => now);
    const first = await resolver.clientsFor(role);
    world.proxy.setRules([{ method: 'GET', path: /uploads/, action: { delayMs: 400 } }]);

    const inFlight = first.s3.send(new ListMultipartUploadsCommand({ Bucket: 'src-bucket' }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    now += 56 * 60 * 1000;
    const refreshed = await resolver.clientsFor(role);
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(refreshed).not.toBe(first);
    await expect(inFlight).resolves.toMatchObject({ Bucket: 'src-bucket' });
    expect(world.proxy.stats.byRule).toEqual([1]);
  });

  it('copies through the storage port with the assumed role', async () => {
    await putSource('in/x.pdf', 'x');

    await ports.storage.copy(copyRequest('in/x.pdf', { destinationAccess: role, sourceAccess: role }));

    expect((await readDestination('in/x.pdf')).body.toString()).toBe('x');
  });
});

describe('failures injected by the fault proxy', () => {
  it('a 503 SlowDown on CopyObject is throttling, tried once', async () => {
    await putSource('in/a.pdf', 'abc');
    world.proxy.setRules([{ method: 'PUT', header: { name: 'x-amz-copy-source' }, action: { status: 503, s3Error: 'SlowDown' }, count: 1 }]);

    const failure = await proxied.storage.copy(copyRequest('in/a.pdf')).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ActionError);
    expect((failure as ActionError).failureClass).toBe('throttling');
    expect((failure as ActionError).code).toBe('SlowDown');
    expect(classifyAwsError((failure as ActionError).cause)).toBe('throttling');
    expect(world.proxy.stats.byRule).toEqual([1]);
  });

  it('a connection reset on PutObject is network, tried once', async () => {
    world.proxy.setRules([{ method: 'PUT', path: /^\/dst-bucket\//, action: { reset: true } }]);

    const failure = await proxied.storage.put('dst-bucket', 'out/a.txt', 'abc').catch((error: unknown) => error);

    expect((failure as ActionError).failureClass).toBe('network');
    expect(world.proxy.stats.byRule).toEqual([1]);
  });

  it('a failed part aborts the multipart upload and reports the part failure', async () => {
    await putSource('in/big.bin', randomBytes(12 * MIB));
    world.proxy.setRules([
      { method: 'PUT', path: /partNumber=2/, header: { name: 'x-amz-copy-source' }, action: { status: 500, s3Error: 'InternalError' } },
    ]);

    const failure = await proxied.storage.copy(copyRequest('in/big.bin')).catch((error: unknown) => error);
    const uploads = await world.env.s3.send(new ListMultipartUploadsCommand({ Bucket: 'dst-bucket' }));

    expect((failure as ActionError).failureClass).toBe('5xx');
    expect(uploads.Uploads ?? []).toEqual([]);
  });

  it('streams a 12 MiB PutObject body through unchanged', async () => {
    const body = randomBytes(12 * MIB);

    await proxied.storage.put('dst-bucket', 'out/streamed.bin', body);

    expect((await readDestination('out/streamed.bin')).body.equals(body)).toBe(true);
  });
});
