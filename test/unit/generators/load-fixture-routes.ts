/** Route sets for generator tests: the real routes/ and the fixture sets under test/fixtures/generators/. */
import type { CompiledRoute } from '../../../engine/load/compiled-route.ts';
import { loadRoutes } from '../../../engine/load/load-routes.ts';
import { routeSetFromDisk } from '../../../engine/load/route-set.ts';

export const ROUTE_SETS = ['routes', 'test/fixtures/generators/mixed', 'test/fixtures/generators/shared-notifications', 'test/fixtures/generators/scheduled-batch'] as const;

export function loadRouteSet(directory: string): CompiledRoute[] {
  const result = loadRoutes(routeSetFromDisk([directory]));
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`${directory} does not load: ${errors.map((d) => `${d.file}:${d.position.line + 1} ${d.message}`).join('; ')}`);
  return result.routes;
}

export function routeNamed(routes: CompiledRoute[], name: string): CompiledRoute {
  const route = routes.find((r) => r.name === name);
  if (route === undefined) throw new Error(`no route ${name}`);
  return route;
}
