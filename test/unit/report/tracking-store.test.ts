/** Writing a tracking record merged into the stored one: created without reading a missing key, replaced only while unchanged. */
import { describe, expect, it } from 'vitest';
import type { ObjectEvent } from '../../../engine/events/object-event.ts';
import { ActionError } from '../../../engine/errors.ts';
import { startedTrackingRecord, trackingRecord } from '../../../engine/report/tracking.ts';
import { writeTrackingRecord } from '../../../engine/report/tracking-store.ts';
import { fakeWorld } from '../pipeline/fake-world.ts';

const event: ObjectEvent = { id: 'ev-1', origin: 's3-notification', kind: 'created', eventName: 'ObjectCreated:Put', bucket: 'global-builds', key: 'builds/app.zip', eventTime: '2026-11-20T09:59:58.000Z' };
const KEY = 'tracking/global-builds/global-builds/builds/app.zip.json';
const A = 's3://region-a-builds/builds/app.zip';
const started = startedTrackingRecord('global-builds', event, [A], new Date('2026-11-20T10:00:00.000Z'));
const finished = trackingRecord('global-builds', event, [{ actionId: 'replicate', type: 'copy', destination: A, outcome: 'succeeded', attempts: 1, durationMs: 5 }], [], new Date('2026-11-20T10:00:01.000Z'), new Date('2026-11-20T10:00:02.000Z'));
const stored = (world: ReturnType<typeof fakeWorld>): unknown => JSON.parse(world.object('state', KEY)?.body.toString('utf8') ?? 'null');

describe('writeTrackingRecord', () => {
  it('creates a missing record without reading it first (a read of a missing key is 403 without s3:ListBucket)', async () => {
    const world = fakeWorld();

    await writeTrackingRecord(world.ports.storage, 'state', KEY, started);

    expect(world.calls.getBody).toBe(0);
    expect(stored(world)).toEqual(started);
  });

  it('merges into the stored record of the same event', async () => {
    const world = fakeWorld();
    await writeTrackingRecord(world.ports.storage, 'state', KEY, started);

    const written = await writeTrackingRecord(world.ports.storage, 'state', KEY, finished);

    expect(written).toMatchObject({ status: 'SUCCEEDED', startedAt: started.startedAt, runs: 1 });
    expect(stored(world)).toEqual(written);
  });

  it('a record that is not one is replaced', async () => {
    const world = fakeWorld();
    world.putObject('state', KEY, 'garbage');

    await writeTrackingRecord(world.ports.storage, 'state', KEY, finished);

    expect(stored(world)).toEqual(finished);
  });

  it('merges again when another writer changed the record between the read and the write', async () => {
    const world = fakeWorld();
    await writeTrackingRecord(world.ports.storage, 'state', KEY, started);
    const storage = world.ports.storage;
    let raced = false;
    const racing = {
      ...storage,
      async putIfMatch(bucket: string, key: string, body: string, eTag: string) {
        if (!raced) {
          raced = true;
          world.putObject('state', KEY, JSON.stringify({ ...started, runs: 5 }));
        }
        return storage.putIfMatch(bucket, key, body, eTag);
      },
    };

    await writeTrackingRecord(racing, 'state', KEY, finished);

    expect(stored(world)).toMatchObject({ status: 'SUCCEEDED', runs: 5 });
  });

  it('gives up with a typed conflict error when the record keeps changing', async () => {
    const world = fakeWorld();
    await writeTrackingRecord(world.ports.storage, 'state', KEY, started);
    const contended = { ...world.ports.storage, putIfMatch: async () => false };

    const error = await writeTrackingRecord(contended, 'state', KEY, finished).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ActionError);
    expect(error).toMatchObject({ code: 'TrackingRecordContended', failureClass: 'conflict' });
  });

  it('a 409 ConditionalRequestConflict (two conditional writes at once) is a lost race: it reads and merges, it does not drop the record', async () => {
    const world = fakeWorld();
    await writeTrackingRecord(world.ports.storage, 'state', KEY, started);
    const storage = world.ports.storage;
    let conflicts = 1;
    const conflicting = {
      ...storage,
      async putIfMatch(bucket: string, key: string, body: string, eTag: string) {
        if (conflicts-- > 0) throw new ActionError('ConditionalRequestConflict', 'A conflicting conditional operation is currently in progress', 'conflict', { bucket, key });
        return storage.putIfMatch(bucket, key, body, eTag);
      },
    };

    const written = await writeTrackingRecord(conflicting, 'state', KEY, finished);

    expect(written).toMatchObject({ status: 'SUCCEEDED', startedAt: started.startedAt });
    expect(stored(world)).toEqual(written);
  });
});
