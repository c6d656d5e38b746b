/**
 * Builds the router function: engine/handler.ts bundled by esbuild with its dependencies
 * (the AWS SDK v3 clients included — the runtime's copy is not relied on), the routes loaded,
 * checked and precompiled here (engine/load/write-precompiled.ts) and embedded in place of
 * `routes.generated.json`, then zipped deterministically. The function itself never sees YAML.
 *
 * Format: CommonJS in `handler.js`. Lambda's nodejs22.x loads it as `handler.handler`
 * without a package.json, and CommonJS dependencies (jsonata, handlebars) keep their
 * `require` calls working, which an ESM bundle would need a createRequire banner for.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type Message, type Plugin } from 'esbuild';
import type { CompiledRoute } from '../engine/load/compiled-route.ts';
import { loadRoutes } from '../engine/load/load-routes.ts';
import type { PrecompiledRoutes } from '../engine/load/precompiled-routes.ts';
import { precompileRoutes } from '../engine/load/write-precompiled.ts';
import { routeSetFromFiles } from '../engine/load/route-set.ts';
import { DeployError } from './errors.ts';
import { embeddedRouteFiles } from './route-files.ts';
import { writeZip } from './zip.ts';

export interface BundleOptions {
  /** The directory holding the route files (and templates/) to embed. */
  routesDir: string;
  /**
   * Route names (each route's `name`) to embed; the others in `routesDir` are left out, as
   * are templates none of these routes uses. Every route of the directory is still checked.
   * Omitted: every route.
   */
  routeNames?: string[];
}

export interface LambdaBundle {
  zip: Buffer;
  /** Hex sha256 of `zip`: the upload key is `switchyard/<sha256>.zip`. */
  sha256: string;
  /** Size of the bundled handler.js. */
  bundleBytes: number;
  zipBytes: number;
  /** Every module in handler.js (`node_modules/<package>/…` or a repository path), sorted: what the function loads. */
  modules: string[];
}

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const ENTRY = path.join(REPO_ROOT, 'engine', 'handler.ts');
const ROUTES_MODULE = /(^|[/\\])routes\.generated\.json$/;
/** A fixed, never-written output path: the source map's relative paths derive from it. */
const OUTFILE = path.join(REPO_ROOT, '.switchyard-bundle', 'handler.js');

/** How the router function is built; bench/cold-start.ts builds its baseline handler the same way. */
export const LAMBDA_BUILD = {
  write: false,
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  // ESM builds of the SDK tree-shake far better than its CommonJS ones.
  mainFields: ['module', 'main'],
  minify: true,
  treeShaking: true,
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'eof',
  logLevel: 'silent',
} as const satisfies BuildOptions;

export async function bundleLambda(options: BundleOptions): Promise<LambdaBundle> {
  const routes = checkEmbeddedRoutesLoad(embeddedRouteFiles(options.routesDir));
  const embedded = precompileRoutes(options.routeNames ? routesNamed(routes, options.routeNames, options.routesDir) : routes);
  let result;
  try {
    result = await build({
      ...LAMBDA_BUILD,
      absWorkingDir: REPO_ROOT,
      entryPoints: [ENTRY],
      outfile: OUTFILE,
      metafile: true,
      plugins: [embeddedRoutesPlugin(embedded)],
    });
  } catch (error) {
    const errors = (error as { errors?: Message[] }).errors ?? [];
    throw new DeployError('BundleFailed', `could not bundle the router function: ${errors.map(formatMessage).join('; ') || String(error)}`, { cause: error });
  }
  const handler = outputNamed(result.outputFiles, 'handler.js');
  const sourceMap = outputNamed(result.outputFiles, 'handler.js.map');
  const zip = writeZip([
    { name: 'handler.js', data: handler },
    { name: 'handler.js.map', data: sourceMap },
  ]);
  return {
    zip,
    sha256: createHash('sha256').update(zip).digest('hex'),
    bundleBytes: handler.length,
    zipBytes: zip.length,
    modules: Object.keys(result.metafile.inputs).map(modulePath).sort(),
  };
}

/**
 * The function loads the embedded copy, not the directory: a route that refers to a file
 * outside templates/ validates on disk but would not load in Lambda. Refuse that here.
 */
function checkEmbeddedRoutesLoad(files: Record<string, string>): CompiledRoute[] {
  const loaded = loadRoutes(routeSetFromFiles(files));
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length === 0) return loaded.routes;
  const list = errors.map((d) => `${d.file}:${d.position.line + 1}:${d.position.col + 1}: ${d.message} [${d.code}]`).join('; ');
  throw new DeployError('BundleFailed', `the routes as embedded in the bundle (route files and templates/ only) do not load: ${list}`);
}

/** The named routes, in load order; a name no route has is refused. */
function routesNamed(routes: CompiledRoute[], names: string[], routesDir: string): CompiledRoute[] {
  const wanted = new Set(names);
  const chosen = routes.filter((r) => wanted.has(r.name));
  const unknown = [...wanted].filter((name) => !chosen.some((r) => r.name === name));
  if (unknown.length > 0) throw new DeployError('BundleFailed', `no route named ${unknown.map((n) => `'${n}'`).join(', ')} in ${routesDir}: check the names given to the bundle against the routes' name fields`);
  return chosen;
}

/** Serves `engine/routes.generated.json` (no routes in the repository) with the precompiled routes. */
function embeddedRoutesPlugin(routes: PrecompiledRoutes): Plugin {
  return {
    name: 'switchyard-embedded-routes',
    setup(build) {
      build.onResolve({ filter: ROUTES_MODULE }, () => ({ path: 'routes.generated.json', namespace: 'switchyard-routes' }));
      build.onLoad({ filter: /.*/, namespace: 'switchyard-routes' }, () => ({ contents: JSON.stringify(routes), loader: 'json' }));
    },
  };
}

function modulePath(input: string): string {
  const packaged = input.lastIndexOf('node_modules/');
  return packaged >= 0 ? input.slice(packaged) : input;
}

function outputNamed(outputs: Array<{ path: string; contents: Uint8Array }> | undefined, name: string): Buffer {
  const found = outputs?.find((o) => path.basename(o.path) === name);
  if (!found) throw new DeployError('BundleFailed', `esbuild produced no ${name}`);
  return Buffer.from(found.contents);
}

function formatMessage(m: Message): string {
  return m.location ? `${m.location.file}:${m.location.line}:${m.location.column}: ${m.text}` : m.text;
}
