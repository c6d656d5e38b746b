/**
 * The Handlebars environment for email bodies, subjects and failure notifications: one
 * isolated instance with a few helpers, so routes render the same in the Lambda, dry-run and tests.
 */
import Handlebars from 'handlebars';
import { registerTemplateHelpers } from './template-helpers.ts';

export const templates = Handlebars.create();

registerTemplateHelpers(templates);

export type Template = Handlebars.TemplateDelegate;

/** Throws with Handlebars' own message when the text does not parse. */
export function checkTemplate(text: string): void {
  templates.precompile(text);
}

/** The text and escaping of each compiled template: the Lambda bundle carries those, not closures. */
const templateSources = new WeakMap<Template, TemplateSource>();

export interface TemplateSource {
  text: string;
  escapeHtml: boolean;
}

export function sourceOfTemplate(template: Template): TemplateSource | undefined {
  return templateSources.get(template);
}

export function compileTemplate(text: string, escapeHtml: boolean): Template {
  const template = templates.compile(text, templateOptions(escapeHtml));
  templateSources.set(template, { text, escapeHtml });
  return template;
}

/** The compile options of every route template; precompiled bundle templates use the same. */
export function templateOptions(escapeHtml: boolean): { noEscape: boolean; strict: boolean } {
  return { noEscape: !escapeHtml, strict: false };
}
