import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { ActionError } from '../../../engine/errors.ts';
import { loadFixtures, type Fixtures } from '../../../engine/ports/fixtures.ts';
import { createPlanPorts } from '../../../engine/ports/plan.ts';
import type { CopyRequest } from '../../../engine/ports/types.ts';

const fixturesFile = fileURLToPath(new URL('../../fixtures/ports/dry-run.yaml', import.meta.url));
let fixtures: Fixtures;
beforeEach(async () => {
  fixtures = await loadFixtures(fixturesFile);
});

const report = { bucket: 'my-ingestion-bucket', key: 'inbound/report.pdf' };
const missing = { bucket: 'my-ingestion-bucket', key: 'inbound/absent.pdf' };

function copyOf(source: { bucket: string; key: string }, extra: Partial<CopyRequest> = {}): CopyRequest {
  return {
    source,
    destination: { bucket: 'intel-eu', key: source.key },
    multipartThreshold: 5 * 1000 ** 3,
    partSize: 100 * 1000 ** 2,
    partConcurrency: 8,
    ...extra,
  };
}

async function notFound(call: () => Promise<unknown>): Promise<ActionError> {
  try {
    await call();
  } catch (error) {
    expect(error).toBeInstanceOf(ActionError);
    expect((error as ActionError).failureClass).toBe('not-found');
    return error as ActionError;
  }
  throw new Error('expected a not-found ActionError');
}

describe('plan ports: reads come from the fixtures', () => {
  it('head describes a fixture object and is undefined for an absent one', async () => {
    const { ports } = createPlanPorts(fixtures);
    const head = await ports.storage.head(report);
    expect(head).toMatchObject({ size: Buffer.byteLength('%PDF-1.7 fake'), contentType: 'application/pdf', metadata: { owner: 'team-a' } });
    expect(head?.eTag).toMatch(/^[0-9a-f]{32}$/);
    expect(await ports.storage.head(missing)).toBeUndefined();
  });

  it('getTags and getBody answer from the fixture', async () => {
    const { ports } = createPlanPorts(fixtures);
    expect(await ports.storage.getTags(report)).toEqual({ DestinationMappingKey: 'intel ops' });
    const change = await ports.storage.getBody({ bucket: 'change-metadata', key: 'customers/acme/change-17.json' });
    expect(JSON.parse(change.toString('utf8'))).toMatchObject({ status: 'submitted' });
  });

  const absent = [
    { name: 'getBody of an absent object names the fixture to add', call: 'getBody' as const, ref: missing, hint: 'objects["s3://my-ingestion-bucket/inbound/absent.pdf"].body' },
    { name: 'getTags of an absent object names the fixture to add', call: 'getTags' as const, ref: missing, hint: 'objects["s3://my-ingestion-bucket/inbound/absent.pdf"].tags' },
    { name: 'getBody of an object given without a body asks for one', call: 'getBody' as const, ref: { bucket: 'global-builds', key: 'release/huge.iso' }, hint: 'objects["s3://global-builds/release/huge.iso"].body' },
  ];
  it.each(absent)('$name', async ({ call, ref, hint }) => {
    const { ports } = createPlanPorts(fixtures);
    const error = await notFound(() => ports.storage[call](ref));
    expect(error.message).toContain(hint);
    expect(error.context).toEqual(ref);
  });

  it('getParameters returns only the names the fixtures hold', async () => {
    const { ports } = createPlanPorts(fixtures);
    const values = await ports.parameters.getParameters(['/pipeline/destination/intel', '/pipeline/destination/nope', '/pipeline/destination/ops']);
    expect(Object.fromEntries(values)).toEqual({
      '/pipeline/destination/intel': 'intel-eu,intel-us',
      '/pipeline/destination/ops': 'ops-primary,ops-backup',
    });
  });

  it('listContacts answers from fixtures.contacts', async () => {
    const { ports } = createPlanPorts(fixtures);
    expect(await ports.email.listContacts('acme-contacts', 'aws-approval')).toEqual(['ops@acme.example', 'cto@acme.example']);
    await notFound(() => ports.email.listContacts('globex-contacts', 'aws-approval'));
  });

  it('list pages through the fixture objects of a bucket under a prefix', async () => {
    const { ports } = createPlanPorts(fixtures);
    const page = await ports.storage.list('change-metadata', 'customers/');
    expect(page.objects.map((o) => o.key)).toEqual(['customers/acme/change-17.json']);
    expect((await ports.storage.list('change-metadata', 'drafts/')).objects).toEqual([]);
  });
});

describe('plan ports: writes are recorded in order and never performed', () => {
  it('records every kind of write, in call order, and reads do not see them', async () => {
    const { ports, planned } = createPlanPorts(fixtures);
    const copy = copyOf(report, { addMetadata: { 'switchyard-hop': '1' } });
    const copyResult = await ports.storage.copy(copy);
    await ports.storage.put('tracking', 'records/report.json', '{"ok":true}', 'application/json');
    const created = await ports.storage.putIfAbsent('tracking', 'markers/report', 'seen');
    const sent = await ports.queues.send({ queue: 'acme-changes', body: '{"changeId":"change-17"}' });
    const mailed = await ports.email.send({ from: 'changes@example.com', to: ['ops@acme.example'], subject: 'Change 17', topic: 'aws-approval', contactList: 'acme-contacts' });
    const published = await ports.notifications.publish('file-copy-failures', 'Copy failed', 'details');

    expect(planned.map((p) => p.kind)).toEqual(['copy', 'put', 'put-if-absent', 'send-message', 'send-email', 'publish']);
    expect(planned[0]).toEqual({ kind: 'copy', request: copy, method: 'copy', bytes: Buffer.byteLength('%PDF-1.7 fake') });
    expect(copyResult).toEqual({ method: 'copy', bytes: Buffer.byteLength('%PDF-1.7 fake') });
    expect(planned[1]).toEqual({ kind: 'put', bucket: 'tracking', key: 'records/report.json', body: '{"ok":true}', bytes: Buffer.byteLength('{"ok":true}'), contentType: 'application/json' });
    expect(created).toBe(true);
    expect(planned[2]).toEqual({ kind: 'put-if-absent', bucket: 'tracking', key: 'markers/report', body: 'seen', created: true });
    expect(planned[3]).toEqual({ kind: 'send-message', message: { queue: 'acme-changes', body: '{"changeId":"change-17"}' } });
    expect(planned[5]).toEqual({ kind: 'publish', topic: 'file-copy-failures', subject: 'Copy failed', message: 'details' });
    expect(new Set([sent.messageId, mailed.messageId, published.messageId]).size).toBe(3);

    // Nothing was written: the planned objects are still absent to reads.
    expect(await ports.storage.head({ bucket: 'tracking', key: 'records/report.json' })).toBeUndefined();
    expect(await ports.storage.head({ bucket: 'intel-eu', key: report.key })).toBeUndefined();
  });

  const copies = [
    { name: 'a fixture size at or above the threshold plans a multipart copy', source: { bucket: 'global-builds', key: 'release/huge.iso' }, extra: {}, method: 'multipart', bytes: 6e9, parts: 60 },
    { name: 'a small fixture object plans a single CopyObject', source: report, extra: {}, method: 'copy', bytes: Buffer.byteLength('%PDF-1.7 fake'), parts: undefined },
    { name: 'a known sourceHead wins over the fixtures', source: report, extra: { sourceHead: { size: 250e6, eTag: 'x', metadata: {} }, multipartThreshold: 100e6, partSize: 100e6 }, method: 'multipart', bytes: 250e6, parts: 3 },
    { name: 'an object of unknown size is planned as a plain copy with unknown bytes', source: missing, extra: {}, method: 'copy', bytes: undefined, parts: undefined },
  ];
  it.each(copies)('$name', async ({ source, extra, method, bytes, parts }) => {
    const { ports, planned } = createPlanPorts(fixtures);
    const result = await ports.storage.copy(copyOf(source, extra));
    expect(result.method).toBe(method);
    expect(result.parts).toBe(parts);
    expect(planned[0]).toMatchObject({ kind: 'copy', method, bytes });
  });

  it('putIfMatch plans the replacement only of the fixture object with that ETag, read by getBodyAndETag', async () => {
    const { ports, planned } = createPlanPorts(fixtures);
    const read = await ports.storage.getBodyAndETag(report);
    expect(read.body.toString()).toBe('%PDF-1.7 fake');

    expect(await ports.storage.putIfMatch(report.bucket, report.key, 'taken', read.eTag)).toBe(true);
    expect(await ports.storage.putIfMatch(report.bucket, report.key, 'taken', 'another-etag')).toBe(false);
    expect(planned.map((p) => (p.kind === 'put-if-match' ? p.replaced : p.kind))).toEqual([true, false]);
  });

  it('putIfAbsent reports an existing fixture object as already there', async () => {
    const { ports, planned } = createPlanPorts(fixtures);
    expect(await ports.storage.putIfAbsent(report.bucket, report.key, 'marker')).toBe(false);
    expect(planned).toEqual([{ kind: 'put-if-absent', bucket: report.bucket, key: report.key, body: 'marker', created: false }]);
  });

  it('the clock is injectable and sleeping takes no time', async () => {
    const fixed = new Date('2024-05-01T12:00:00Z');
    const { ports } = createPlanPorts(fixtures, { now: () => fixed });
    expect(ports.clock.now()).toBe(fixed);
    const started = Date.now();
    await ports.clock.sleep(60_000);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
