/**
 * The route schema compiled by ajv. In development ajv compiles it on first use (~200 ms);
 * the package build replaces this module in dist/ with ajv's standalone code generated from
 * the same schema and options (engine/load/standalone-route-validator.ts), so an installed
 * `switchyard validate` starts without compiling anything.
 */
import { Ajv, type Options, type ValidateFunction } from 'ajv';
import routeSchema from '../../schema/route.schema.json' with { type: 'json' };

export const ROUTE_VALIDATOR_OPTIONS: Options = {
  allErrors: true,
  // parentSchema (allowed keys for did-you-mean, examples) and branch schemas in errors.
  verbose: true,
  // schemaPath then always names the definition (#/definitions/Action/…), whether ajv would inline it or not.
  inlineRefs: false,
  strict: true,
  strictRequired: false,
  allowUnionTypes: true,
};

let validator: ValidateFunction | undefined;

export function routeValidator(): ValidateFunction {
  validator ??= new Ajv(ROUTE_VALIDATOR_OPTIONS).compile(routeSchema);
  return validator;
}
