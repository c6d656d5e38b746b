/**
 * `switchyard demo`: the five seed routes working end to end with no AWS account. The first
 * case of each routes/tests file is materialised as local buckets (objects, tags, SSM values,
 * config objects) and its event is carried out with the local ports, as `run --local` does.
 * The seed routes are the ones shipped in the package, so the demo runs the same from a
 * routes repository as from the engine's checkout; --routes runs another set with tests.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { normaliseInput } from '../../engine/events/normalise.ts';
import { parseFixtures, type Fixtures } from '../../engine/ports/fixtures.ts';
import { createLocalPorts, SSM_FILE } from '../../engine/ports/local/index.ts';
import { writeSidecar } from '../../engine/ports/local/storage.ts';
import { objectPath } from '../../engine/ports/local/layout.ts';
import { Pipeline } from '../../engine/pipeline.ts';
import { planText, planView } from '../../engine/report/plan-view.ts';
import { readTestCases } from '../../engine/testing/route-tests.ts';
import type { Output } from '../output.ts';
import { packageRoot } from '../package-root.ts';
import { loadValidRoutes } from './load-valid-routes.ts';
import { LOCAL_STATE_BUCKET } from './run-local.ts';

async function materialise(dir: string, fixtures: Fixtures): Promise<void> {
  for (const [uri, object] of Object.entries(fixtures.objects)) {
    const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
    if (!match?.[1] || !match[2]) continue;
    const file = objectPath(dir, match[1], match[2]);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, object.body ?? `demo content of ${uri}\n`);
    await writeSidecar(dir, match[1], match[2], { tags: object.tags, metadata: object.metadata, ...(object.contentType ? { contentType: object.contentType } : {}) });
  }
  const ssmFile = path.join(dir, SSM_FILE);
  const existing = JSON.parse(await readFile(ssmFile, 'utf8').catch(() => '{}')) as Record<string, string>;
  await writeFile(ssmFile, `${JSON.stringify({ ...existing, ...fixtures.ssm }, null, 2)}\n`);
}

async function listFiles(root: string, relative = ''): Promise<string[]> {
  const entries = await readdir(path.join(root, relative), { withFileTypes: true }).catch(() => []);
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name === '.switchyard-meta') continue;
    const child = path.join(relative, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(root, child)));
    else files.push(child);
  }
  return files;
}

/** The seed routes shipped in the package, as a path relative to the working directory when that is shorter. */
export function seedRoutesDir(): string {
  const absolute = path.join(packageRoot(), 'routes');
  const relative = path.relative(process.cwd(), absolute);
  return relative.length < absolute.length ? relative || '.' : absolute;
}

function quoted(text: string): string {
  return /^[\w./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

export async function demoCommand(options: { routes?: string; dir?: string }, out: Output): Promise<number> {
  const routesDir = options.routes ?? seedRoutesDir();
  const testsDir = path.join(routesDir, 'tests');
  if (!existsSync(testsDir)) {
    out.stderr(`switchyard demo: no route tests in ${testsDir}: the demo carries out the first case of each route test file. Without --routes it runs the seed routes shipped with Switchyard.`);
    return 1;
  }
  const routes = loadValidRoutes(routesDir, out);
  if (!routes) return 1;
  const dir = path.resolve(options.dir ?? (await mkdtemp(path.join(tmpdir(), 'switchyard-demo-'))));
  await mkdir(dir, { recursive: true });
  const files = (await readdir(testsDir)).filter((f) => /\.ya?ml$/.test(f)).sort();
  out.stdout(`Switchyard demo: ${routes.length} routes, local buckets under ${dir}\n`);
  let failures = 0;
  let lastCase: string | undefined;
  for (const name of files) {
    const file = path.join(testsDir, name);
    const read = await readTestCases(file);
    if ('problem' in read || !read.cases[0]) continue;
    const { testCase } = read.cases[0];
    lastCase = testCase.name;
    const fixtures = parseFixtures(testCase.fixtures ?? {}, file);
    const eventFile = path.resolve(path.dirname(file), testCase.event);
    const input = JSON.parse(await readFile(eventFile, 'utf8')) as unknown;
    for (const record of normaliseInput(input).records) {
      if (record.status !== 'events') continue;
      for (const e of record.events) {
        const uri = `s3://${e.bucket}/${e.key}`;
        if (!fixtures.objects[uri]) fixtures.objects[uri] = { tags: {}, metadata: {}, body: `demo object ${e.key}\n`, size: 0 };
      }
    }
    await materialise(dir, fixtures);
    out.stdout(`── ${testCase.name}`);
    out.stdout(`   event: ${path.relative(process.cwd(), eventFile)}`);
    const pipeline = new Pipeline({ routes, ports: createLocalPorts(dir, fixtures), stateBucket: LOCAL_STATE_BUCKET, explain: false });
    const report = await pipeline.processInput(input);
    for (const line of planText(planView(report))) out.stdout(`   ${line}`);
    failures += report.records.filter((r) => r.status === 'failed' || r.status === 'rejected').length;
    out.stdout('');
  }
  out.stdout(`Files now in ${dir}:`);
  for (const f of await listFiles(dir)) out.stdout(`   ${f}`);
  if (failures > 0) {
    out.stdout(`\n${failures} demo event(s) failed.`);
    return 1;
  }
  out.stdout('\nAll demo events were carried out.');
  if (lastCase) {
    const routesOption = routesDir === 'routes' ? '' : ` --routes ${quoted(routesDir)}`;
    out.stdout(`See every decision for one of them, without side effects: npx switchyard dry-run${routesOption} --test ${quoted(lastCase)}`);
  }
  return 0;
}
