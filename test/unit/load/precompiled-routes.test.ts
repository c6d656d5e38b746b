/**
 * The precompiled routes the Lambda carries behave exactly like the routes the loader builds
 * from YAML: every case of routes/tests/ (events × fixtures × the seed routes) gives the same
 * report and the same side effects through the same pipeline, and route data survives the
 * round trip even where it looks like one of the format's tags.
 */
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CompiledRoute } from '../../../engine/load/compiled-route.ts';
import { loadRoutes } from '../../../engine/load/load-routes.ts';
import jsonata from 'jsonata';
import { EVALUATION_LIMITS } from '../../../engine/load/expressions.ts';
import { LazyExpression, readPrecompiledRoutes } from '../../../engine/load/read-precompiled.ts';
import { routeSetFromDisk, routeSetFromFiles } from '../../../engine/load/route-set.ts';
import { precompileRoutes } from '../../../engine/load/write-precompiled.ts';
import { Pipeline } from '../../../engine/pipeline.ts';
import { parseFixtures } from '../../../engine/ports/fixtures.ts';
import { createPlanPorts } from '../../../engine/ports/plan.ts';
import { readTestCases, runRouteTestFile } from '../../../engine/testing/route-tests.ts';

const TESTS = path.resolve('routes/tests');
/** One clock for both runs, so event times, ids and durations are comparable. */
const NOW = new Date('2026-03-04T10:11:12Z');
const loaded = loadRoutes(routeSetFromDisk(['routes'])).routes;
/** Through JSON, as the bundle carries them. */
const precompiled = readPrecompiledRoutes(JSON.parse(JSON.stringify(precompileRoutes(loaded))) as unknown);
const testFiles = readdirSync(TESTS).filter((f) => f.endsWith('.yaml')).sort();

async function route(routes: readonly CompiledRoute[], input: unknown, fixtures: unknown): Promise<unknown> {
  const { ports, planned } = createPlanPorts(parseFixtures(fixtures ?? {}), { now: () => NOW });
  const report = await new Pipeline({ routes, ports, explain: true }).processInput(input);
  // Durations are wall-clock, the one thing two runs never share.
  return JSON.parse(JSON.stringify({ report, planned }, (key, value: unknown) => (key === 'durationMs' ? 0 : value))) as unknown;
}

describe('precompiled routes', () => {
  it('hold the same routes, in the same order, as the loaded ones', () => {
    expect(loaded.length).toBe(5);
    expect(precompiled.map((r) => [r.name, r.file, r.definition, r.structural])).toEqual(loaded.map((r) => [r.name, r.file, r.definition, r.structural]));
  });

  for (const file of testFiles) {
    it(`route every case of routes/tests/${file} exactly like the loaded routes`, async () => {
      const read = await readTestCases(path.join(TESTS, file));
      if ('problem' in read) throw new Error(read.problem);
      expect(read.cases.length).toBeGreaterThan(0);
      for (const { testCase } of read.cases) {
        const input = JSON.parse(await readFile(path.join(TESTS, testCase.event), 'utf8')) as unknown;
        const expected = await route(loaded, input, testCase.fixtures);
        expect({ case: testCase.name, outcome: await route(precompiled, input, testCase.fixtures) }).toEqual({ case: testCase.name, outcome: expected });
      }
      // And the expectations written beside the routes hold for the precompiled ones.
      const results = await runRouteTestFile(path.join(TESTS, file), precompiled);
      expect(results.filter((r) => !r.passed)).toEqual([]);
    });
  }

  it('keep route data that looks like a tag (a tag condition named $sy) as data', () => {
    const yaml = [
      'name: tagged',
      'source: { bucket: incoming, trigger: eventbridge }',
      'match: { tags: { "$sy": { equals: expression }, source: { exists: true } } }',
      'allow: { buckets: [outgoing] }',
      'actions:',
      '  - copy: { to: outgoing }',
    ].join('\n');
    const result = loadRoutes(routeSetFromFiles({ 'routes/tagged.yaml': yaml }));
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const [back] = readPrecompiledRoutes(JSON.parse(JSON.stringify(precompileRoutes(result.routes))) as unknown);
    expect(back?.definition).toEqual(result.routes[0]?.definition);
    expect(back?.tags).toEqual(result.routes[0]?.tags);
  });

  it('know the buckets every route of the deployment watches, also those of routes in other stacks', () => {
    const files = {
      'routes/a.yaml': ['name: route-a', 'source: { bucket: inbox-a, trigger: eventbridge }', 'allow: { buckets: [inbox-b] }', 'actions:', "  - copy: { to: inbox-b, key: \"='from-a/' & $key\" }"].join('\n'),
      'routes/b.yaml': ['name: route-b', 'source: { bucket: inbox-b, trigger: eventbridge }', 'match: { prefix: incoming/ }', 'allow: { buckets: [archive] }', 'actions:', '  - copy: { to: archive }'].join('\n'),
    };
    const result = loadRoutes(routeSetFromFiles(files));
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const onlyA = result.routes.filter((r) => r.name === 'route-a');
    // Route a alone in its stack's bundle: its copy into inbox-b (route b's source) still needs the loop marker.
    const [a] = readPrecompiledRoutes(JSON.parse(JSON.stringify(precompileRoutes(onlyA))) as unknown);
    expect(a?.watchedDestinations).toEqual(['inbox-b']);
  });

  // A bare variable bound to a string, number or boolean is answered without JSONata; every
  // other case goes to JSONata. Either way the answer must be JSONata's own.
  const sequence = Object.assign(['only'], { sequence: true });
  const bareVariables: Array<{ name: string; source: string; bindings: Record<string, unknown> }> = [
    { name: 'a string', source: '$key', bindings: { key: 'a/b.csv' } },
    { name: 'an empty string', source: '$key', bindings: { key: '' } },
    { name: 'a number', source: '$size', bindings: { size: 0 } },
    { name: 'a boolean', source: '$flag', bindings: { flag: false } },
    { name: 'surrounding spaces', source: '  $key ', bindings: { key: 'x' } },
    { name: 'null', source: '$key', bindings: { key: null } },
    { name: 'undefined', source: '$key', bindings: { key: undefined } },
    { name: 'no such binding', source: '$key', bindings: {} },
    { name: 'an array', source: '$list', bindings: { list: ['a', 'b'] } },
    { name: 'a one-item JSONata sequence (unwrapped by JSONata)', source: '$list', bindings: { list: sequence } },
    { name: 'an object', source: '$tags', bindings: { tags: { a: '1' } } },
    { name: 'a name inherited from Object.prototype', source: '$toString', bindings: {} },
    { name: 'not a bare variable', source: "$key & '.done'", bindings: { key: 'x' } },
  ];
  for (const c of bareVariables) {
    it(`evaluate ${c.source.trim()} bound to ${c.name} exactly as JSONata does`, async () => {
      const expected: unknown = await jsonata(c.source, EVALUATION_LIMITS).evaluate({}, c.bindings);
      const actual: unknown = await new LazyExpression(c.source).evaluate({}, c.bindings);
      expect({ type: typeof actual, json: JSON.stringify(actual) }).toEqual({ type: typeof expected, json: JSON.stringify(expected) });
    });
  }

  it('refuse embedded data in another format, saying the bundle is damaged', () => {
    expect(() => readPrecompiledRoutes({ 'routes/x.yaml': 'name: x' })).toThrow(/bundle is damaged/);
  });
});
