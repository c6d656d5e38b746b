import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ActionError } from '../../../../engine/errors.ts';
import { emptyFixtures, type Fixtures } from '../../../../engine/ports/fixtures.ts';
import { createLocalPorts } from '../../../../engine/ports/local/index.ts';
import type { CopyRequest, Ports } from '../../../../engine/ports/types.ts';

let root: string;
let dir: string;
let ports: Ports;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'switchyard-local-'));
  dir = join(root, 'world');
  await mkdir(dir);
  ports = createLocalPorts(dir);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const md5 = (body: string | Buffer): string => createHash('md5').update(body).digest('hex');
const readJson = async (path: string): Promise<unknown> => JSON.parse(await readFile(path, 'utf8'));

async function seedObject(bucket: string, key: string, body: string, sidecar?: object): Promise<void> {
  await mkdir(join(dir, bucket, key, '..'), { recursive: true });
  await writeFile(join(dir, bucket, key), body);
  if (sidecar) {
    await mkdir(join(dir, bucket, '.switchyard-meta', key, '..'), { recursive: true });
    await writeFile(join(dir, bucket, '.switchyard-meta', `${key}.json`), JSON.stringify(sidecar));
  }
}

function copyRequest(extra: Partial<CopyRequest> = {}): CopyRequest {
  return {
    source: { bucket: 'global-builds', key: 'release/app.zip' },
    destination: { bucket: 'builds-eu', key: 'release/app.zip' },
    multipartThreshold: 1000,
    partSize: 300,
    partConcurrency: 4,
    ...extra,
  };
}

describe('local storage: objects are files, tags and metadata a sidecar', () => {
  it('put then head, getBody and getTags read back what was written', async () => {
    await ports.storage.put('docs', 'customers/acme/a.json', '{"a":1}', 'application/json');
    const ref = { bucket: 'docs', key: 'customers/acme/a.json' };
    expect(await readFile(join(dir, 'docs', 'customers/acme/a.json'), 'utf8')).toBe('{"a":1}');
    expect(await ports.storage.head(ref)).toMatchObject({ size: 7, eTag: md5('{"a":1}'), contentType: 'application/json', metadata: {} });
    expect((await ports.storage.getBody(ref)).toString()).toBe('{"a":1}');
    expect(await ports.storage.getTags(ref)).toEqual({});
  });

  it('headWithChecksums adds the SHA-256 of the whole file to the head; a missing object has none', async () => {
    await ports.storage.put('docs', 'a.json', '{"a":1}');
    expect(await ports.storage.headWithChecksums({ bucket: 'docs', key: 'a.json' })).toMatchObject({
      size: 7,
      eTag: md5('{"a":1}'),
      checksums: { type: 'FULL_OBJECT', values: { SHA256: createHash('sha256').update('{"a":1}').digest('base64') } },
    });
    expect(await ports.storage.headWithChecksums({ bucket: 'docs', key: 'b.json' })).toBeUndefined();
  });

  it('reads tags, metadata and content type from the sidecar', async () => {
    await seedObject('ingest', 'in/report.pdf', 'pdf bytes', { tags: { DestinationMappingKey: 'intel ops' }, metadata: { owner: 'a' }, contentType: 'application/pdf' });
    const ref = { bucket: 'ingest', key: 'in/report.pdf' };
    expect(await ports.storage.getTags(ref)).toEqual({ DestinationMappingKey: 'intel ops' });
    expect(await ports.storage.head(ref)).toMatchObject({ contentType: 'application/pdf', metadata: { owner: 'a' } });
  });

  const missing = [
    { name: 'an absent key in an existing bucket is NoSuchKey', bucket: 'docs', code: 'NoSuchKey' },
    { name: 'an absent bucket directory is NoSuchBucket', bucket: 'nowhere', code: 'NoSuchBucket' },
  ];
  it.each(missing)('$name', async ({ bucket, code }) => {
    await mkdir(join(dir, 'docs'));
    const ref = { bucket, key: 'absent.json' };
    expect(await ports.storage.head(ref)).toBeUndefined();
    for (const read of [() => ports.storage.getBody(ref), () => ports.storage.getTags(ref)]) {
      const error = await read().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ActionError);
      expect(error).toMatchObject({ code, failureClass: 'not-found' });
    }
  });

  it('a key that is a folder of other keys has no head', async () => {
    await seedObject('docs', 'folder/inner.txt', 'x');
    expect(await ports.storage.head({ bucket: 'docs', key: 'folder' })).toBeUndefined();
  });

  const copies = [
    { name: 'below the threshold is a plain copy', size: 999, method: 'copy', parts: undefined },
    { name: 'at the threshold is multipart, parts from the part size', size: 1000, method: 'multipart', parts: 4 },
    { name: 'above the threshold is multipart', size: 1500, method: 'multipart', parts: 5 },
  ];
  it.each(copies)('copy $name', async ({ size, method, parts }) => {
    const body = 'z'.repeat(size);
    await seedObject('global-builds', 'release/app.zip', body, { tags: { build: '42' }, metadata: { commit: 'abc' }, contentType: 'application/zip' });
    const result = await ports.storage.copy(copyRequest());
    expect(result).toEqual({ method, bytes: size, eTag: md5(body), ...(parts !== undefined && { parts }) });
    expect(await readFile(join(dir, 'builds-eu', 'release/app.zip'), 'utf8')).toBe(body);
  });

  it('copy carries tags, metadata and content type, adds addMetadata, and notes the KMS key and ACL', async () => {
    await seedObject('global-builds', 'release/app.zip', 'zip', { tags: { build: '42' }, metadata: { commit: 'abc' }, contentType: 'application/zip' });
    await ports.storage.copy(
      copyRequest({ addMetadata: { 'switchyard-hop': '1' }, kmsKeyId: 'arn:aws:kms:eu-west-1:111122223333:key/k', acl: 'bucket-owner-full-control' }),
    );
    const destination = { bucket: 'builds-eu', key: 'release/app.zip' };
    expect(await ports.storage.getTags(destination)).toEqual({ build: '42' });
    expect(await ports.storage.head(destination)).toMatchObject({ contentType: 'application/zip', metadata: { commit: 'abc', 'switchyard-hop': '1' } });
    expect(await readJson(join(dir, 'builds-eu', '.switchyard-meta', 'release/app.zip.json'))).toMatchObject({
      kmsKeyId: 'arn:aws:kms:eu-west-1:111122223333:key/k',
      acl: 'bucket-owner-full-control',
    });
    // The source is untouched.
    expect((await ports.storage.head({ bucket: 'global-builds', key: 'release/app.zip' }))?.metadata).toEqual({ commit: 'abc' });
  });

  it('copying a missing source fails as not-found and writes nothing', async () => {
    await mkdir(join(dir, 'global-builds'));
    await expect(ports.storage.copy(copyRequest())).rejects.toMatchObject({ code: 'NoSuchKey', failureClass: 'not-found' });
    await expect(readdir(join(dir, 'builds-eu'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  const collisions = [
    { name: 'a key below an existing object', existing: 'a', key: 'a/b' },
    { name: 'a key that is the folder of existing objects', existing: 'a/b', key: 'a' },
  ];
  it.each(collisions)('refuses $name (a file and a folder cannot share a name)', async ({ existing, key }) => {
    await seedObject('docs', existing, 'first');
    for (const write of [() => ports.storage.put('docs', key, 'x'), () => ports.storage.putIfAbsent('docs', key, 'x')]) {
      await expect(write()).rejects.toMatchObject({ code: 'UnsafeObjectKey', failureClass: 'validation' });
    }
    expect(await readFile(join(dir, 'docs', existing), 'utf8')).toBe('first');
  });

  it('putIfAbsent creates once, then reports the key as taken without overwriting', async () => {
    expect(await ports.storage.putIfAbsent('tracking', 'markers/e1', 'first')).toBe(true);
    expect(await ports.storage.putIfAbsent('tracking', 'markers/e1', 'second')).toBe(false);
    expect(await readFile(join(dir, 'tracking', 'markers/e1'), 'utf8')).toBe('first');
  });

  it('putIfAbsent lets exactly one of many concurrent writers win', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => ports.storage.putIfAbsent('tracking', 'markers/race', `writer ${i}`)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('putIfMatch replaces only the object getBodyAndETag read, and of many concurrent writers with that ETag exactly one wins', async () => {
    await ports.storage.put('tracking', 'markers/e2', 'failed');
    const read = await ports.storage.getBodyAndETag({ bucket: 'tracking', key: 'markers/e2' });
    expect(read).toEqual({ body: Buffer.from('failed'), eTag: md5('failed') });

    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => ports.storage.putIfMatch('tracking', 'markers/e2', `writer ${i}`, read.eTag)));

    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await ports.storage.putIfMatch('tracking', 'markers/absent', 'x', read.eTag)).toBe(false);
  });

  it('list returns keys under a prefix in byte order and skips the sidecar tree', async () => {
    await seedObject('docs', 'customers/b/2.json', '22', { tags: { a: 'b' }, metadata: {} });
    await seedObject('docs', 'customers/a/1.json', '1');
    await seedObject('docs', 'drafts/x.json', 'x');
    const page = await ports.storage.list('docs', 'customers/');
    expect(page.objects.map(({ key, size, eTag }) => ({ key, size, eTag }))).toEqual([
      { key: 'customers/a/1.json', size: 1, eTag: md5('1') },
      { key: 'customers/b/2.json', size: 2, eTag: md5('22') },
    ]);
    expect(page.nextToken).toBeUndefined();
    expect((await ports.storage.list('docs', '')).objects.map((o) => o.key)).toEqual(['customers/a/1.json', 'customers/b/2.json', 'drafts/x.json']);
    expect((await ports.storage.list('docs', 'customers/a')).objects.map((o) => o.key)).toEqual(['customers/a/1.json']);
  });

  it('list pages by 1000 with a continuation token', async () => {
    const keys = Array.from({ length: 1003 }, (_, i) => `p/${String(i).padStart(4, '0')}`);
    await mkdir(join(dir, 'many', 'p'), { recursive: true });
    await Promise.all(keys.map((key) => writeFile(join(dir, 'many', key), '')));
    const first = await ports.storage.list('many', 'p/');
    expect(first.objects).toHaveLength(1000);
    expect(first.nextToken).toBeDefined();
    const second = await ports.storage.list('many', 'p/', first.nextToken);
    expect(second.nextToken).toBeUndefined();
    expect([...first.objects, ...second.objects].map((o) => o.key)).toEqual(keys);
  });

  const unsafe = [
    { name: 'parent segments', bucket: 'docs', key: '../outside.txt' },
    { name: 'parent segments deeper in the key', bucket: 'docs', key: 'a/../../outside.txt' },
    { name: 'absolute paths', bucket: 'docs', key: '/etc/passwd' },
    { name: 'the sidecar tree', bucket: 'docs', key: '.switchyard-meta/a.json' },
    { name: 'empty segments that would collapse', bucket: 'docs', key: 'a//b' },
    { name: 'trailing-slash folder markers', bucket: 'docs', key: 'folder/' },
    { name: 'empty keys', bucket: 'docs', key: '' },
    { name: 'a bucket named ..', bucket: '..', key: 'outside.txt' },
    { name: 'a bucket with a slash', bucket: 'a/../..', key: 'x' },
    { name: 'a bucket shadowing the local outbox', bucket: '_outbox', key: 'x' },
  ];
  it.each(unsafe)('refuses $name, for writes and reads, writing nothing', async ({ bucket, key }) => {
    const attempts = [
      () => ports.storage.put(bucket, key, 'x'),
      () => ports.storage.putIfAbsent(bucket, key, 'x'),
      () => ports.storage.getBody({ bucket, key }),
      () => ports.storage.head({ bucket, key }),
      () => ports.storage.copy(copyRequest({ destination: { bucket, key } })),
    ];
    await seedObject('global-builds', 'release/app.zip', 'zip');
    for (const attempt of attempts) {
      const error = await attempt().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ActionError);
      expect((error as ActionError).failureClass).toBe('validation');
      expect((error as ActionError).message).toMatch(/cannot be (stored in local mode|used as a local directory)/);
    }
    expect(await readdir(root)).toEqual(['world']);
    expect((await readdir(dir)).sort()).toEqual(['global-builds']);
  });
});

describe('local parameters, queues, email and notifications', () => {
  it('parameters come from DIR/_ssm.json and the fixtures, the fixtures winning', async () => {
    await writeFile(join(dir, '_ssm.json'), JSON.stringify({ '/p/a': 'from-file', '/p/b': ['x', 'y'] }));
    const fixtures: Fixtures = { ...emptyFixtures(), ssm: { '/p/a': 'from-fixtures', '/p/c': 'c' } };
    const values = await createLocalPorts(dir, fixtures).parameters.getParameters(['/p/a', '/p/b', '/p/c', '/p/missing']);
    expect(Object.fromEntries(values)).toEqual({ '/p/a': 'from-fixtures', '/p/b': 'x,y', '/p/c': 'c' });
  });

  it('without _ssm.json or fixtures there are no parameters', async () => {
    expect((await ports.parameters.getParameters(['/p/a'])).size).toBe(0);
  });

  it('a malformed _ssm.json is a config error naming the file', async () => {
    await writeFile(join(dir, '_ssm.json'), '{ not json');
    await expect(ports.parameters.getParameters(['/p/a'])).rejects.toMatchObject({ code: 'InvalidParameterFile', failureClass: 'config' });
  });

  it('messages are numbered JSON files per queue name, continuing across runs', async () => {
    const url = 'https://sqs.eu-west-1.amazonaws.com/111122223333/acme-changes';
    const first = await ports.queues.send({ queue: url, body: '{"n":1}', groupId: 'g' });
    const second = await createLocalPorts(dir).queues.send({ queue: 'acme-changes', body: '{"n":2}' });
    const folder = join(dir, '_queues', 'acme-changes');
    expect(await readdir(folder)).toEqual(['000001.json', '000002.json']);
    expect(await readJson(join(folder, '000001.json'))).toEqual({ queue: url, body: '{"n":1}', groupId: 'g' });
    expect(await readJson(join(folder, '000002.json'))).toEqual({ queue: 'acme-changes', body: '{"n":2}' });
    expect(first.messageId).not.toBe(second.messageId);
  });

  it('concurrent sends never overwrite one another', async () => {
    await Promise.all(Array.from({ length: 10 }, (_, i) => ports.queues.send({ queue: 'q', body: String(i) })));
    const folder = join(dir, '_queues', 'q');
    const files = await readdir(folder);
    expect(files).toHaveLength(10);
    const bodies = await Promise.all(files.map(async (f) => ((await readJson(join(folder, f))) as { body: string }).body));
    expect(bodies.sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 10 }, (_, i) => String(i)));
  });

  it('emails land in DIR/_outbox with their addressing and content', async () => {
    const message = { from: 'changes@example.com', to: ['ops@acme.example'], subject: 'Change 17', html: '<p>hi</p>', text: 'hi', topic: 'aws-approval', contactList: 'acme' };
    await ports.email.send({ ...message, access: { roleArn: 'arn:aws:iam::111122223333:role/ses' } });
    expect(await readJson(join(dir, '_outbox', '000001.json'))).toEqual({ ...message, access: { roleArn: 'arn:aws:iam::111122223333:role/ses' } });
  });

  it('contact lists come from the fixtures', async () => {
    const fixtures: Fixtures = { ...emptyFixtures(), contacts: { acme: { 'aws-announce': ['all@acme.example'] } } };
    expect(await createLocalPorts(dir, fixtures).email.listContacts('acme', 'aws-announce')).toEqual(['all@acme.example']);
    await expect(ports.email.listContacts('acme', 'aws-announce')).rejects.toMatchObject({ failureClass: 'not-found' });
  });

  it('notifications land in DIR/_notifications/<topic name>, from a name or an ARN', async () => {
    await ports.notifications.publish('arn:aws:sns:eu-west-1:111122223333:file-copy-failures', 'Copy failed', 'details');
    await ports.notifications.publish('file-copy-failures', 'Copy failed again', 'more');
    const folder = join(dir, '_notifications', 'file-copy-failures');
    expect(await readJson(join(folder, '000001.json'))).toEqual({ topic: 'arn:aws:sns:eu-west-1:111122223333:file-copy-failures', subject: 'Copy failed', message: 'details' });
    expect(await readJson(join(folder, '000002.json'))).toMatchObject({ subject: 'Copy failed again' });
  });

  it('a queue or topic address without a usable name is refused', async () => {
    await expect(ports.queues.send({ queue: 'https://sqs.example/..', body: 'x' })).rejects.toMatchObject({ failureClass: 'validation' });
    await expect(ports.notifications.publish('', 's', 'm')).rejects.toMatchObject({ failureClass: 'validation' });
  });
});
