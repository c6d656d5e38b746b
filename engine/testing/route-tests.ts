/**
 * `switchyard test`: routing expectations kept in YAML beside the routes (routes/tests/*.yaml),
 * each case an event, fixtures and the expected decisions per route, run through the same
 * pipeline as the Lambda with the plan ports. A pull request that changes routing changes
 * which expectations hold, and CI says which.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import type { CompiledRoute } from '../load/compiled-route.ts';
import { parseFixtures } from '../ports/fixtures.ts';
import { createPlanPorts } from '../ports/plan.ts';
import { Pipeline } from '../pipeline.ts';
import { planView, type RouteView } from '../report/plan-view.ts';

interface RouteExpectation {
  matched?: boolean;
  failed?: boolean;
  error?: string;
  actions?: Array<Record<string, unknown>>;
  refused?: Array<Record<string, unknown>>;
  skipped?: Array<Record<string, unknown>>;
}

export interface TestCase {
  name: string;
  event: string;
  fixtures?: unknown;
  expect: Record<string, RouteExpectation>;
}

export interface CaseResult {
  file: string;
  line: number;
  name: string;
  passed: boolean;
  problems: string[];
}

/** The cases of a test file with their 1-based lines, or the problem that stops the file from being read. */
export async function readTestCases(file: string): Promise<{ cases: Array<{ line: number; testCase: TestCase }> } | { problem: string; line: number }> {
  const text = await readFile(file, 'utf8');
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const at = lineCounter.linePos(e?.pos[0] ?? 0);
    return { problem: `YAML error: ${e?.message.split('\n')[0] ?? ''}`, line: at.line };
  }
  const tests = doc.get('tests', true);
  if (!isSeq(tests)) return { problem: "a test file needs a 'tests:' list", line: 1 };
  return {
    cases: tests.items.map((item) => ({
      line: lineCounter.linePos(isMap(item) ? (item.range?.[0] ?? 0) : 0).line,
      testCase: (item as { toJSON(): unknown }).toJSON() as TestCase,
    })),
  };
}

export async function runRouteTestFile(file: string, routes: readonly CompiledRoute[]): Promise<CaseResult[]> {
  const read = await readTestCases(file);
  if ('problem' in read) return [{ file, line: read.line, name: '(file)', passed: false, problems: [read.problem] }];
  const results: CaseResult[] = [];
  for (const { line, testCase } of read.cases) {
    results.push({ file, line, name: testCase.name ?? '(unnamed)', ...(await runCase(file, testCase, routes)) });
  }
  return results;
}

async function runCase(file: string, testCase: TestCase, routes: readonly CompiledRoute[]): Promise<{ passed: boolean; problems: string[] }> {
  const problems: string[] = [];
  let input: unknown;
  try {
    input = JSON.parse(await readFile(path.resolve(path.dirname(file), testCase.event ?? ''), 'utf8'));
  } catch (error) {
    return { passed: false, problems: [`cannot read event ${testCase.event}: ${(error as Error).message}`] };
  }
  let fixtures;
  try {
    fixtures = parseFixtures(testCase.fixtures ?? {}, file);
  } catch (error) {
    return { passed: false, problems: [`fixtures: ${(error as Error).message}`] };
  }
  const { ports } = createPlanPorts(fixtures);
  const view = planView(await new Pipeline({ routes, ports, explain: true }).processInput(input));
  if (view.events.length === 0) problems.push(`event ${testCase.event} holds no object event${view.rejected.length ? `: ${view.rejected.map((r) => r.reason).join('; ')}` : ''}`);
  const expect = testCase.expect ?? {};
  for (const event of view.events) {
    for (const route of event.routes) {
      const expected = expect[route.name];
      if (!expected) {
        if (route.matched) problems.push(`${route.name}: matched (${route.reason}) but the test expects it not to`);
        continue;
      }
      problems.push(...compareRoute(route, expected));
    }
  }
  for (const name of Object.keys(expect)) {
    if (!routes.some((r) => r.name === name)) problems.push(`expectation names route '${name}', which does not exist`);
  }
  return { passed: problems.length === 0, problems };
}

function compareRoute(route: RouteView, expected: RouteExpectation): string[] {
  const problems: string[] = [];
  const wantMatched = expected.matched ?? true;
  if (route.matched !== wantMatched) {
    return [`${route.name}: expected ${wantMatched ? 'a match' : 'no match'}, but ${route.matched ? 'it matched' : `it did not (${route.reason})`}`];
  }
  if (!wantMatched) return problems;
  if (expected.failed !== undefined && Boolean(route.failed) !== expected.failed) {
    problems.push(`${route.name}: expected the event to ${expected.failed ? 'fail' : 'succeed'}, but it ${route.failed ? `failed${route.error ? ` (${route.error})` : ''}` : 'succeeded'}`);
  }
  if (expected.error !== undefined && !(route.error ?? '').includes(expected.error)) {
    problems.push(`${route.name}: expected an error containing "${expected.error}", got ${route.error ? `"${route.error}"` : 'none'}`);
  }
  if (expected.error === undefined && route.error) problems.push(`${route.name}: unexpected error: ${route.error}`);
  problems.push(...compareList(`${route.name} actions`, route.actions, expected.actions));
  problems.push(...compareList(`${route.name} refused`, route.refused ?? [], expected.refused));
  problems.push(...compareList(`${route.name} skipped`, route.skipped ?? [], expected.skipped));
  return problems;
}

function compareList(what: string, actual: Array<Record<string, unknown>>, expected: Array<Record<string, unknown>> | undefined): string[] {
  if (expected === undefined) return [];
  const problems: string[] = [];
  if (actual.length !== expected.length) {
    problems.push(`${what}: expected ${expected.length}, got ${actual.length}: ${actual.map(brief).join('; ') || 'none'}`);
  }
  expected.forEach((want, i) => {
    const got = actual[i];
    if (!got) return;
    for (const [key, value] of Object.entries(want)) {
      if (JSON.stringify(got[key]) !== JSON.stringify(value)) {
        problems.push(`${what}[${i}].${key}: expected ${JSON.stringify(value)}, got ${JSON.stringify(got[key])}`);
      }
    }
  });
  return problems;
}

function brief(item: Record<string, unknown>): string {
  return Object.entries(item)
    .filter(([k]) => ['type', 'bucket', 'key', 'queue', 'topic', 'destination', 'id'].includes(k))
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
}
