/**
 * Cold start: PrecompiledRoutes → CompiledRoutes, with nothing but JSONata and the Handlebars
 * runtime. Each expression compiles on its first evaluation and each template on its first
 * render, so a container with a thousand routes pays only for the routes its events reach.
 */
import Handlebars from 'handlebars/runtime';
import { SwitchyardError } from '../errors.ts';
import { registerTemplateHelpers } from '../template-helpers.ts';
import type { Template } from '../templates.ts';
import type { CompiledRoute } from './compiled-route.ts';
import { compileExpression, isProblem, type Expression } from './expressions.ts';
import { PRECOMPILED_FORMAT, TAG, type PrecompiledRoutes, type TaggedValue } from './precompiled-routes.ts';

/** Per-container: the runtime-only Handlebars, with the same helpers as the full one. */
let runtime: typeof Handlebars | undefined;

/** Takes `data` over: tagged values are replaced where they stand, so a thousand routes cost one walk and no copies. */
export function readPrecompiledRoutes(data: unknown): CompiledRoute[] {
  const routes = data as Partial<PrecompiledRoutes> | null;
  if (routes?.format !== PRECOMPILED_FORMAT || !Array.isArray(routes.routes) || !Array.isArray(routes.templates)) {
    throw badBundle(`the embedded routes are not in the ${PRECOMPILED_FORMAT} format`);
  }
  const specs = routes.templates;
  const read = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) value[i] = read(value[i]);
      return value;
    }
    const record = value as Record<string, unknown>;
    if (!(TAG in record)) return readFields(record);
    const tagged = record as TaggedValue;
    switch (tagged.$sy) {
      case 'expression':
        return lazyExpression(tagged.source);
      case 'regexp':
        return new RegExp(tagged.source, tagged.flags);
      case 'template': {
        const spec = specs[tagged.index];
        if (typeof spec !== 'string') throw badBundle(`template ${tagged.index} is missing`);
        return lazyTemplate(spec);
      }
      case 'object':
        return readFields(tagged.value);
      default:
        throw badBundle(`unknown tag ${JSON.stringify(record[TAG])}`);
    }
  };
  const readFields = (record: Record<string, unknown>): Record<string, unknown> => {
    for (const key in record) record[key] = read(record[key]);
    return record;
  };
  return routes.routes.map((route) => read(route) as CompiledRoute);
}

function lazyExpression(source: string): Expression {
  let compiled: Expression | undefined;
  const expression = (): Expression => {
    if (compiled) return compiled;
    const result = compileExpression(source);
    if (isProblem(result)) throw badBundle(`expression ${source} does not compile: ${result.message}`);
    compiled = result;
    return compiled;
  };
  return {
    evaluate: ((input: unknown, bindings?: Record<string, unknown>, callback?: Parameters<Expression['evaluate']>[2]) =>
      callback ? expression().evaluate(input, bindings, callback) : expression().evaluate(input, bindings)) as Expression['evaluate'],
    assign: (name, value) => expression().assign(name, value),
    registerFunction: (name, implementation, signature) => expression().registerFunction(name, implementation, signature),
    ast: () => expression().ast(),
  };
}

function lazyTemplate(spec: string): Template {
  let compiled: Template | undefined;
  return (context, options) => {
    if (!compiled) {
      if (!runtime) {
        runtime = Handlebars.create();
        registerTemplateHelpers(runtime);
      }
      // The spec is JavaScript that `switchyard deploy` generated with Handlebars.precompile.
      compiled = runtime.template(new Function(`return (${spec});`)() as TemplateSpecification);
    }
    return compiled(context, options);
  };
}

type TemplateSpecification = Parameters<typeof Handlebars.template>[0];

function badBundle(detail: string): SwitchyardError {
  return new SwitchyardError('SY100', `the deployed bundle is damaged (${detail}): deploy again with 'switchyard deploy'`);
}
