/**
 * Builds the router function: engine/handler.ts bundled by esbuild with its dependencies
 * (the AWS SDK v3 clients included — the runtime's copy is not relied on), the routes loaded,
 * checked and precompiled here (engine/load/write-precompiled.ts) and shipped as `routes.json`
 * (read in place of `routes.generated.json`), then zipped deterministically. The function
 * itself never sees YAML.
 *
 * Format: ES modules with code splitting, `handler.mjs` (Lambda's nodejs22.x loads it as
 * `handler.handler` without a package.json) plus `chunk-<hash>.mjs` files. What the handler
 * imports dynamically (the SDK clients other than S3, engine/ports/aws/sdk.ts) lands in
 * chunks of its own, read only when first needed, so a cold start compiles only the code a
 * copy needs. A createRequire banner keeps the `require` calls of CommonJS dependencies
 * (jsonata, handlebars) working.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type Message, type Metafile, type Plugin } from 'esbuild';
import type { CompiledRoute } from '../engine/load/compiled-route.ts';
import { loadRoutes } from '../engine/load/load-routes.ts';
import { precompileRoutes } from '../engine/load/write-precompiled.ts';
import { routeSetFromFiles } from '../engine/load/route-set.ts';
import { DeployError } from './errors.ts';
import { embeddedRouteFiles } from './route-files.ts';
import { writeZip } from './zip.ts';
import { packageRoot } from '../cli/package-root.ts';

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
  /** Size of all the code: handler.mjs and its chunks. */
  bundleBytes: number;
  /** Size of the code a cold start reads: handler.mjs and the chunks it imports statically (the others load on demand). */
  startupBytes: number;
  zipBytes: number;
  /** Every module in the code (`node_modules/<package>/…` or a repository path), sorted: what the function may load. */
  modules: string[];
  /** The modules of the startup code only (see startupBytes). */
  startupModules: string[];
}

// engine/ ships as TypeScript in the package while this module runs bundled in dist/cli/: the handler is found from the package root.
const REPO_ROOT = packageRoot(fileURLToPath(import.meta.url));
const ENTRY = path.join(REPO_ROOT, 'engine', 'handler.ts');
const ROUTES_MODULE = /(^|[/\\])routes\.generated\.json$/;
/** A fixed, never-written output directory: the source maps' relative paths derive from it. */
const OUTDIR = path.join(REPO_ROOT, '.switchyard-bundle');
/** The entry file's name; Lambda finds it from the function's `handler.handler`. */
export const HANDLER_FILE = 'handler.mjs';
/** The precompiled routes (engine/load/precompiled-routes.ts), beside handler.mjs in the zip. */
export const ROUTES_FILE = 'routes.json';
/** The route files and templates of the bundle's routes, for `switchyard status` (deploy/ops/route-drift.ts). */
export const ROUTE_SOURCES_FILE = 'route-sources.json';

/** How the router function is built; bench/cold-start.ts builds its baseline handler the same way. */
export const LAMBDA_BUILD = {
  write: false,
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  splitting: true,
  outExtension: { '.js': '.mjs' },
  entryNames: 'handler',
  chunkNames: 'chunk-[hash]',
  banner: { js: "import { createRequire as __switchyardCreateRequire } from 'node:module'; const require = __switchyardCreateRequire(import.meta.url);" },
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
  const routeFiles = embeddedRouteFiles(options.routesDir);
  const routes = checkEmbeddedRoutesLoad(routeFiles);
  const chosen = options.routeNames ? routesNamed(routes, options.routeNames, options.routesDir) : routes;
  const embedded = precompileRoutes(chosen);
  let result;
  try {
    result = await build({
      ...LAMBDA_BUILD,
      absWorkingDir: REPO_ROOT,
      entryPoints: [ENTRY],
      // Installed, engine/ sits in node_modules/switchyard: never pick up the routes repository's tsconfig.
      tsconfigRaw: {},
      outdir: OUTDIR,
      metafile: true,
      plugins: [embeddedRoutesPlugin()],
    });
  } catch (error) {
    const errors = (error as { errors?: Message[] }).errors ?? [];
    throw new DeployError('BundleFailed', `could not bundle the router function: ${errors.map(formatMessage).join('; ') || String(error)}`, { cause: error });
  }
  const files = [
    ...(result.outputFiles ?? []).map((o) => ({ name: path.basename(o.path), data: Buffer.from(o.contents) })),
    { name: ROUTES_FILE, data: Buffer.from(JSON.stringify(embedded)) },
    { name: ROUTE_SOURCES_FILE, data: Buffer.from(JSON.stringify(sourcesOf(chosen, routeFiles))) },
  ];
  if (!files.some((f) => f.name === HANDLER_FILE)) throw new DeployError('BundleFailed', `esbuild produced no ${HANDLER_FILE}`);
  // Byte order, not locale order: the same code always gives the same zip.
  const startup = startupOutputs(result.metafile);
  const zip = writeZip(files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)));
  return {
    zip,
    sha256: createHash('sha256').update(zip).digest('hex'),
    bundleBytes: files.filter((f) => f.name.endsWith('.mjs')).reduce((sum, f) => sum + f.data.length, 0),
    startupBytes: startup.reduce((sum, o) => sum + o.bytes, 0),
    startupModules: [...new Set(startup.flatMap((o) => Object.keys(o.inputs)).map(modulePath))].sort(),
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
/**
 * The route files and templates this bundle was built from, carried beside the code (never read
 * by the function) so `switchyard status` can tell which deployed route differs from the local one.
 */
function sourcesOf(routes: CompiledRoute[], files: Record<string, string>): Record<string, string> {
  const routeFiles = new Set(routes.map((r) => r.file));
  const isRouteFile = (name: string): boolean => /\.ya?ml$/.test(name) && !name.includes('/templates/');
  const sources: Record<string, string> = {};
  for (const name of Object.keys(files).sort()) if (routeFiles.has(name) || !isRouteFile(name)) sources[name] = files[name] ?? '';
  return sources;
}

function routesNamed(routes: CompiledRoute[], names: string[], routesDir: string): CompiledRoute[] {
  const wanted = new Set(names);
  const chosen = routes.filter((r) => wanted.has(r.name));
  const unknown = [...wanted].filter((name) => !chosen.some((r) => r.name === name));
  if (unknown.length > 0) throw new DeployError('BundleFailed', `no route named ${unknown.map((n) => `'${n}'`).join(', ')} in ${routesDir}: check the names given to the bundle against the routes' name fields`);
  return chosen;
}

/**
 * Serves `engine/routes.generated.json` (no routes in the repository) as a module that reads
 * the precompiled routes from `routes.json` beside the code: JSON.parse of a file is far cheaper
 * than compiling the same data inside a module, and the code is the same for every stack.
 */
function embeddedRoutesPlugin(): Plugin {
  return {
    name: 'switchyard-embedded-routes',
    setup(build) {
      build.onResolve({ filter: ROUTES_MODULE }, () => ({ path: 'routes.generated.json', namespace: 'switchyard-routes' }));
      build.onLoad({ filter: /.*/, namespace: 'switchyard-routes' }, () => ({
        contents: `import { readFileSync } from 'node:fs'; export default JSON.parse(readFileSync(new URL(${JSON.stringify(`./${ROUTES_FILE}`)}, import.meta.url), 'utf8'));`,
        loader: 'js',
      }));
    },
  };
}

/** handler.mjs and the chunks it imports statically, transitively: what a cold start reads. */
function startupOutputs(metafile: Metafile): Metafile['outputs'][string][] {
  const outputs = new Map(Object.entries(metafile.outputs).map(([file, output]) => [path.basename(file), output]));
  const found = new Map<string, Metafile['outputs'][string]>();
  const visit = (name: string): void => {
    const output = outputs.get(name);
    if (!output || found.has(name)) return;
    found.set(name, output);
    for (const i of output.imports) if (i.kind === 'import-statement' && !i.external) visit(path.basename(i.path));
  };
  visit(HANDLER_FILE);
  return [...found.values()];
}

function modulePath(input: string): string {
  const packaged = input.lastIndexOf('node_modules/');
  return packaged >= 0 ? input.slice(packaged) : input;
}

function formatMessage(m: Message): string {
  return m.location ? `${m.location.file}:${m.location.line}:${m.location.column}: ${m.text}` : m.text;
}
