/** The seed-003 route as the loader compiles it, for batch unit tests. */
import type { CompiledRoute } from '../../../engine/load/compiled-route.ts';
import { loadRoutes } from '../../../engine/load/load-routes.ts';
import { routeSetFromDisk } from '../../../engine/load/route-set.ts';

export function crossAccountBatch(): CompiledRoute {
  const result = loadRoutes(routeSetFromDisk(['routes/cross-account-batch.yaml']));
  const route = result.routes.find((r) => r.name === 'cross-account-batch');
  if (!route) throw new Error(`cross-account-batch did not load: ${result.diagnostics.map((d) => d.message).join('; ')}`);
  return route;
}

export function withBatch(route: CompiledRoute, batch: Record<string, unknown> | undefined, prefix?: string): CompiledRoute {
  const definition = { ...route.definition, source: { ...route.definition.source, ...(prefix !== undefined ? { prefix } : {}) } };
  if (batch === undefined) delete (definition as { batch?: unknown }).batch;
  else (definition as { batch?: unknown }).batch = batch;
  return { ...route, definition } as CompiledRoute;
}
