/**
 * Golden scenarios for `switchyard validate` (after spectral's test-harness/scenarios): each
 * test/fixtures/cli-scenarios/validate-*.scenario holds a command and its exact stdout, stderr
 * and exit status. The real CLI runs in a child process from the repository root.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const scenarioDir = path.join(repoRoot, 'test/fixtures/cli-scenarios');

interface Scenario {
  file: string;
  test: string;
  args: string[];
  status: number;
  stdout: string;
  stderr: string;
}

const SECTIONS = ['test', 'command', 'status', 'stdout', 'stderr'] as const;

/** `====name====` lines open sections; a section's text is everything up to the next one, exactly. */
function parseScenario(file: string, text: string): Scenario {
  const parts = text.split(/^====(\w+)====\n/m);
  const sections = new Map<string, string>();
  for (let i = 1; i < parts.length; i += 2) sections.set(parts[i] ?? '', parts[i + 1] ?? '');
  for (const name of SECTIONS) if (!sections.has(name)) throw new Error(`${file}: no ====${name}==== section`);
  const command = (sections.get('command') ?? '').trim().split(/\s+/);
  if (command[0] !== 'switchyard') throw new Error(`${file}: the command must start with 'switchyard'`);
  return {
    file,
    test: (sections.get('test') ?? '').trim(),
    args: command.slice(1),
    status: Number((sections.get('status') ?? '').trim()),
    stdout: sections.get('stdout') ?? '',
    stderr: sections.get('stderr') ?? '',
  };
}

const scenarios = readdirSync(scenarioDir)
  .filter((f) => f.startsWith('validate-') && f.endsWith('.scenario'))
  .sort()
  .map((f) => parseScenario(f, readFileSync(path.join(scenarioDir, f), 'utf8')));

function runCli(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/switchyard.mjs', ...args], { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } }, (error, stdout, stderr) => {
      const status = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ status, stdout, stderr });
    });
  });
}

function formatOf(s: Scenario): string {
  const i = s.args.indexOf('--format');
  return i === -1 ? 'text' : (s.args[i + 1] ?? '');
}

describe('switchyard validate (golden scenarios)', () => {
  it('covers the three formats (on real runs) and the three exit statuses', () => {
    const formats = new Set(scenarios.filter((s) => s.status !== 2).map(formatOf));
    expect([...formats].sort()).toEqual(['github', 'json', 'text']);
    expect([...new Set(scenarios.map((s) => s.status))].sort()).toEqual([0, 1, 2]);
  });

  it.concurrent.for(scenarios.map((s) => [s.file, s] as const))('%s', async ([, scenario], { expect: expectHere }) => {
    const result = await runCli(scenario.args);
    // Compared as one object so a failure shows status, stdout and stderr side by side.
    expectHere(result, scenario.test).toEqual({ status: scenario.status, stdout: scenario.stdout, stderr: scenario.stderr });
  });
});
