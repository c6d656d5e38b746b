/**
 * The route graph of the five seed routes, drawn as Mermaid and DOT, against golden files; and
 * two graphs drawn as one with the changed edges marked.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dotGraph } from '../../../engine/graph/dot.ts';
import { markChanges } from '../../../engine/graph/graph-marks.ts';
import { mermaidGraph } from '../../../engine/graph/mermaid.ts';
import { routeGraph } from '../../../engine/graph/route-graph.ts';
import { loadRoutes } from '../../../engine/load/load-routes.ts';
import { routeSetFromDisk, routeSetFromFiles } from '../../../engine/load/route-set.ts';

const seeds = loadRoutes(routeSetFromDisk(['routes'])).routes;

function routesOf(files: Record<string, string>) {
  const loaded = loadRoutes(routeSetFromFiles(files));
  expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return loaded.routes;
}

const copyRoute = (to: string, extra = ''): string =>
  ['name: builds', 'source:', '  bucket: global-builds', '  trigger: s3-notification', 'actions:', '  - copy:', `      to: ${to}`, '      key: $key', extra].join('\n');

describe('route graph', () => {
  it('draws the seed routes as a Mermaid flowchart (golden)', () => {
    expect(`${mermaidGraph(routeGraph(seeds))}\n`).toBe(readFileSync('test/fixtures/graph/seed-routes.mmd', 'utf8'));
  });

  it('draws the seed routes as DOT (golden)', () => {
    expect(`${dotGraph(routeGraph(seeds))}\n`).toBe(readFileSync('test/fixtures/graph/seed-routes.dot', 'utf8'));
  });

  it.each([
    ['a literal bucket', copyRoute('region-a-builds'), ['bucket:global-builds -> route:builds [s3-notification]', 'route:builds -> bucket:region-a-builds [copy]']],
    [
      'an expression bucket is drawn as the allow-list patterns it must fall in, with their accounts',
      copyRoute('$b', 'allow:\n  buckets:\n    - { bucket: "intel-*", account: "222222222222" }\nlet:\n  b: "\'intel-x\'"'),
      ['bucket:global-builds -> route:builds [s3-notification]', 'route:builds -> bucket:intel-* [copy]'],
    ],
  ])('%s', (_name, yaml, edges) => {
    const graph = routeGraph(routesOf({ 'routes/builds.yaml': yaml }));
    expect(graph.edges.map((e) => `${e.from} -> ${e.to} [${e.label}]`)).toEqual(edges);
  });

  it('marks the edges only one side has: added thick and green, removed dotted and red', () => {
    const before = routeGraph(routesOf({ 'routes/builds.yaml': copyRoute('region-b-builds') }));
    const after = routeGraph(routesOf({ 'routes/builds.yaml': copyRoute('region-c-builds') }));
    const marked = markChanges(before, after);
    expect(mermaidGraph(marked, marked.marks).split('\n')).toEqual([
      'flowchart LR',
      '  b1[("s3 global-builds")]',
      '  b2[("s3 region-b-builds")]',
      '  b3[("s3 region-c-builds")]',
      '  r1[["route builds"]]',
      '  b1 -->|"s3-notification"| r1',
      '  r1 -.->|"− copy"| b2',
      '  r1 ==>|"+ copy"| b3',
      '  linkStyle 1 stroke:#cf222e,color:#cf222e',
      '  linkStyle 2 stroke:#2da44e,color:#2da44e',
    ]);
    expect(dotGraph(marked, marked.marks)).toContain('r1 -> b3 [label="+ copy", color="#2da44e", penwidth=2];');
  });

  it('keeps quotes from ending a Mermaid label', () => {
    expect(mermaidGraph({ nodes: [{ id: 'bucket:a"b', kind: 'bucket', name: 'a"b' }], edges: [] })).toContain('b1[("s3 a#quot;b")]');
  });
});
