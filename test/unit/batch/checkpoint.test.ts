/** The checkpoint keeps exactly the finished manifest positions, compactly, and a resumed run reads them back. */
import { describe, expect, it } from 'vitest';
import { CheckpointRecorder, doneRanges, donePositions, readCheckpoint, type Checkpoint } from '../../../engine/batch/checkpoint.ts';
import type { RunLocation } from '../../../engine/batch/location.ts';
import { silentLog } from '../../../engine/report/log.ts';
import { fakeWorld } from '../pipeline/fake-world.ts';

const location: RunLocation = { bucket: 'manifests', prefix: 'r/run-1/', manifestKey: 'r/run-1/manifest.jsonl', reportKey: 'r/run-1/report.json' };

describe('checkpoint', () => {
  it('saves the finished positions (failed ones are not finished) and a resumed run sees them done', async () => {
    const world = fakeWorld();
    const recorder = new CheckpointRecorder(world.ports, location, { runId: 'run-1', manifest: 's3://manifests/r/run-1/manifest.jsonl', total: 6 }, silentLog);
    for (const [position, status] of [[0, 'copied'], [1, 'skipped'], [3, 'copied'], [4, 'failed']] as const) recorder.finished(position, { status, bytes: 10, entry: { key: `k${position}` }, copies: [] });
    await recorder.stop();

    const saved = (await readCheckpoint(world.ports, location)) as Checkpoint;
    expect(saved).toMatchObject({ total: 6, doneBelow: 2, doneRanges: [[3, 4]], counts: { copied: 2, skipped: 1, bytes: 30 } });
    expect([...donePositions(saved, 6)]).toEqual([1, 1, 0, 1, 0, 0]);
  });

  it('a run resumed twice keeps the first attempt’s positions, counts and exclusions (an older checkpoint’s `done` list too)', async () => {
    const world = fakeWorld();
    const previous: Checkpoint = { runId: 'run-1', manifest: 'm', total: 4, excluded: 7, doneBelow: 1, done: [2], counts: { copied: 2, skipped: 0, bytes: 20 }, savedAt: '' };
    const recorder = new CheckpointRecorder(world.ports, location, { runId: 'run-1', manifest: 'm', total: 4, excluded: 7 }, silentLog, previous);
    recorder.finished(1, { status: 'copied', bytes: 5, entry: { key: 'k1' }, copies: [] });
    await recorder.stop();

    expect(await readCheckpoint(world.ports, location)).toMatchObject({ excluded: 7, doneBelow: 3, doneRanges: [], counts: { copied: 3, bytes: 25 } });
  });

  it('one early failure does not make the checkpoint list every later position: ranges stay few', () => {
    const doneAt = new Uint8Array(1_000_000).fill(1);
    doneAt[5] = 0;
    doneAt[700_000] = 0;
    expect(doneRanges(doneAt, 5)).toEqual([
      [6, 700_000],
      [700_001, 1_000_000],
    ]);
    const saved: Checkpoint = { runId: 'r', manifest: 'm', total: 1_000_000, doneBelow: 5, doneRanges: doneRanges(doneAt, 5), counts: { copied: 0, skipped: 0, bytes: 0 }, savedAt: '' };
    expect(donePositions(saved, 1_000_000)).toEqual(doneAt);
  });

  it('no checkpoint means nothing is done yet', () => {
    expect([...donePositions(undefined, 3)]).toEqual([0, 0, 0]);
  });
});
