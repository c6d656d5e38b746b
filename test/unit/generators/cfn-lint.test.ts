/**
 * The generated templates pass cfn-lint with no errors, no warnings and no informational
 * findings (I-codes included: the template sets deletion policies on stateful resources explicitly).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeGenerated } from '../../../generators/write.ts';
import { loadRouteSet, ROUTE_SETS } from './load-fixture-routes.ts';

interface Finding {
  Filename: string;
  Rule: { Id: string };
  Message: string;
  Location: { Start: { LineNumber: number } };
}

const out = mkdtempSync(path.join(tmpdir(), 'switchyard-cfn-lint-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const OPTION_SETS = [
  { name: 'defaults', options: {} },
  { name: 'a short timeout and small reserved concurrency', options: { stackName: 'edge', function: { timeoutSeconds: 30, reservedConcurrency: 2, memorySize: 256 } } },
];

const cases = ROUTE_SETS.flatMap((set) => OPTION_SETS.map((o) => ({ set, ...o, dir: path.join(out, `${set.replace(/\W+/g, '-')}-${o.name.replace(/\W+/g, '-')}`) })));

/** Every stack's template (core and shards): the top-level JSON files of a generated directory. */
function stackFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => path.join(dir, f));
}

/** All templates in one cfn-lint run (its start-up dominates), findings grouped by file. */
let findingsByFile = new Map<string, string[]>();
let status: number | null = null;
const unattributed: string[] = [];

beforeAll(() => {
  for (const { set, options, dir } of cases) writeGenerated(loadRouteSet(set), dir, options);
  const files = cases.flatMap((c) => stackFiles(c.dir));
  const run = spawnSync('cfn-lint', ['--format', 'json', '--include-checks', 'I', '--', ...files], { encoding: 'utf8' });
  if (run.error !== undefined) throw run.error;
  status = run.status;
  findingsByFile = new Map(files.map((f) => [f, []]));
  for (const f of JSON.parse(run.stdout || '[]') as Finding[]) {
    const finding = `${f.Rule.Id} line ${f.Location.Start.LineNumber}: ${f.Message}`;
    const forFile = findingsByFile.get(f.Filename);
    if (forFile !== undefined) forFile.push(finding);
    else unattributed.push(`${f.Filename}: ${finding}`);
  }
}, 120_000);

describe('cfn-lint', () => {
  it.each(cases)('$set with $name: no findings at all in the core stack or any shard', ({ dir }) => {
    const files = stackFiles(dir);
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const file of files) expect(findingsByFile.get(file), file).toEqual([]);
  });

  it('exits 0, with every finding attributed to a template above', () => {
    expect(unattributed).toEqual([]);
    expect(status).toBe(0);
  });
});
