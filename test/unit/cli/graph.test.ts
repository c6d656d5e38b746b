/** `switchyard graph`: both formats of the seed routes, and route files that do not validate. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { graphCommand, type GraphOptions } from '../../../cli/commands/graph.ts';
import type { Output } from '../../../cli/output.ts';

function graph(options: GraphOptions): { code: number; stdout: string; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const out: Output = { stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l), isTTY: false };
  const code = graphCommand(options, out);
  return { code, stdout: `${stdout.join('\n')}\n`, stderr };
}

describe('switchyard graph', () => {
  it.each([
    ['mermaid', 'test/fixtures/graph/seed-routes.mmd'],
    ['dot', 'test/fixtures/graph/seed-routes.dot'],
  ] as const)('draws the seed routes as %s', (format, golden) => {
    const result = graph({ routes: 'routes', format });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(readFileSync(golden, 'utf8'));
  });

  it('draws nothing for routes that do not validate, and names every problem', () => {
    const result = graph({ routes: 'test/fixtures/bad-routes', format: 'mermaid' });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('\n');
    expect(result.stderr.length).toBeGreaterThan(1);
    expect(result.stderr.at(-1)).toMatch(/^switchyard: \d+ problem\(s\) in the route files: fix them \(switchyard validate test\/fixtures\/bad-routes\) to draw the graph\.$/);
  });
});
