/** Where the copies went, recorded in chunks with the checkpoint and read back for a resumed run's validation. */
import { describe, expect, it } from 'vitest';
import { CheckpointRecorder, readCheckpoint, type Checkpoint } from '../../../engine/batch/checkpoint.ts';
import { CopyRecorder, readCopyRecords, type CopyRecords } from '../../../engine/batch/copy-records.ts';
import type { RunLocation } from '../../../engine/batch/location.ts';
import type { ManifestEntry } from '../../../engine/batch/manifest-entry.ts';
import type { ExpectedCopy } from '../../../engine/batch/transfer-object.ts';
import { silentLog } from '../../../engine/report/log.ts';
import { fakeWorld, type FakeWorld } from '../pipeline/fake-world.ts';

const location: RunLocation = { bucket: 'manifests', prefix: 'r/run-1/', manifestKey: 'r/run-1/manifest.jsonl', reportKey: 'r/run-1/report.json' };
const writer = { roleArn: 'arn:aws:iam::222222222222:role/w', externalId: 'x' };
const entries: ManifestEntry[] = Array.from({ length: 7 }, (_, i) => ({ key: `data/t${i % 2}/o${i}.bin`, size: 100 + i, eTag: `etag-${i}` }));
/** Object i: to a bucket of its team keeping its key (odd ones through a writer role, into SSE-KMS), and under a new key into a flat archive. */
const copiesOf = (i: number): ExpectedCopy[] => {
  const entry = entries[i] as ManifestEntry;
  const team: ExpectedCopy = { bucket: `team-${i % 2}`, key: entry.key, size: entry.size, eTag: entry.eTag, ...(i % 2 === 1 ? { access: writer, kms: true } : {}) };
  return [team, { bucket: 'flat', key: `all/${entry.key}`, size: entry.size, eTag: entry.eTag }];
};
const chunksOf = (world: FakeWorld): string[] => [...world.objects.keys()].filter((k) => k.startsWith('manifests/r/run-1/copies/')).sort();

describe('copy records', () => {
  it('read back as the copies that were made, for the positions the checkpoint counts as done', async () => {
    const world = fakeWorld();
    const recorder = new CopyRecorder(world.ports, location, 'a1', { chunks: [] }, 3);
    for (let i = 0; i < entries.length; i++) recorder.add(i, (entries[i] as ManifestEntry).key, copiesOf(i));
    const records = await recorder.save();
    expect(records.chunks).toEqual(['copies/a1-0000.jsonl', 'copies/a1-0001.jsonl', 'copies/a1-0002.jsonl', 'copies/a1-0003.jsonl', 'copies/a1-0004.jsonl']);

    const done = new Uint8Array(entries.length).fill(1);
    done[3] = 0;
    const read = await readCopyRecords(world.ports, location, records, entries, done);
    expect(read).toEqual([0, 1, 2, 4, 5, 6].flatMap(copiesOf));
  });

  it('a destination is named once per chunk and a copy keeping its key is its position: 12 bytes a copy in a million-object manifest', async () => {
    const world = fakeWorld();
    const recorder = new CopyRecorder(world.ports, location, 'a1');
    const copies = 10_000;
    for (let p = 1_000_000; p < 1_000_000 + copies; p++) recorder.add(p, `exports/object-${p}.bin`, [{ bucket: 'team-archive', key: `exports/object-${p}.bin`, size: 1, eTag: 'e', access: writer, kms: true }]);
    await recorder.save();
    const [chunk] = chunksOf(world);
    const body = world.objects.get(chunk ?? '')?.body.toString() ?? '';
    const [header, first] = body.split('\n');
    expect(header).toBe(JSON.stringify({ destinations: [{ bucket: 'team-archive', access: writer, kms: true }] }));
    expect(first).toBe('[1000000,0]');
    expect((body.length - `${header ?? ''}\n`.length) / copies).toBe(12);
  });

  it('a chunk is rewritten while it fills, then never again: a save writes the open chunk only', async () => {
    const world = fakeWorld();
    const recorder = new CopyRecorder(world.ports, location, 'a1', { chunks: ['copies/a0-0000.jsonl'] }, 4);
    const add = (i: number): void => recorder.add(i, (entries[i] as ManifestEntry).key, copiesOf(i));
    const writes = async (): Promise<number> => {
      const before = world.calls.put;
      await recorder.save();
      return world.calls.put - before;
    };
    add(0);
    add(1);
    add(2); // 6 copies: one full chunk and an open one
    expect(await writes()).toBe(2);
    add(3); // fills the open chunk
    expect(await writes()).toBe(1);
    expect(await writes(), 'nothing new: nothing written').toBe(0);
    add(4);
    expect(await writes()).toBe(1);
    expect((await recorder.save()).chunks, 'earlier attempts first').toEqual(['copies/a0-0000.jsonl', 'copies/a1-0000.jsonl', 'copies/a1-0001.jsonl', 'copies/a1-0002.jsonl']);
  });

  it('a chunk that could not be written is written at the next save', async () => {
    const world = fakeWorld();
    const recorder = new CopyRecorder(world.ports, location, 'a1');
    recorder.add(0, (entries[0] as ManifestEntry).key, copiesOf(0));
    world.faults.push({ operation: 'put', times: 1, code: 'SlowDown', failureClass: 'throttling' });
    await expect(recorder.save()).rejects.toThrow(/SlowDown/);
    const records = await recorder.save();
    expect(await readCopyRecords(world.ports, location, records, entries, new Uint8Array(entries.length).fill(1))).toEqual(copiesOf(0));
  });

  it('a chunk that is not a record of copies is refused with its name', async () => {
    const world = fakeWorld();
    world.putObject('manifests', 'r/run-1/copies/x.jsonl', '{"not":"records"}\n[0,0]\n');
    const records: CopyRecords = { chunks: ['copies/x.jsonl'] };
    await expect(readCopyRecords(world.ports, location, records, entries, new Uint8Array(entries.length).fill(1))).rejects.toThrow(/SY312|copies\/x\.jsonl is not a record of copies/);
  });
});

describe('the checkpoint with copy records', () => {
  it('names the chunks holding the done positions’ copies, and is not saved while they could not be', async () => {
    const world = fakeWorld();
    const recorder = new CheckpointRecorder(world.ports, location, { runId: 'run-1', manifest: 'm', total: 7 }, silentLog, undefined, new CopyRecorder(world.ports, location, 'a1'));
    recorder.finished(0, { status: 'copied', bytes: 100, entry: entries[0] as ManifestEntry, copies: copiesOf(0) });
    recorder.finished(1, { status: 'failed', bytes: 0, entry: entries[1] as ManifestEntry, copies: copiesOf(1).slice(1) });
    world.faults.push({ operation: 'put', key: (key) => key.includes('/copies/'), times: 1, code: 'SlowDown', failureClass: 'throttling' });
    await recorder.stop();
    expect(await readCheckpoint(world.ports, location), 'no checkpoint names copies that are not recorded').toBeUndefined();

    await recorder.stop();
    const saved = (await readCheckpoint(world.ports, location)) as Checkpoint;
    expect(saved).toMatchObject({ doneBelow: 1, copies: { chunks: ['copies/a1-0000.jsonl'] } });
    expect(await readCopyRecords(world.ports, location, saved.copies as CopyRecords, entries, new Uint8Array(entries.length).fill(1)), 'a failed object’s copies are not recorded').toEqual(copiesOf(0));
  });
});
