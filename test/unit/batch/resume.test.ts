/** Which run `backfill --resume` carries on: the newest unfinished local run, never a dry run or a Step Functions run. */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runToResume } from '../../../engine/batch/resume.ts';
import type { CompiledRoute } from '../../../engine/load/compiled-route.ts';
import { createLocalPorts } from '../../../engine/ports/local/index.ts';
import { compileRoutes } from '../pipeline/fake-world.ts';

const route = compileRoutes({
  'routes/archive.yaml': 'name: archive\nsource: { bucket: src, prefix: data/, trigger: manual }\nactions:\n  - copy: { to: dst, key: $key }\nbatch:\n  manifests: s3://manifests/runs/\n',
})[0] as CompiledRoute;

let dir: string;
/** A run folder of the route holding these files. */
const run = async (runId: string, files: string[]): Promise<void> => {
  const folder = join(dir, 'manifests', 'runs', 'archive', runId);
  await mkdir(folder, { recursive: true });
  for (const file of files) await writeFile(join(folder, file), '{}\n');
};

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchyard-resume-'));
  await run('2026-11-01T10-00-00Z-aaaaaa', ['manifest.jsonl', 'checkpoint.json', 'report.json']);
  await run('2026-11-02T10-00-00Z-bbbbbb', ['manifest.jsonl', 'checkpoint.json']);
  await run('2026-11-03T10-00-00Z-cccccc', ['dry-run.json', 'manifest.jsonl']);
  await run('2026-11-04T10-00-00Z-dddddd', ['manifest.jsonl', 'items.json']);
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

describe('runToResume', () => {
  it('latest: the newest run without a report that ran here, past a newer dry run and a newer Step Functions run', async () => {
    expect(await runToResume(route, createLocalPorts(dir), 'latest')).toBe('2026-11-02T10-00-00Z-bbbbbb');
  });

  it('a dry run named on purpose is refused: it copied nothing', async () => {
    await expect(runToResume(route, createLocalPorts(dir), '2026-11-03T10-00-00Z-cccccc')).rejects.toThrow(/was a dry run: it copied nothing.*\[?/);
  });

  it('a Step Functions run named on purpose is refused, with where to resume it', async () => {
    await expect(runToResume(route, createLocalPorts(dir), '2026-11-04T10-00-00Z-dddddd')).rejects.toThrow(/ran on Step Functions \(--on aws\).*redrive-execution/);
  });

  it('with only finished, dry and Step Functions runs there is nothing to resume', async () => {
    await rm(join(dir, 'manifests', 'runs', 'archive', '2026-11-02T10-00-00Z-bbbbbb'), { recursive: true });
    await expect(runToResume(route, createLocalPorts(dir), 'latest')).rejects.toThrow(/has no unfinished run/);
  });
});

describe('a dry run of a resumed run', () => {
  it('previews it without marking the real run as a dry run: it can still be resumed', async () => {
    const { runBackfill } = await import('../../../engine/batch/run-backfill.ts');
    const { silentLog } = await import('../../../engine/report/log.ts');
    const { silentProgress } = await import('../../../engine/batch/progress.ts');
    const ports = createLocalPorts(dir);
    await mkdir(join(dir, 'src'), { recursive: true });
    const folder = join(dir, 'manifests', 'runs', 'archive', '2026-11-02T10-00-00Z-bbbbbb');
    await writeFile(join(folder, 'manifest.jsonl'), '');
    const checkpoint = { runId: '2026-11-02T10-00-00Z-bbbbbb', manifest: 'm', total: 0, doneBelow: 0, doneRanges: [], counts: { copied: 0, skipped: 0, bytes: 0 }, savedAt: '' };
    await writeFile(join(folder, 'checkpoint.json'), JSON.stringify(checkpoint));

    await runBackfill(route, ports, { log: silentLog, progress: silentProgress, dryRun: true, resume: '2026-11-02T10-00-00Z-bbbbbb' });

    expect(await runToResume(route, ports, 'latest')).toBe('2026-11-02T10-00-00Z-bbbbbb');
  });
});
