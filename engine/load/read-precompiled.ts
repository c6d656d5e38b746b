/**
 * Cold start: PrecompiledRoutes → CompiledRoutes, with nothing but JSONata (imported when first
 * needed) and the Handlebars runtime. Each expression compiles on its first evaluation and each template on its first
 * render, so a container with a thousand routes pays only for the routes its events reach.
 */
import Handlebars from 'handlebars/runtime';
import { SwitchyardError } from '../errors.ts';
import { registerTemplateHelpers } from '../template-helpers.ts';
import type { Template } from '../templates.ts';
import type { CompiledRoute } from './compiled-route.ts';
import { locateExpression } from './expression-locations.ts';
import type { Expression } from './expressions.ts';
import { PRECOMPILED_FORMAT, TAG, type PrecompiledRoute, type PrecompiledRoutes, type TaggedValue } from './precompiled-routes.ts';

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
      case 'expression': {
        const expression = new LazyExpression(tagged.source);
        if (tagged.at) locateExpression(expression, tagged.at.route, tagged.at.file, [tagged.at.field], tagged.at.line - 1);
        return expression;
      }
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
  return routes.routes.map((route: Partial<PrecompiledRoute> | null) => {
    if (typeof route?.fields !== 'object' || route.fields === null || !Array.isArray(route.tagged)) throw badBundle('a route is not { fields, tagged }');
    for (const key of route.tagged) route.fields[key] = read(route.fields[key]);
    return route.fields as unknown as CompiledRoute;
  });
}

/**
 * An expression compiled on first use; one small object each, as a container may hold thousands.
 * JSONata itself is imported on the first evaluation that needs it: a bare variable such as the
 * default `key: $key` bound to a string, number or boolean evaluates to that value in JSONata,
 * so it is answered without it (anything else, null and arrays included, goes to JSONata).
 */
export class LazyExpression implements Expression {
  readonly #variable: string | undefined;
  #compiled: Expression | undefined;

  constructor(private readonly source: string) {
    this.#variable = BARE_VARIABLE.exec(source)?.[1];
  }

  evaluate(input: unknown, bindings?: Record<string, unknown>): Promise<unknown>;
  evaluate(input: unknown, bindings: Record<string, unknown> | undefined, callback: Parameters<Expression['evaluate']>[2]): void;
  evaluate(input: unknown, bindings?: Record<string, unknown>, callback?: Parameters<Expression['evaluate']>[2]): Promise<unknown> | void {
    if (callback) {
      this.load().then((expression) => expression.evaluate(input, bindings, callback), (error: unknown) => callback(error as Parameters<typeof callback>[0], undefined));
      return;
    }
    if (this.#variable !== undefined && bindings && Object.prototype.hasOwnProperty.call(bindings, this.#variable)) {
      const value = bindings[this.#variable];
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return Promise.resolve(value);
    }
    return this.load().then((expression) => expression.evaluate(input, bindings));
  }

  assign(name: string, value: unknown): void {
    this.loaded().assign(name, value);
  }

  registerFunction(...args: Parameters<Expression['registerFunction']>): void {
    this.loaded().registerFunction(...args);
  }

  ast(): ReturnType<Expression['ast']> {
    return this.loaded().ast();
  }

  private async load(): Promise<Expression> {
    if (this.#compiled) return this.#compiled;
    const { compileExpression, isProblem } = await import('./expressions.ts');
    const result = compileExpression(this.source);
    if (isProblem(result)) throw badBundle(`expression ${this.source} does not compile: ${result.message}`);
    this.#compiled = result;
    return result;
  }

  /** The synchronous methods (never used by the running pipeline) need an evaluation first. */
  private loaded(): Expression {
    if (!this.#compiled) throw new SwitchyardError('SY100', `expression ${this.source} is compiled on its first evaluation; evaluate it before calling assign, registerFunction or ast`);
    return this.#compiled;
  }
}

/** `$name` alone: JSONata's variable reference, nothing else. */
const BARE_VARIABLE = /^\s*\$([A-Za-z_][A-Za-z0-9_]*)\s*$/;

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
