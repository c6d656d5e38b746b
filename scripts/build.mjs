#!/usr/bin/env node
/**
 * Builds dist/: the CLI bundled by esbuild into dist/cli/ (one entry, one chunk per command,
 * loaded on demand), with the route schema precompiled by ajv's standalone code generator and
 * the pure-JavaScript dependencies inlined; with `--declarations`, the route types as .d.ts.
 *
 * Why a bundle: start-up. Node spends most of a cold `validate` resolving and reading a few
 * hundred small module files and scanning CommonJS ones for exports; one file per chunk takes
 * a fraction of that. The AWS SDK is bundled too, from its ES modules (tree-shaken), into the
 * chunks of the commands that use it: loading @aws-sdk/client-s3 from node_modules takes about
 * 190 ms on the 2-core machine, its bundled chunk about 50 ms — a backfill sends its first
 * request that much sooner. The package still depends on the SDK: deploy bundles the handler
 * from source.
 * The Lambda handler is not prebuilt: deploy bundles engine/handler.ts, shipped as source,
 * with the operator's routes embedded (deploy/bundle.ts).
 *
 * esbuild takes a second or two, so the test setup and the development bin rebuild whenever a
 * source is newer than dist/ (bin/dist-freshness.mjs).
 */
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { BUILD_STAMP } from '../bin/dist-freshness.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = path.join(root, 'dist');

/** Runs engine/load/standalone-route-validator.ts (bundled to a scratch module) for the validator's source. */
async function standaloneValidatorSource() {
  const scratch = path.join(dist, '.standalone-route-validator.mjs');
  await build({ absWorkingDir: root, entryPoints: ['engine/load/standalone-route-validator.ts'], outfile: scratch, bundle: true, packages: 'external', platform: 'node', format: 'esm', target: 'node20.11', logLevel: 'warning' });
  const { standaloneRouteValidatorSource } = await import(pathToFileURL(scratch).href);
  rmSync(scratch);
  return standaloneRouteValidatorSource('esm');
}

/** Serves the precompiled validator wherever the sources import engine/load/route-validator.ts. */
function precompiledRouteValidator(source) {
  return {
    name: 'precompiled-route-validator',
    setup(b) {
      b.onResolve({ filter: /[/\\]route-validator\.ts$/ }, (args) => ({ path: path.join(args.resolveDir, args.path), namespace: 'precompiled' }));
      b.onLoad({ filter: /.*/, namespace: 'precompiled' }, () => ({ contents: source, loader: 'js', resolveDir: path.join(root, 'engine/load') }));
    },
  };
}

export async function buildDist({ declarations = false } = {}) {
  const startedAt = Date.now();
  rmSync(dist, { recursive: true, force: true });
  const validator = await standaloneValidatorSource();
  await build({
    absWorkingDir: root,
    entryPoints: { switchyard: 'cli/switchyard.ts' },
    outdir: path.join(dist, 'cli'),
    bundle: true,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    platform: 'node',
    format: 'esm',
    target: 'node20.11',
    // esbuild has a native binary; only deploy loads it.
    external: ['esbuild'],
    // The SDK's dist-es: ES modules that esbuild can tree-shake (dist-cjs is one opaque module per package).
    mainFields: ['module', 'main'],
    // Bundled CommonJS dependencies require() Node's built-ins.
    banner: { js: 'import { createRequire as __switchyardRequire } from "node:module"; const require = __switchyardRequire(import.meta.url);' },
    // Positions for --enable-source-maps and bug reports; the sources themselves would double dist/ (the SDK's most of all).
    sourcemap: 'linked',
    sourcesContent: false,
    legalComments: 'linked',
    logLevel: 'warning',
    plugins: [precompiledRouteValidator(validator)],
  });
  if (declarations) execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  writeFileSync(path.join(dist, BUILD_STAMP), `${JSON.stringify({ builtAt: startedAt })}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildDist({ declarations: process.argv.includes('--declarations') });
}
