/**
 * `switchyard dry-run` through the real CLI: the `--json` shape the issue fixes
 * ({events: [{event, routes: [{name, matched, reason, actions}]}]}), exit codes, and that
 * nothing but the plan is printed.
 */
import { execFile } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CLI = path.resolve('bin/switchyard.mjs');

async function dryRun(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, 'dry-run', ...args], { cwd: path.resolve('.') });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('switchyard dry-run', () => {
  it('plans every copy of seed 000 from an EventBridge event, with the decoded key, and explains every other route', async () => {
    const result = await dryRun(['--event', 'routes/tests/events/one-to-many-created.json', '--fixtures', 'test/fixtures/dry-run/one-to-many.fixtures.yaml', '--json']);
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout) as { events: Array<{ event: Record<string, unknown>; routes: Array<{ name: string; matched: boolean; reason: string; actions: Array<Record<string, unknown>> }> }> };
    expect(plan.events).toHaveLength(1);
    expect(plan.events[0]?.event).toMatchObject({ bucket: 'my-ingestion-bucket', key: 'incoming/daily report.pdf', kind: 'created' });
    const routes = plan.events[0]?.routes ?? [];
    expect(routes.map((r) => [r.name, r.matched])).toEqual([
      ['artifacts-export', false],
      ['change-notifications', false],
      ['cross-account-batch', false],
      ['global-builds', false],
      ['one-to-many', true],
    ]);
    expect(routes.find((r) => !r.matched)?.reason).toBe('bucket is my-ingestion-bucket, route listens on artifacts-source');
    const actions = routes.find((r) => r.name === 'one-to-many')?.actions ?? [];
    expect(actions.map((a) => [a.type, a.bucket, a.key])).toEqual([
      ['copy', 'intel-bucket-east', 'incoming/daily report.pdf'],
      ['copy', 'intel-bucket-west', 'incoming/daily report.pdf'],
      ['copy', 'ops-primary-bucket', 'incoming/daily report.pdf'],
    ]);
    expect(actions.every((a) => a.acl === 'bucket-owner-full-control')).toBe(true);
  });

  it('exits 1 with a reason when the file holds no event it understands', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dry-run-'));
    const file = path.join(dir, 'odd.json');
    writeFileSync(file, JSON.stringify({ hello: 'world' }));
    const result = await dryRun(['--event', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('holds no event Switchyard understands');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 1 for an event file that is not JSON, and 2 for one that does not exist', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dry-run-'));
    const file = path.join(dir, 'broken.json');
    writeFileSync(file, '{"Records": [');
    expect((await dryRun(['--event', file])).code).toBe(1);
    const missing = await dryRun(['--event', path.join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read event file');
  });
});
