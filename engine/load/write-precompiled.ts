/**
 * Deploy time: CompiledRoutes (already loaded and checked) → PrecompiledRoutes. Runs with the
 * full loader at hand; engine/load/read-precompiled.ts is its inverse in the Lambda.
 */
import { SwitchyardError } from '../errors.ts';
import { sourceOfTemplate, templateOptions, templates as handlebars, type Template } from '../templates.ts';
import type { CompiledRoute } from './compiled-route.ts';
import { expressionLocation } from './expression-locations.ts';
import { sourceOfExpression, type Expression } from './expressions.ts';
import { PRECOMPILED_FORMAT, TAG, type PrecompiledRoute, type PrecompiledRoutes, type TaggedValue } from './precompiled-routes.ts';

export function precompileRoutes(routes: readonly CompiledRoute[]): PrecompiledRoutes {
  const specs: string[] = [];
  const indexOfSpec = new Map<string, number>();
  const template = (value: Template, where: string): TaggedValue => {
    const source = sourceOfTemplate(value);
    if (!source) throw notData(where, 'a template compiled outside compileTemplate');
    const spec = handlebars.precompile(source.text, templateOptions(source.escapeHtml)) as string;
    let index = indexOfSpec.get(spec);
    if (index === undefined) {
      index = specs.push(spec) - 1;
      indexOfSpec.set(spec, index);
    }
    return { $sy: 'template', index };
  };
  /** Set whenever write() emits a tag: which of a route's fields need reading at cold start. */
  let emittedTag = false;
  const write = (value: unknown, where: string): unknown => {
    if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw notData(where, String(value));
      return value;
    }
    if (typeof value === 'function') {
      emittedTag = true;
      return template(value as Template, where);
    }
    if (typeof value !== 'object') throw notData(where, typeof value);
    if (value instanceof RegExp) {
      emittedTag = true;
      return { $sy: 'regexp', source: value.source, flags: value.flags } satisfies TaggedValue;
    }
    if (isExpression(value)) {
      emittedTag = true;
      const source = sourceOfExpression(value);
      if (source === undefined) throw notData(where, 'an expression compiled outside compileExpression');
      // The place travels with it, so an expression stopped by a limit in Lambda still names its file and line.
      const at = expressionLocation(value);
      return { $sy: 'expression', source, ...(at ? { at } : {}) } satisfies TaggedValue;
    }
    if (Array.isArray(value)) return value.map((item, i) => write(item, `${where}[${i}]`));
    const prototype = Object.getPrototypeOf(value) as unknown;
    if (prototype !== Object.prototype && prototype !== null) throw notData(where, `an object of class ${(value as object).constructor?.name ?? '?'}`);
    const fields: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) if (field !== undefined) fields[key] = write(field, `${where}.${key}`);
    if (!(TAG in value)) return fields;
    emittedTag = true;
    return { $sy: 'object', value: fields } satisfies TaggedValue;
  };
  const writeRoute = (route: CompiledRoute): PrecompiledRoute => {
    const fields: Record<string, unknown> = {};
    const tagged: string[] = [];
    for (const [key, field] of Object.entries(route)) {
      if (field === undefined) continue;
      emittedTag = false;
      fields[key] = write(field, `${route.name}.${key}`);
      if (emittedTag) tagged.push(key);
    }
    return { fields, tagged };
  };
  return { format: PRECOMPILED_FORMAT, templates: specs, routes: routes.map(writeRoute) };
}

function isExpression(value: object): value is Expression {
  const candidate = value as Partial<Expression>;
  return typeof candidate.evaluate === 'function' && typeof candidate.ast === 'function';
}

function notData(where: string, what: string): SwitchyardError {
  return new SwitchyardError('SY102', `route ${where} holds ${what}, which the Lambda bundle cannot carry: this is a Switchyard bug, please report it`);
}
