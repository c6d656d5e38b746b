/**
 * `switchyard impact` on the seed routes against an edited copy (test/fixtures/impact/edited-routes:
 * region-b-builds renamed region-c-builds, `.pdf` dropped from artifacts-export, a backup-* bucket
 * allowed in one-to-many), over the route tests' events and test/fixtures/impact/keys.txt.
 * The outputs are golden files, compared exactly.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { impactCommand, type ImpactOptions } from '../../../cli/commands/impact.ts';
import type { Output } from '../../../cli/output.ts';

const FIXTURES = 'test/fixtures/impact';
const NOW = () => new Date('2026-11-30T12:00:00Z');

async function impact(options: Partial<ImpactOptions>): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const out: Output = { stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l), isTTY: false };
  const code = await impactCommand(
    { base: 'routes', routes: `${FIXTURES}/edited-routes`, tests: 'routes/tests', keys: `${FIXTURES}/keys.txt`, format: 'markdown', graph: false, now: NOW, ...options },
    out,
  );
  return { code, stdout: `${stdout.join('\n')}\n`, stderr: stderr.join('\n') };
}

function golden(name: string): string {
  return readFileSync(path.join(FIXTURES, name), 'utf8');
}

describe('switchyard impact', () => {
  it('writes the Markdown report for a pull request, with the marked graph', async () => {
    const result = await impact({ graph: true });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(golden('seed-vs-edited.md'));
  });

  it('writes the same report as JSON for tools', async () => {
    const result = await impact({ format: 'json' });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(golden('seed-vs-edited.json'));
  });

  it('exits 1 with --fail-on removed when some object stops going somewhere, and says why', async () => {
    const result = await impact({ failOn: 'removed' });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('switchyard: 9 object(s) would stop going to a destination they reach today (--fail-on removed).');
  });

  it('exits 0 with --fail-on removed when nothing is lost', async () => {
    const result = await impact({ base: 'routes', routes: 'routes', failOn: 'removed' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('No object changes destination.');
    expect(result.stdout).toContain('No route, trigger, destination or permission changes.');
  });

  it('refuses a base whose routes do not validate, with the diagnostics', async () => {
    const result = await impact({ base: 'test/fixtures/bad-routes' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^test\/fixtures\/bad-routes\/[\w-]+\.yaml:\d+:\d+: error: /m);
    expect(result.stderr).toContain('in the base (test/fixtures/bad-routes): impact compares valid route sets only');
    expect(result.stdout).toBe('\n');
  });

  it('names every line of a key list that names no object, and evaluates nothing', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'impact-keys-'));
    const keys = path.join(dir, 'keys.txt');
    writeFileSync(keys, 's3://global-builds/builds/a.zip\nbuilds/b.zip\ns3://no-key\n');
    const result = await impact({ keys });
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n')).toEqual([
      `${keys}:2: key 'builds/b.zip' names no bucket: write s3://bucket/key, or pass --bucket`,
      `${keys}:3: 's3://no-key' is not s3://bucket/key`,
      `switchyard: 2 line(s) of ${keys} name no object; nothing was evaluated.`,
    ]);
  });

  it('reads a gzipped S3 Inventory CSV', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'impact-inventory-'));
    const keys = path.join(dir, 'inventory.csv.gz');
    writeFileSync(keys, gzipSync('"global-builds","builds/app+9.zip","12"\n"global-builds","builds/app+10.zip","12"\n'));
    const result = await impact({ keys, tests: path.join(dir, 'no-tests'), format: 'json' });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { summary: { listed: number }; groups: Array<{ route: string; keys: string[]; objects: number }>; notes: string[] };
    expect(report.summary.listed).toBe(2);
    expect(report.groups.find((g) => g.route === 'global-builds')).toMatchObject({ objects: 2, keys: ['s3://global-builds/builds/app *.zip'] });
    expect(report.notes).toEqual([`${path.join(dir, 'no-tests')} does not exist: no route-test events were evaluated`]);
  });

  it("counts the base's own route tests, so a route removed with its tests shows what its objects lose", async () => {
    const head = path.join(mkdtempSync(path.join(tmpdir(), 'impact-removed-')), 'routes');
    cpSync('routes', head, { recursive: true });
    rmSync(path.join(head, 'global-builds.yaml'));
    rmSync(path.join(head, 'tests/global-builds.yaml'));
    const result = await impact({ routes: head, tests: undefined, keys: undefined, format: 'json', failOn: 'removed' });
    const report = JSON.parse(result.stdout) as { groups: Array<{ route: string; kind: string; lost: string[]; examples: Array<{ test?: string }> }>; static: Array<{ route: string; area: string; change: string }> };
    expect(report.static).toContainEqual({ route: 'global-builds', area: 'route', change: 'removed', detail: 'route removed' });
    const lost = report.groups.find((g) => g.route === 'global-builds' && g.kind === 'loses' && g.lost.includes('s3://region-a-builds/{key}'));
    expect(lost?.examples[0]?.test).toMatch(/^routes\/tests\/global-builds\.yaml:3 /);
    expect(result.code).toBe(1);
  });
});
