/**
 * The routes as the Lambda bundle carries them: loaded and checked at deploy time, then written
 * as plain data, so that a cold start parses no YAML, loads no schema and runs no ajv.
 *
 * A CompiledRoute is written field by field; the values that are not data are tagged:
 * a JSONata expression by its source text (compiled again on first use), a RegExp by its
 * source and flags, a template by its index in `templates` (Handlebars' precompiled spec, run
 * by the small Handlebars runtime). A plain object that happens to hold the tag key is wrapped,
 * so route data can never be mistaken for a tag.
 */
import type { ExpressionLocation } from './expression-locations.ts';

export const PRECOMPILED_FORMAT = 'switchyard-routes/1';

export const TAG = '$sy';

export type TaggedValue =
  | { $sy: 'expression'; source: string; at?: ExpressionLocation }
  | { $sy: 'regexp'; source: string; flags: string }
  | { $sy: 'template'; index: number }
  | { $sy: 'object'; value: Record<string, unknown> };

export interface PrecompiledRoutes {
  format: typeof PRECOMPILED_FORMAT;
  /** Handlebars.precompile output (JavaScript object source), each template once. */
  templates: string[];
  /** CompiledRoutes as data, in load order. */
  routes: PrecompiledRoute[];
}

export interface PrecompiledRoute {
  fields: Record<string, unknown>;
  /** The fields holding tagged values; the others are plain data, used as they are. */
  tagged: string[];
}

export function emptyPrecompiledRoutes(): PrecompiledRoutes {
  return { format: PRECOMPILED_FORMAT, templates: [], routes: [] };
}
