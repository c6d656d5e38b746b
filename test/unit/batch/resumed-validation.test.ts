/**
 * A resumed run validates the whole run for a route whose destinations depend on the object:
 * the copies its earlier attempt made are counted and sampled where that attempt made them
 * (recorded with the checkpoint), not where the route would send the objects now.
 */
import { describe, expect, it } from 'vitest';
import type { Checkpoint } from '../../../engine/batch/checkpoint.ts';
import { silentProgress } from '../../../engine/batch/progress.ts';
import { reportNotification, type BackfillReport } from '../../../engine/batch/report.ts';
import { runBackfill } from '../../../engine/batch/run-backfill.ts';
import type { CompiledRoute } from '../../../engine/load/compiled-route.ts';
import { silentLog } from '../../../engine/report/log.ts';
import { compileRoutes, fakeWorld, type FakeWorld } from '../pipeline/fake-world.ts';

/** Each object to the bucket an SSM parameter names for its team, keeping its key, and to a flat archive under a new key. */
const route = compileRoutes({
  'routes/by-team.yaml': `name: by-team
source: { bucket: src, prefix: data/, trigger: manual }
let:
  team: $split($key, '/')[1]
allow: { buckets: ["archive-*", flat-archive] }
actions:
  - copy: { id: by-team, to: "=$ssm('/archive/' & $team)", key: $key }
  - copy: { id: flat, to: flat-archive, key: "='all/' & $key" }
batch: { manifests: "s3://manifests/runs/", concurrency: 2 }
`,
})[0] as CompiledRoute;

const RUN = 'run-1';
/** The run's folder in the manifests bucket. */
const RUN_FOLDER = `runs/by-team/${RUN}/`;
const KEYS = ['data/t1/a.bin', 'data/t1/c.bin', 'data/t2/b.bin', 'data/t2/d.bin'];

/**
 * A first attempt that finished the t1 objects and not the t2 ones (copies into archive-two
 * were refused), and stopped without a report, as a killed run does.
 */
async function firstAttempt(): Promise<FakeWorld> {
  const world = fakeWorld();
  KEYS.forEach((key, i) => world.putObject('src', key, `body of ${key} ${'x'.repeat(i)}`));
  world.ssm.set('/archive/t1', 'archive-one');
  world.ssm.set('/archive/t2', 'archive-two');
  world.faults.push({ operation: 'copy', target: (bucket) => bucket === 'archive-two', times: 99, code: 'AccessDenied', failureClass: 'access-denied' });
  const first = await runBackfill(route, world.ports, { log: silentLog, progress: silentProgress, runId: RUN });
  expect(first).toMatchObject({ copied: 2, failed: 2 });
  world.objects.delete(`manifests/${RUN_FOLDER}report.json`);
  world.faults.length = 0;
  return world;
}

const resume = (world: FakeWorld) => runBackfill(route, world.ports, { log: silentLog, progress: silentProgress, resume: RUN });

describe('the validation of a resumed run whose destinations depend on the object', () => {
  const cases: Array<{ proves: string; between: (world: FakeWorld) => void; expected: Record<string, unknown> }> = [
    {
      proves: 'covers the copies of the earlier attempt too: every object at both destinations',
      between: () => undefined,
      expected: { status: 'passed', manifestObjects: 4, expectedCopies: 8, foundCopies: 8, missing: [], earlierAttempts: { objects: 2, copies: 4, unrecorded: 0 } },
    },
    {
      proves: 'finds a copy the earlier attempt made that is gone since',
      between: (world) => world.objects.delete('archive-one/data/t1/a.bin'),
      expected: { status: 'failed', expectedCopies: 8, foundCopies: 7, missing: ['s3://archive-one/data/t1/a.bin'], earlierAttempts: { objects: 2, copies: 4, unrecorded: 0 } },
    },
    {
      proves: 'looks for the earlier copies where they were made, not where an SSM value edited since would send them',
      between: (world) => world.ssm.set('/archive/t1', 'archive-new'),
      expected: { status: 'passed', expectedCopies: 8, foundCopies: 8, earlierAttempts: { objects: 2, copies: 4, unrecorded: 0 } },
    },
  ];
  for (const c of cases) {
    it(c.proves, async () => {
      const world = await firstAttempt();
      c.between(world);

      const summary = await resume(world);

      expect(summary).toMatchObject({ resumed: 2, copied: 4, failed: 0 });
      expect(summary.validation).toMatchObject(c.expected);
      const report = JSON.parse(world.object('manifests', `${RUN_FOLDER}report.json`)?.body.toString() ?? '{}') as BackfillReport;
      expect(report.validation?.earlierAttempts).toEqual({ objects: 2, copies: 4, unrecorded: 0 });
      expect(reportNotification(report).message).toContain('covers 2 object(s) of earlier attempts (4 copies)');
    });
  }

  it('recording where the copies went costs a chunk per checkpoint save, never a request per object', async () => {
    const world = fakeWorld();
    KEYS.forEach((key) => world.putObject('src', key, key));
    world.ssm.set('/archive/t1', 'archive-one');
    world.ssm.set('/archive/t2', 'archive-two');

    await runBackfill(route, world.ports, { log: silentLog, progress: silentProgress, runId: RUN });

    expect(world.calls.copy, 'one CopyObject per copy').toBe(8);
    // The manifest, one chunk of copies, the checkpoint naming it, the report.
    expect(world.calls.put).toBe(4);
    expect([...world.objects.keys()].filter((k) => k.startsWith(`manifests/${RUN_FOLDER}copies/`))).toHaveLength(1);
  });

  it('an earlier checkpoint that recorded no destinations: the report says how many finished objects were not validated', async () => {
    const world = await firstAttempt();
    const key = `${RUN_FOLDER}checkpoint.json`;
    const saved = JSON.parse(world.object('manifests', key)?.body.toString() ?? '{}') as Checkpoint;
    delete saved.copies;
    world.putObject('manifests', key, JSON.stringify(saved));

    const summary = await resume(world);

    expect(summary.validation).toMatchObject({ status: 'passed', expectedCopies: 4, earlierAttempts: { objects: 0, copies: 0, unrecorded: 2 } });
    const saidAfter = JSON.parse(world.object('manifests', key)?.body.toString() ?? '{}') as Checkpoint;
    expect(saidAfter.copies?.unrecorded, 'a third attempt still knows').toBe(2);
  });
});
