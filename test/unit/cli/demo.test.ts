/**
 * The README's first command: `switchyard demo` carries the five seed routes out on local
 * directories. Checked on what it leaves on disk, not on what it prints. It runs from an empty
 * directory, as in a routes repository: the seed routes come from the package, not the cwd.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CLI = path.resolve('bin/switchyard.mjs');
let dir: string;
let elsewhere: string;
let stdout: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'switchyard-demo-test-'));
  elsewhere = mkdtempSync(path.join(tmpdir(), 'switchyard-demo-cwd-'));
  ({ stdout } = await run(process.execPath, [CLI, 'demo', '--dir', dir], { cwd: elsewhere }));
});

const read = (...parts: string[]) => readFileSync(path.join(dir, ...parts), 'utf8');

describe('switchyard demo', () => {
  it('copies seed 000 to every mapped bucket, byte for byte', () => {
    const source = read('my-ingestion-bucket', 'incoming', 'daily report.pdf');
    for (const bucket of ['intel-bucket-east', 'intel-bucket-west', 'intel-backup-bucket', 'ops-primary-bucket', 'ops-secondary-bucket']) {
      expect(read(bucket, 'incoming', 'daily report.pdf')).toBe(source);
    }
  });

  it("exports seed 001's PDF to its organisation's bucket under the same key", () => {
    expect(read('org1-export', 'org1', 'catalogue', '2026', 'spring catalogue.PDF')).toBe(read('artifacts-source', 'org1', 'catalogue', '2026', 'spring catalogue.PDF'));
  });

  it('replicates seed 002 to both regions and writes its tracking record', () => {
    expect(read('region-a-builds', 'builds', 'app-1.4.2.zip')).toBe(read('global-builds', 'builds', 'app-1.4.2.zip'));
    expect(read('region-b-builds', 'builds', 'app-1.4.2.zip')).toBe(read('global-builds', 'builds', 'app-1.4.2.zip'));
    const tracking = JSON.parse(read('switchyard-state', 'tracking', 'global-builds', 'global-builds', 'builds', 'app-1.4.2.zip.json')) as { status: string; successfulCopies: number };
    expect(tracking).toMatchObject({ status: 'SUCCEEDED', successfulCopies: 2 });
  });

  it('queues, emails (aws-approval) and archives seed 004', () => {
    const message = JSON.parse(read('_queues', 'change-notifications-hts', '000001.json')) as { body: string };
    expect(JSON.parse(message.body)).toMatchObject({ action_type: 'approval-request', customer_code: 'hts' });
    const emails = readdirSync(path.join(dir, '_outbox'));
    expect(emails).toHaveLength(1);
    expect(JSON.parse(read('_outbox', emails[0] ?? '')) as Record<string, unknown>).toMatchObject({ topic: 'aws-approval', contactList: 'hts-change-contacts', to: ['approver@hts.example.com'] });
    expect(readdirSync(path.join(dir, 'metadata-trigger-bucket', 'archive', '2026', '11', '20'))).toEqual(['550e8400-e29b-41d4-a716-446655440000-v1.json']);
  });

  it('says every demo event was carried out', () => {
    expect(stdout).toContain('All demo events were carried out.');
  });

  it('ends with a dry-run hint that works when pasted where the demo ran', async () => {
    const hint = stdout.trimEnd().split('\n').at(-1) ?? '';
    const command = /: (npx switchyard dry-run .*)$/.exec(hint)?.[1];
    expect(command).toMatch(/--routes .* --test /);
    const pasted = await run('sh', ['-c', (command ?? '').replace('npx switchyard', `"${process.execPath}" "${CLI}"`)], { cwd: elsewhere });
    expect(pasted.stdout).toMatch(/✓ one-to-many/);
    expect(pasted.stderr).toBe('');
  });

  it('says what is missing when --routes names routes without tests, instead of failing on a missing directory', async () => {
    const failure = await run(process.execPath, [CLI, 'demo', '--routes', elsewhere], { cwd: elsewhere }).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toContain(`no route tests in ${path.join(elsewhere, 'tests')}`);
    expect((failure as { stderr: string }).stderr).not.toMatch(/ENOENT|This is a bug/);
  });
});
