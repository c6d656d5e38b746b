/** The base route set read from a git ref, without checking it out. */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../engine/errors.ts';
import { routeSetAtRef } from '../../../engine/impact/git-route-set.ts';
import { loadRoutes } from '../../../engine/load/load-routes.ts';

let repo: string;
const git = (...args: string[]): string => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: repo }).toString();

beforeAll(() => {
  repo = mkdtempSync(path.join(tmpdir(), 'impact-git-'));
  git('init', '-q');
  cpSync('routes', path.join(repo, 'ops/routes'), { recursive: true });
  git('add', '.');
  git('commit', '-qm', 'seed routes');
  // Working-tree edits must not leak into what the ref holds.
  writeFileSync(path.join(repo, 'ops/routes/global-builds.yaml'), 'not: a route\n');
  rmSync(path.join(repo, 'ops/routes/templates/copy-failure.hbs'));
});

afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe('routeSetAtRef', () => {
  it('reads the route files and their templates as committed, named <ref>:<path>', () => {
    const set = routeSetAtRef('HEAD', 'routes', path.join(repo, 'ops'));
    expect(set.routeFiles.map((f) => f.file)).toEqual([
      'HEAD:routes/artifacts-export.yaml',
      'HEAD:routes/change-notifications.yaml',
      'HEAD:routes/cross-account-batch.yaml',
      'HEAD:routes/global-builds.yaml',
      'HEAD:routes/one-to-many.yaml',
    ]);
    expect(set.readRelative('HEAD:routes/global-builds.yaml', 'templates/copy-failure.hbs')).toContain('{{');
    const loaded = loadRoutes(set);
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(loaded.routes.map((r) => r.name)).toContain('global-builds');
  });

  it('gives an empty set for a ref without the directory', () => {
    expect(routeSetAtRef('HEAD', 'elsewhere', path.join(repo, 'ops')).routeFiles).toEqual([]);
  });

  it.each([
    ['an unknown ref', 'no-such-branch', repo, "git knows no commit 'no-such-branch'"],
    ['a directory outside git', 'HEAD', tmpdir(), 'is not inside a git repository'],
  ])('refuses %s with a usage error (SY220)', (_name, ref, cwd, message) => {
    let error: unknown;
    try {
      routeSetAtRef(ref, 'routes', cwd);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).code).toBe('SY220');
    expect((error as UsageError).message).toContain(message);
  });
});
