/**
 * `switchyard impact --base <ref|dir>`: which objects the route change sends somewhere else,
 * and what changes without any object (triggers, destinations, permissions).
 */
import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { SwitchyardError } from '../../engine/errors.ts';
import { combineCorpora, emptyCorpus, overlayFixtures, routeTestCorpus, type TestCorpus } from '../../engine/impact/corpus.ts';
import { filesAtRef, routeSetAtRef } from '../../engine/impact/git-route-set.ts';
import { impactOf } from '../../engine/impact/impact.ts';
import { impactMarkdown } from '../../engine/impact/impact-markdown.ts';
import { parseKeyList, type ListedObject } from '../../engine/impact/key-list.ts';
import { listObjects, parseListUrl } from '../../engine/impact/live-listing.ts';
import { markChanges } from '../../engine/graph/graph-marks.ts';
import { mermaidGraph } from '../../engine/graph/mermaid.ts';
import type { CompiledRoute } from '../../engine/load/compiled-route.ts';
import { loadRoutes } from '../../engine/load/load-routes.ts';
import { routeSetFromDisk, type RouteSet } from '../../engine/load/route-set.ts';
import { FixtureError, loadFixtures } from '../../engine/ports/fixtures.ts';
import { formatText } from '../format-diagnostics.ts';
import type { Output } from '../output.ts';

export interface ImpactOptions {
  base: string;
  routes: string;
  /** Route tests whose events (and fixtures) are evaluated; default `<routes>/tests`. */
  tests?: string;
  keys?: string;
  /** Bucket for bare keys in the `--keys` file. */
  bucket?: string;
  list?: string;
  endpoint?: string;
  region?: string;
  fixtures?: string;
  format: 'markdown' | 'json';
  failOn?: 'removed';
  graph: boolean;
  /** The time listed objects are "created" at; fixed in tests so output is exact. */
  now?: () => Date;
}

export async function impactCommand(options: ImpactOptions, out: Output): Promise<number> {
  const after = loadSide(routeSetFromDisk([options.routes]), `the routes under review (${options.routes})`, out);
  if (!after) return 1;
  const baseIsDirectory = existsSync(options.base) && statSync(options.base).isDirectory();
  const baseSet = baseIsDirectory ? routeSetFromDisk([options.base]) : routeSetAtRef(options.base, options.routes);
  const notes: string[] = [];
  let before: CompiledRoute[] | undefined = [];
  if (!baseIsDirectory && baseSet.routeFiles.length === 0) notes.push(`${options.base} has no route files under ${options.routes}: every route is new.`);
  else before = loadSide(baseSet, `the base (${options.base})`, out);
  if (!before) return 1;

  const now = options.now ?? (() => new Date());
  const headTests = await routeTestCorpus(options.tests ?? path.join(options.routes, 'tests'), now);
  // Without --tests, the base's own tests count too: a route removed with its tests still shows what its objects lose.
  const tests = options.tests ? headTests : combineCorpora(headTests, await baseTests(options, baseIsDirectory, now));
  notes.push(...tests.problems);
  let fixtures = tests.fixtures;
  if (options.fixtures) {
    try {
      fixtures = overlayFixtures(fixtures, await loadFixtures(options.fixtures));
    } catch (error) {
      if (!(error instanceof FixtureError)) throw error;
      out.stderr(error.message);
      return 1;
    }
  }
  const listed = await listedObjects(options, out);
  if (!listed) return 1;

  const report = await impactOf({ before, after, tests: tests.objects, listed, fixtures, now });
  const labels = { base: options.base, head: options.routes };
  if (options.format === 'json') {
    const graph = options.graph ? markChanges(report.graphs.before, report.graphs.after) : undefined;
    out.stdout(
      JSON.stringify(
        { ...labels, summary: report.summary, groups: report.groups, static: report.static, notes, ...(graph ? { graph: mermaidGraph(graph, graph.marks) } : {}) },
        null,
        2,
      ),
    );
  } else out.stdout(impactMarkdown(report, labels, { graph: options.graph, notes }));
  if (options.failOn === 'removed' && report.summary.losing > 0) {
    out.stderr(`switchyard: ${report.summary.losing} object(s) would stop going to a destination they reach today (--fail-on removed).`);
    return 1;
  }
  return 0;
}

async function baseTests(options: ImpactOptions, baseIsDirectory: boolean, now: () => Date): Promise<TestCorpus> {
  // A base without tests is not worth a note: the head's tests are what the change is reviewed with.
  if (baseIsDirectory) return existsSync(path.join(options.base, 'tests')) ? routeTestCorpus(path.join(options.base, 'tests'), now) : emptyCorpus();
  const files = filesAtRef(options.base, options.routes).filter((f) => f.relative.startsWith('tests/'));
  if (files.length === 0) return emptyCorpus();
  const copy = await mkdtemp(path.join(os.tmpdir(), 'switchyard-base-tests-'));
  try {
    for (const file of files) {
      const target = path.join(copy, ...file.relative.split('/'));
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, file.body);
    }
    return await routeTestCorpus(path.join(copy, 'tests'), now, `${options.base}:${path.posix.join(options.routes, 'tests')}`);
  } finally {
    await rm(copy, { recursive: true, force: true });
  }
}

function loadSide(set: RouteSet, what: string, out: Output): CompiledRoute[] | undefined {
  const result = loadRoutes(set);
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length === 0) return result.routes;
  for (const d of errors) out.stderr(formatText(d));
  out.stderr(`switchyard: ${errors.length} problem(s) in ${what}: impact compares valid route sets only; fix them first.`);
  return undefined;
}

async function listedObjects(options: ImpactOptions, out: Output): Promise<Iterable<ListedObject> | AsyncIterable<ListedObject> | undefined> {
  if (options.keys && options.list) throw new SwitchyardError('SY221', '--keys and --list both name the objects: pass one of them');
  if (options.list) {
    const { bucket, prefix } = parseListUrl(options.list);
    // The AWS SDK is loaded only when a live listing is asked for.
    const { createAwsPorts } = await import('../../engine/ports/aws/index.ts');
    const ports = createAwsPorts({ ...(options.region ? { region: options.region } : {}), ...(options.endpoint ? { endpoint: options.endpoint } : {}) });
    return listObjects(ports.storage, bucket, prefix);
  }
  if (!options.keys) return [];
  let text: string;
  try {
    const bytes = await readFile(options.keys);
    // S3 Inventory writes its CSV files gzipped.
    text = (options.keys.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
  } catch (error) {
    throw new SwitchyardError('SY221', `cannot read the key list ${options.keys}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const { objects, problems } = parseKeyList(text, options.bucket);
  if (problems.length === 0) return objects;
  for (const p of problems.slice(0, 20)) out.stderr(`${options.keys}:${p.line}: ${p.message}`);
  if (problems.length > 20) out.stderr(`… and ${problems.length - 20} more`);
  out.stderr(`switchyard: ${problems.length} line(s) of ${options.keys} name no object; nothing was evaluated.`);
  return undefined;
}
