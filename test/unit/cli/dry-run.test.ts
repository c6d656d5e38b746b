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

  it('exits 1 with a code for an event file that is not JSON, and for one that does not exist, like any missing path', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dry-run-'));
    const file = path.join(dir, 'broken.json');
    writeFileSync(file, '{"Records": [');
    expect((await dryRun(['--event', file])).code).toBe(1);
    const missing = await dryRun(['--event', path.join(dir, 'nope.json')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/event file .*nope\.json does not exist \[SY200\]/);
  });

  it('exits 1 when a route could not finish (a lookup with no answer), naming the route and the ways to give answers', async () => {
    const result = await dryRun(['--event', 'routes/tests/events/change-submitted.json']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('ConfigNotReadable');
    expect(result.stderr).toContain('1 route(s) could not finish (change-notifications)');
    expect(result.stderr).toContain('--test <name>');
  });

  it("an object the fixtures do not hold is a lookup with no answer, not an object deleted after its event", async () => {
    const result = await dryRun(['--event', 'routes/tests/events/one-to-many-created.json']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('NoSuchKey: no tags for s3://my-ingestion-bucket/incoming/daily report.pdf in the fixtures');
    expect(result.stdout).not.toContain('no longer exists');
    expect(result.stderr).toContain('1 route(s) could not finish (one-to-many)');
  });

  // One table: the ways to give the lookups' answers, each proving the plan finishes.
  it.concurrent.for([
    ['a route test file as --fixtures: the fixtures of its case for this event', ['--event', 'routes/tests/events/change-submitted.json', '--fixtures', 'routes/tests/change-notifications.yaml']],
    ['--test with a whole case name', ['--test', 'a file tagged with two mapping keys goes to every bucket of both mappings']],
    ['--test with the only case whose name holds the words', ['--test', 'two mapping keys']],
  ] as const)('finishes with %s', async ([, args], { expect: expectHere }) => {
    const result = await dryRun([...args, '--json']);
    expectHere(result.stderr).toBe('');
    expectHere(result.code).toBe(0);
    const plan = JSON.parse(result.stdout) as { events: Array<{ routes: Array<{ matched: boolean; failed?: boolean; actions: unknown[] }> }> };
    const matched = plan.events.flatMap((e) => e.routes.filter((r) => r.matched));
    expectHere(matched.length).toBeGreaterThan(0);
    expectHere(matched.every((r) => r.failed === false && r.actions.length > 0)).toBe(true);
  });

  it.concurrent.for([
    ['a case name nothing holds', ['--test', 'no such case anywhere'], 1, "no route test named 'no such case anywhere'"],
    ['words several cases hold', ['--test', 'a'], 1, 'give one whole name'],
    ['a route test file with no case for the event', ['--event', 'routes/tests/events/change-submitted.json', '--fixtures', 'routes/tests/one-to-many.yaml'], 1, 'no case in routes/tests/one-to-many.yaml has the event'],
    ['--test together with --event', ['--test', 'x', '--event', 'routes/tests/events/change-submitted.json'], 2, '--test takes the event and the fixtures from the route test'],
    ['neither --event nor --test', [], 2, 'dry-run needs --event <file>, or --test <name>'],
  ] as const)('refuses %s', async ([, args, code, message], { expect: expectHere }) => {
    const result = await dryRun([...args]);
    expectHere(result.code).toBe(code);
    expectHere(result.stderr).toContain(message);
    expectHere(result.stderr).not.toMatch(/\n\s+at /);
  });
});
