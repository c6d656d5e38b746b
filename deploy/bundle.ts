/**
 * Builds the router function: engine/handler.ts bundled by esbuild with its dependencies
 * (the AWS SDK v3 clients included — the runtime's copy is not relied on), the route set
 * embedded in place of `routes.generated.json`, then zipped deterministically.
 *
 * Format: CommonJS in `handler.js`. Lambda's nodejs22.x loads it as `handler.handler`
 * without a package.json, and CommonJS dependencies (jsonata, handlebars) keep their
 * `require` calls working, which an ESM bundle would need a createRequire banner for.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Message, type Plugin } from 'esbuild';
import { loadRoutes } from '../engine/load/load-routes.ts';
import { routeSetFromFiles } from '../engine/load/route-set.ts';
import { DeployError } from './errors.ts';
import { embeddedRouteFiles } from './route-files.ts';
import { writeZip } from './zip.ts';
import { packageRoot } from '../cli/package-root.ts';

export interface BundleOptions {
  /** The directory holding the route files (and templates/) to embed. */
  routesDir: string;
}

export interface LambdaBundle {
  zip: Buffer;
  /** Hex sha256 of `zip`: the upload key is `switchyard/<sha256>.zip`. */
  sha256: string;
  /** Size of the bundled handler.js. */
  bundleBytes: number;
  zipBytes: number;
}

// engine/ ships as TypeScript in the package while this module runs bundled in dist/cli/: the handler is found from the package root.
const REPO_ROOT = packageRoot(fileURLToPath(import.meta.url));
const ENTRY = path.join(REPO_ROOT, 'engine', 'handler.ts');
const ROUTES_MODULE = /(^|[/\\])routes\.generated\.json$/;
/** A fixed, never-written output path: the source map's relative paths derive from it. */
const OUTFILE = path.join(REPO_ROOT, '.switchyard-bundle', 'handler.js');

export async function bundleLambda(options: BundleOptions): Promise<LambdaBundle> {
  const routeFiles = embeddedRouteFiles(options.routesDir);
  checkEmbeddedRoutesLoad(routeFiles);
  let result;
  try {
    result = await build({
      absWorkingDir: REPO_ROOT,
      entryPoints: [ENTRY],
      // Installed, engine/ sits in node_modules/switchyard: never pick up the routes repository's tsconfig.
      tsconfigRaw: {},
      outfile: OUTFILE,
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
      plugins: [embeddedRoutesPlugin(routeFiles)],
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
  };
}

/**
 * The function loads the embedded copy, not the directory: a route that refers to a file
 * outside templates/ validates on disk but would not load in Lambda. Refuse that here.
 */
function checkEmbeddedRoutesLoad(files: Record<string, string>): void {
  const errors = loadRoutes(routeSetFromFiles(files)).diagnostics.filter((d) => d.severity === 'error');
  if (errors.length === 0) return;
  const list = errors.map((d) => `${d.file}:${d.position.line + 1}:${d.position.col + 1}: ${d.message} [${d.code}]`).join('; ');
  throw new DeployError('BundleFailed', `the routes as embedded in the bundle (route files and templates/ only) do not load: ${list}`);
}

/** Serves `engine/routes.generated.json` (an empty `{}` in the repository) from the routes directory. */
function embeddedRoutesPlugin(files: Record<string, string>): Plugin {
  return {
    name: 'switchyard-embedded-routes',
    setup(build) {
      build.onResolve({ filter: ROUTES_MODULE }, () => ({ path: 'routes.generated.json', namespace: 'switchyard-routes' }));
      build.onLoad({ filter: /.*/, namespace: 'switchyard-routes' }, () => ({ contents: JSON.stringify(files), loader: 'json' }));
    },
  };
}

function outputNamed(outputs: Array<{ path: string; contents: Uint8Array }> | undefined, name: string): Buffer {
  const found = outputs?.find((o) => path.basename(o.path) === name);
  if (!found) throw new DeployError('BundleFailed', `esbuild produced no ${name}`);
  return Buffer.from(found.contents);
}

function formatMessage(m: Message): string {
  return m.location ? `${m.location.file}:${m.location.line}:${m.location.column}: ${m.text}` : m.text;
}
