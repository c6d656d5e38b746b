/**
 * The check, through the real CLI: the five seed routes copied into a fresh git repo and
 * committed; `graph --format mermaid` is a flowchart naming every route; after one destination
 * bucket is renamed, `impact --base HEAD` names the old and the new destination.
 */
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CLI = path.resolve('bin/switchyard.mjs');
const SEED_ROUTES = ['artifacts-export', 'change-notifications', 'cross-account-batch', 'global-builds', 'one-to-many'];
let repo: string;

async function switchyard(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { cwd: repo });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(() => {
  repo = mkdtempSync(path.join(tmpdir(), 'routes-repo-'));
  cpSync('routes', path.join(repo, 'routes'), { recursive: true });
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=ops@example.com', '-c', 'user.name=ops', ...args], { cwd: repo });
  git('init', '-q');
  git('add', '.');
  git('commit', '-qm', 'the five seed routes');
});

afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe('a routes repository reviewed with graph and impact', () => {
  it('graph --format mermaid is a flowchart naming every route', async () => {
    const result = await switchyard(['graph', '--format', 'mermaid']);
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith('flowchart LR\n')).toBe(true);
    for (const route of SEED_ROUTES) expect(result.stdout).toContain(`[["route ${route}"]]`);
  });

  it('impact --base HEAD names the old and the new destination of a renamed bucket', async () => {
    const file = path.join(repo, 'routes/global-builds.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replaceAll('region-b-builds', 'region-west-builds'));
    const result = await switchyard(['impact', '--base', 'HEAD', '--fail-on', 'removed']);
    expect(result.stdout).toContain('| global-builds | moves | 1 | `s3://global-builds/builds/app-1.4.2.zip` | `s3://region-b-builds/{key}` | `s3://region-west-builds/{key}` |');
    expect(result.stdout).toContain('| global-builds | destination removed | `copy replicate → s3 region-b-builds` |');
    expect(result.stdout).toContain('| global-builds | destination added | `copy replicate → s3 region-west-builds` |');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('would stop going to a destination they reach today (--fail-on removed)');
  });
});
