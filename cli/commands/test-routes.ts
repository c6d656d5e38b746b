import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { runRouteTestFile, type CaseResult } from '../../engine/testing/route-tests.ts';
import type { Output } from '../output.ts';
import { loadValidRoutes } from './load-valid-routes.ts';

function testFiles(paths: string[]): string[] {
  return paths.flatMap((p) => {
    if (!existsSync(p)) return [];
    if (!statSync(p).isDirectory()) return [p];
    return readdirSync(p)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
      .map((f) => path.join(p, f));
  });
}

/** Runs routes/tests/*.yaml; prints `✗ file [line N]: name` with reasons for each failing case. */
export async function testRoutesCommand(paths: string[], routesDir: string, out: Output): Promise<number> {
  const routes = loadValidRoutes(routesDir, out);
  if (!routes) return 1;
  const files = testFiles(paths.length > 0 ? paths : [path.join(routesDir, 'tests')]);
  if (files.length === 0) {
    out.stderr(`no route test files found in ${paths.join(', ') || path.join(routesDir, 'tests')}`);
    return 1;
  }
  const results: CaseResult[] = [];
  for (const file of files) results.push(...(await runRouteTestFile(file, routes)));
  for (const r of results) {
    out.stdout(`${r.passed ? '✓' : '✗'} ${r.file} [line ${r.line}]: ${r.name}`);
    for (const p of r.problems) out.stdout(`    ${p}`);
  }
  const failed = results.filter((r) => !r.passed).length;
  out.stdout(`${results.length - failed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}
