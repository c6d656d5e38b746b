/**
 * The Handlebars environment for email bodies, subjects and failure notifications: one
 * isolated instance with a few helpers, so routes render the same in the Lambda, dry-run and tests.
 */
import Handlebars from 'handlebars';

export const templates = Handlebars.create();

templates.registerHelper('eq', (a: unknown, b: unknown) => a === b);
templates.registerHelper('ne', (a: unknown, b: unknown) => a !== b);
templates.registerHelper('json', (value: unknown) => JSON.stringify(value, null, 2));
templates.registerHelper('join', (value: unknown, separator: unknown) =>
  Array.isArray(value) ? value.join(typeof separator === 'string' ? separator : ', ') : '',
);

export type Template = Handlebars.TemplateDelegate;

/** Throws with Handlebars' own message when the text does not parse. */
export function checkTemplate(text: string): void {
  templates.precompile(text);
}

export function compileTemplate(text: string, escapeHtml: boolean): Template {
  return templates.compile(text, { noEscape: !escapeHtml, strict: false });
}
