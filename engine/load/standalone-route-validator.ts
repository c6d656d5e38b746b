/**
 * ajv's standalone code for the route schema: a module exporting `routeValidator()` like
 * route-validator.ts does, without compiling at start-up. scripts/build.mjs bundles it into
 * the CLI in place of route-validator.ts. Its runtime helpers are require()d (ajv's choice,
 * even in ES module output); the bundler resolves them.
 */
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import routeSchema from '../../schema/route.schema.json' with { type: 'json' };
import { ROUTE_VALIDATOR_OPTIONS } from './route-validator.ts';

export function standaloneRouteValidatorSource(format: 'esm' | 'cjs'): string {
  const ajv = new Ajv({ ...ROUTE_VALIDATOR_OPTIONS, code: { source: true, esm: format === 'esm' } });
  // A CommonJS module whose default export is also its `default` property: TypeScript types the latter.
  const validate = standaloneCode.default(ajv, ajv.compile(routeSchema));
  const exported = format === 'esm' ? 'export function routeValidator() { return validate; }' : 'const validator = module.exports.default;\nmodule.exports.routeValidator = () => validator;';
  return `// Generated from schema/route.schema.json by engine/load/standalone-route-validator.ts. Do not edit.\n${validate}\n${exported}\n`;
}
