/** The Markdown report stays within what a pull-request comment can hold. */
import { describe, expect, it } from 'vitest';
import type { ChangeGroup } from '../../../engine/impact/change-groups.ts';
import type { ImpactReport } from '../../../engine/impact/impact.ts';
import { impactMarkdown } from '../../../engine/impact/impact-markdown.ts';

function group(n: number): ChangeGroup {
  return { route: `route-${n}`, kind: 'loses', lost: [`s3://dest-${n}/{key}`], gained: [], objects: 1, keys: [`s3://src/k${n}`], examples: [{ object: `s3://src/k${n}`, lost: [`s3://dest-${n}/k${n}`], gained: [] }] };
}

describe('impactMarkdown', () => {
  it('shows at most 60 rows per table and says how many more the JSON holds', () => {
    const report: ImpactReport = {
      summary: { objects: 100, fromTests: 0, listed: 100, changed: 100, losing: 100, unresolved: 0, unchanged: 0 },
      groups: Array.from({ length: 100 }, (_, n) => group(n)),
      static: Array.from({ length: 61 }, (_, n) => ({ route: `route-${n}`, area: 'destination' as const, change: 'removed' as const, detail: `copy → s3 dest-${n}` })),
      graphs: { before: { nodes: [], edges: [] }, after: { nodes: [], edges: [] } },
    };
    const text = impactMarkdown(report, { base: 'main', head: 'routes' });
    expect(text.match(/^\| route-\d+ \| stops going to \|/gm)).toHaveLength(60);
    expect(text).toContain('… and 40 more groups: run with `--format json` for all of them.');
    expect(text).toContain('… and 1 more changes: run with `--format json` for all of them.');
    expect(text.match(/^- route-\d+: /gm)).toHaveLength(60);
  });

  it('keeps a pipe in a reason from breaking the table', () => {
    const report: ImpactReport = {
      summary: { objects: 1, fromTests: 0, listed: 1, changed: 0, losing: 0, unresolved: 1, unchanged: 0 },
      groups: [{ route: 'r', kind: 'unresolved', lost: [], gained: [], reason: 'a | b', objects: 1, keys: ['s3://b/k'], examples: [] }],
      static: [],
      graphs: { before: { nodes: [], edges: [] }, after: { nodes: [], edges: [] } },
    };
    expect(impactMarkdown(report, { base: 'main', head: 'routes' })).toContain('| r | 1 | `s3://b/k` | a \\| b |');
  });
});
