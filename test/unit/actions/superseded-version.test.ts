/**
 * A versioned event copied late (out of order, redelivered, re-driven) must not put an older
 * version over a newer one: runCopy reads the source's current version first, once per event.
 */
import { describe, expect, it } from 'vitest';
import { runCopy } from '../../../engine/actions/copy.ts';
import type { PlannedCopy } from '../../../engine/actions/planned-action.ts';
import type { EventOrigin, ObjectEvent } from '../../../engine/events/object-event.ts';
import type { CopyRequest, ObjectHead, ObjectRef, StoragePort } from '../../../engine/ports/types.ts';

/** A source whose current version is `current` (undefined: deleted), recording heads and copies. */
function source(current: string | undefined, failingHeads = 0) {
  const heads: ObjectRef[] = [];
  const copies: CopyRequest[] = [];
  const storage = {
    async head(ref: ObjectRef): Promise<ObjectHead | undefined> {
      heads.push(ref);
      if (heads.length <= failingHeads) throw new Error('SlowDown');
      return current === undefined ? undefined : { size: 3, eTag: 'e', metadata: {}, versionId: current };
    },
    async copy(request: CopyRequest) {
      copies.push(request);
      return { method: 'copy' as const, bytes: 3 };
    },
  } as unknown as StoragePort;
  return { storage, heads, copies };
}

const event = (versionId: string | undefined, origin: EventOrigin = 's3-notification'): ObjectEvent => ({
  id: 'e1',
  origin,
  kind: 'created',
  eventName: 'ObjectCreated:Put',
  bucket: 'src',
  key: 'in/a.bin',
  size: 3,
  eTag: 'e',
  ...(versionId !== undefined ? { versionId } : {}),
  eventTime: '2026-11-20T10:00:00.000Z',
});
const copyTo = (bucket: string): PlannedCopy => ({ type: 'copy', actionId: 'c', bucket, key: 'in/a.bin', multipartThreshold: 5 * 1024 ** 3, partSize: 100 * 1024 ** 2, partConcurrency: 4, skipExisting: false, loopMarker: false });

describe('runCopy of a versioned event', () => {
  it('copies the event’s version when it is still the current one', async () => {
    const world = source('v2');
    const outcome = await runCopy(world.storage, event('v2'), 'r', copyTo('dst'));
    expect(outcome.method).toBe('copy');
    expect(world.copies.map((c) => c.source)).toEqual([{ bucket: 'src', key: 'in/a.bin', versionId: 'v2' }]);
  });

  it('skips an older version, saying which version is current, and copies nothing', async () => {
    const world = source('v2');
    const outcome = await runCopy(world.storage, event('v1'), 'r', copyTo('dst'));
    expect(outcome).toMatchObject({ method: 'skipped', detail: expect.stringContaining("superseded: the current version of s3://src/in/a.bin is v2, not the event's v1") });
    expect(world.copies).toEqual([]);
  });

  it('skips a version whose object was deleted since', async () => {
    const world = source(undefined);
    expect((await runCopy(world.storage, event('v1'), 'r', copyTo('dst'))).detail).toMatch(/no current version any more \(deleted since the event\)/);
  });

  it('reads the current version once for all of the event’s destinations', async () => {
    const world = source('v2');
    const e = event('v2');
    for (const bucket of ['dst-a', 'dst-b', 'dst-c']) await runCopy(world.storage, e, 'r', copyTo(bucket));
    expect(world.heads).toEqual([{ bucket: 'src', key: 'in/a.bin' }]);
    expect(world.copies).toHaveLength(3);
  });

  it('a failed read of the current version is not kept: the retry asks again and copies', async () => {
    const world = source('v2', 1);
    const e = event('v2');
    await expect(runCopy(world.storage, e, 'r', copyTo('dst'))).rejects.toThrow('SlowDown');
    expect((await runCopy(world.storage, e, 'r', copyTo('dst'))).method).toBe('copy');
    expect(world.heads).toHaveLength(2);
  });

  it('in dry-run and route tests (fixtures need not hold the object) nothing is asked: the plan shows the copy', async () => {
    const world = source(undefined);
    expect((await runCopy(world.storage, event('v1'), 'r', copyTo('dst'), undefined, true)).method).toBe('copy');
    expect(world.heads).toEqual([]);
  });

  it('asks nothing for events without a version, nor for backfill and direct invocations, which name what to copy', async () => {
    for (const e of [event(undefined), event('v1', 'batch'), event('v1', 'direct')]) {
      const world = source('v2');
      expect((await runCopy(world.storage, e, 'r', copyTo('dst'))).method).toBe('copy');
      expect(world.heads).toEqual([]);
    }
  });
});
