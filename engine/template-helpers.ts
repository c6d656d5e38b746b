/**
 * The helpers every route template can use. Registered on the full Handlebars (validate,
 * dry-run, tests) and on the runtime-only one the Lambda runs precompiled templates with.
 */
import type Handlebars from 'handlebars';

export function registerTemplateHelpers(env: typeof Handlebars): void {
  env.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  env.registerHelper('ne', (a: unknown, b: unknown) => a !== b);
  env.registerHelper('json', (value: unknown) => JSON.stringify(value, null, 2));
  env.registerHelper('join', (value: unknown, separator: unknown) =>
    Array.isArray(value) ? value.join(typeof separator === 'string' ? separator : ', ') : '',
  );
}
