/** deliveredLater: is an open failure record's destination already delivered, from what S3 holds now. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { markerKey } from '../../../engine/actions/idempotency.ts';
import { SOURCE_ETAG } from '../../../engine/actions/same-content.ts';
import { ActionError } from '../../../engine/errors.ts';
import type { ObjectEvent } from '../../../engine/events/object-event.ts';
import type { StoragePort } from '../../../engine/ports/types.ts';
import { failureRecord, type FailedDestination, type FailureRecord } from '../../../engine/report/failure-record.ts';
import { deliveredLater } from '../../../deploy/ops/delivered-later.ts';
import { fakeWorld } from '../pipeline/fake-world.ts';

const BODY = 'sensor data';
const event: ObjectEvent = {
  id: 'ev-1',
  origin: 'eventbridge',
  kind: 'created',
  eventName: 'Object Created',
  bucket: 'my-ingestion-bucket',
  key: 'incoming/a.bin',
  size: BODY.length,
  eTag: createHash('md5').update(BODY).digest('hex'),
  eventTime: '2026-11-20T09:59:00.000Z',
};

function recordFor(destination: FailedDestination): FailureRecord {
  const failure = { actionId: 'fan-out', destination, error: { code: 'NoSuchBucket', message: 'gone', class: 'not-found' }, attempts: 3 };
  return failureRecord('one-to-many', event, failure, false, new Date('2026-11-20T10:00:00.000Z'));
}

const copyRecord = recordFor({ kind: 's3', id: 's3://intel-late/incoming/a.bin', bucket: 'intel-late', key: 'incoming/a.bin' });
const queueRecord = recordFor({ kind: 'sqs', id: 'https://sqs.us-east-1.amazonaws.com/1/q', queue: 'https://sqs.us-east-1.amazonaws.com/1/q' });

describe('deliveredLater', () => {
  it('counts a copy as delivered when the destination holds the event’s object (same size and ETag)', async () => {
    const world = fakeWorld();
    world.putObject('intel-late', 'incoming/a.bin', BODY);
    expect(await deliveredLater(world.ports.storage, 'state', copyRecord)).toEqual({ state: 'delivered', how: 's3://intel-late/incoming/a.bin has the same size and ETag' });
  });

  it('counts a copy whose ETag S3 changed as delivered only by the source ETag recorded on it', async () => {
    const world = fakeWorld();
    world.putObject('intel-late', 'incoming/a.bin', 'sensor DATA', { metadata: { [SOURCE_ETAG]: event.eTag ?? '' } });
    expect((await deliveredLater(world.ports.storage, 'state', copyRecord)).state).toBe('delivered');
    world.putObject('intel-late', 'incoming/a.bin', 'sensor DATA');
    expect(await deliveredLater(world.ports.storage, 'state', copyRecord)).toEqual({ state: 'not-delivered' });
  });

  it('keeps a copy failing when the destination has nothing, or other content', async () => {
    const world = fakeWorld();
    expect(await deliveredLater(world.ports.storage, 'state', copyRecord)).toEqual({ state: 'not-delivered' });
    world.putObject('intel-late', 'incoming/a.bin', 'an older version');
    expect(await deliveredLater(world.ports.storage, 'state', copyRecord)).toEqual({ state: 'not-delivered' });
  });

  it('keeps a multipart object’s copy failing when only its size matches: a later overwrite of the same size must not close it', async () => {
    const world = fakeWorld();
    const multipart = { ...copyRecord, object: { ...copyRecord.object, eTag: 'abc-3' } };
    world.putObject('intel-late', 'incoming/a.bin', BODY);
    world.advance(60_000);
    expect(await deliveredLater(world.ports.storage, 'state', multipart)).toEqual({ state: 'not-delivered' });
    world.putObject('intel-late', 'incoming/a.bin', BODY, { metadata: { [SOURCE_ETAG]: 'abc-3' } });
    expect((await deliveredLater(world.ports.storage, 'state', multipart)).state).toBe('delivered');
  });

  it('keeps a refused destination (no object named) failing without asking S3', async () => {
    const world = fakeWorld();
    const refused = recordFor({ kind: 's3', id: 'refused by allow-list: secret-bucket', bucket: 'secret-bucket' });
    expect(await deliveredLater(world.ports.storage, 'state', refused)).toEqual({ state: 'not-delivered' });
  });

  it('answers unknown when the destination cannot be read with the operator’s credentials', async () => {
    const world = fakeWorld();
    const denied: StoragePort = { ...world.ports.storage, head: () => Promise.reject(new ActionError('AccessDenied', 'Access Denied', 'access-denied')) };
    expect(await deliveredLater(denied, 'state', copyRecord)).toEqual({ state: 'unknown', why: 'Access Denied' });
  });

  it('counts a send as delivered only when its idempotency marker says sent', async () => {
    const world = fakeWorld();
    const key = markerKey('one-to-many', 'fan-out', event, queueRecord.destination.id);
    expect(await deliveredLater(world.ports.storage, 'state', queueRecord)).toEqual({ state: 'not-delivered' });
    world.putObject('state', key, JSON.stringify({ status: 'failed', at: '2026-11-20T10:00:00.000Z' }));
    expect(await deliveredLater(world.ports.storage, 'state', queueRecord)).toEqual({ state: 'not-delivered' });
    world.putObject('state', key, JSON.stringify({ status: 'sent', at: '2026-11-20T10:01:00.000Z', messageId: 'm-7' }));
    expect(await deliveredLater(world.ports.storage, 'state', queueRecord)).toEqual({ state: 'delivered', how: `sent as m-7 at 2026-11-20T10:01:00.000Z (s3://state/${key})` });
    world.putObject('state', key, 'not json');
    expect((await deliveredLater(world.ports.storage, 'state', queueRecord)).state).toBe('unknown');
  });
});
