/**
 * Route sets of the plain shape the scale issue describes, made from a seed: each route takes
 * its own source prefix on one of `buckets` buckets, copies to its own bucket in another
 * account, and every fifth route also sends to a queue it owns. Used by the sharding tests and
 * by `npm run bench:scale`. `style` varies the names so a test can use a shape not in the repo.
 */
import type { CompiledRoute } from '../../../engine/load/compiled-route.ts';
import { loadRoutes } from '../../../engine/load/load-routes.ts';
import type { RouteSet } from '../../../engine/load/route-set.ts';
import { seededRandom } from '../../support/seeded-random.ts';

export interface RouteSetShape {
  routes: number;
  buckets: number;
  seed?: number;
  /** `plain`: short names; `long`: long bucket, prefix and queue names with several path segments. */
  style?: 'plain' | 'long';
}

export interface SyntheticRoute {
  name: string;
  bucket: string;
  prefix: string;
  destination: string;
  account: string;
  queue?: string;
}

export function syntheticRoutes(shape: RouteSetShape): SyntheticRoute[] {
  const random = seededRandom(shape.seed ?? 1);
  const long = shape.style === 'long';
  const digits = String(shape.routes).length;
  return Array.from({ length: shape.routes }, (_, i) => {
    const n = String(i).padStart(digits, '0');
    const name = long ? `team-${Math.floor(random() * 90) + 10}-feed-${n}` : `r${n}`;
    const b = Math.floor(random() * shape.buckets);
    const bucket = long ? `acme-ingest-${String(b).padStart(5, '0')}-eu-west-1-landing` : `src-${b}`;
    const account = String(200000000000 + Math.floor(random() * 50));
    return {
      name,
      bucket,
      prefix: long ? `landing/${name}/incoming/` : `${name}/`,
      destination: long ? `acme-partner-${n}-eu-west-1-delivery` : `dst-${n}`,
      account,
      ...(i % 5 === 4 ? { queue: long ? `acme-${name}-notifications` : `${name}-q` } : {}),
    };
  });
}

export function routeYaml(route: SyntheticRoute): string {
  return [
    `name: ${route.name}`,
    'source:',
    `  bucket: ${route.bucket}`,
    `  prefix: ${route.prefix}`,
    '  trigger: eventbridge',
    'allow:',
    '  buckets:',
    `    - { bucket: ${route.destination}, account: "${route.account}" }`,
    ...(route.queue !== undefined ? ['queues:', `  - { name: ${route.queue} }`] : []),
    'actions:',
    `  - copy: { to: ${route.destination}, key: $key }`,
    ...(route.queue !== undefined ? [`  - sqs: { queue: ${route.queue} }`] : []),
    '',
  ].join('\n');
}

export function routeFiles(routes: SyntheticRoute[]): Record<string, string> {
  return Object.fromEntries(routes.map((r) => [`routes/${r.name}.yaml`, routeYaml(r)]));
}

/** Validates and compiles the files as `switchyard validate` would; throws on any error. */
export function compileRouteFiles(files: Record<string, string>): CompiledRoute[] {
  // As routeSetFromDisk gives them (routeSetFromFiles is meant for a bundle's few routes).
  const set: RouteSet = {
    routeFiles: Object.keys(files)
      .sort()
      .map((file) => ({ file, bytes: files[file] ?? '' })),
    readRelative: () => undefined,
    missing: [],
  };
  const result = loadRoutes(set);
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`synthetic routes do not load: ${errors.slice(0, 3).map((d) => `${d.file}: ${d.message}`).join('; ')}`);
  return result.routes;
}

export function compiledSyntheticRoutes(shape: RouteSetShape): CompiledRoute[] {
  return compileRouteFiles(routeFiles(syntheticRoutes(shape)));
}
