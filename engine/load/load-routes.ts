/**
 * load: parse → schema → compile → semantic checks, over every route file at once, so that one
 * run reports every problem in every file.
 */
import type { Route } from '../../schema/route.ts';
import type { CompiledRoute } from './compiled-route.ts';
import { compileRoute } from './compile-route.ts';
import { byLocation, diagnostic, START, type Diagnostic } from './diagnostic.ts';
import { parseRouteYaml } from './parse-yaml.ts';
import { checkRoutes, type LoadedRoute } from './route-checks.ts';
import type { RouteSet } from './route-set.ts';
import { checkAgainstSchema } from './schema-check.ts';
import { withWatchedBuckets } from './watched-buckets.ts';

export interface LoadResult {
  routes: CompiledRoute[];
  diagnostics: Diagnostic[];
  /** Number of route files looked at. */
  fileCount: number;
}

export function loadRoutes(set: RouteSet): LoadResult {
  const diagnostics: Diagnostic[] = set.missing.map((p) => diagnostic('SY007', p, START, `no such file or directory: ${p}`));
  const loaded: LoadedRoute[] = [];
  for (const { file, bytes } of set.routeFiles) {
    const parsed = parseRouteYaml(file, bytes);
    if (!parsed.ok) {
      diagnostics.push(...parsed.diagnostics);
      continue;
    }
    const schemaProblems = checkAgainstSchema(parsed.parsed);
    if (schemaProblems.length > 0) {
      diagnostics.push(...schemaProblems);
      continue;
    }
    const compiled = compileRoute(parsed.parsed, parsed.parsed.value as Route, set.readRelative);
    diagnostics.push(...compiled.diagnostics);
    loaded.push({ parsed: parsed.parsed, route: compiled.route });
  }
  diagnostics.push(...checkRoutes(loaded));
  if (set.routeFiles.length === 0 && set.missing.length === 0) {
    diagnostics.push(diagnostic('SY031', '.', START, 'no route files (*.yaml) found', 'pass a directory holding route files, e.g. routes/'));
  }
  const failedFiles = new Set(diagnostics.filter((d) => d.severity === 'error').map((d) => d.file));
  return {
    routes: withWatchedBuckets(loaded.filter((l) => !failedFiles.has(l.parsed.file)).map((l) => l.route)),
    diagnostics: diagnostics.sort(byLocation),
    fileCount: set.routeFiles.length,
  };
}
