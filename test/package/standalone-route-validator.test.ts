/**
 * The package runs the route schema as ajv standalone code (scripts/build.mjs); development and
 * the other tests run ajv's runtime compilation. Both must report the same errors for every
 * route file we have, good and bad, or validate would say different things once installed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { routeValidator } from '../../engine/load/route-validator.ts';
import { standaloneRouteValidatorSource } from '../../engine/load/standalone-route-validator.ts';

function loadStandalone(): ValidateFunction {
  const module = { exports: {} as { routeValidator?: () => ValidateFunction } };
  new Function('require', 'module', 'exports', standaloneRouteValidatorSource('cjs'))(createRequire(import.meta.url), module, module.exports);
  const validator = module.exports.routeValidator?.();
  if (!validator) throw new Error('the standalone source exports no routeValidator()');
  return validator;
}

function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.ya?ml$/.test(f) && !f.split(path.sep).includes('tests'))
    .map((f) => path.join(dir, f));
}

const files = ['routes', 'test/fixtures/bad-routes', 'test/fixtures/bad-route-sets'].flatMap(yamlFilesUnder).sort();
const documents = files.flatMap((file) => {
  try {
    return [{ file, value: parse(readFileSync(file, 'utf8')) as unknown }];
  } catch {
    return []; // YAML syntax errors never reach the schema
  }
});

describe('standalone route validator', () => {
  const standalone = loadStandalone();
  const runtime = routeValidator();

  it('covers the seed routes and the bad-route fixtures', () => {
    expect(documents.length).toBeGreaterThan(20);
    expect(documents.filter((d) => !runtime(d.value)).length).toBeGreaterThan(10);
  });

  it.each(documents)('agrees with ajv’s runtime compilation on $file', ({ value }) => {
    const valid = runtime(value);
    const runtimeErrors = structuredClone(runtime.errors ?? []);
    expect(standalone(value)).toBe(valid);
    expect(standalone.errors ?? []).toEqual(runtimeErrors);
  });
});
