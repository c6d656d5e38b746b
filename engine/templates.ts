/**
 * The Handlebars environment for email bodies, subjects and failure notifications: one
 * isolated instance with a few helpers, so routes render the same in the Lambda, dry-run and tests.
 */
import Handlebars from 'handlebars';
import { registerTemplateHelpers } from './template-helpers.ts';

export const templates = Handlebars.create();

registerTemplateHelpers(templates);

export type Template = Handlebars.TemplateDelegate;

/** Handlebars' first compile stage (AST → opcodes): exported at run time, missing from its typings. */
interface OpcodeCompiler {
  compile(program: hbs.AST.Program, options: { data: boolean; knownHelpers: Record<string, boolean>; knownHelpersOnly: boolean }): unknown;
}
const { Compiler } = templates as unknown as { Compiler: new () => OpcodeCompiler };

/** Handlebars' own helpers that a template may use, and ours; its `*Missing` hooks are not for templates. */
export function templateHelperNames(): string[] {
  return Object.keys(templates.helpers).filter((name) => !name.endsWith('Missing'));
}

/**
 * Throws with Handlebars' own message when the text does not parse or compile, or when it
 * calls a helper that is not registered (which would otherwise pass here and throw `Missing
 * helper` only when rendered, e.g. in a failure notification). It runs the two stages that
 * find errors (parse, then AST → opcodes) and skips precompile's last one, which only writes
 * the opcodes out as JavaScript: that stage is most of the cost of loading a route set (about
 * 25 ms of a cold CLI start for the seed templates, a third of each template after).
 */
export function checkTemplate(text: string): void {
  const knownHelpers = Object.fromEntries(templateHelperNames().map((name) => [name, true]));
  const program = templates.parse(text);
  const partial = firstPartial(program);
  if (partial) throw new PartialNotAvailable(partial.name, partial.loc.start.line, partial.loc.start.column);
  new Compiler().compile(program, { data: true, knownHelpers, knownHelpersOnly: true });
}

/** `{{> name}}`: Switchyard registers no partials, so rendering would fail with `The partial … could not be found`. */
export class PartialNotAvailable extends Error {
  constructor(
    readonly partial: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`the partial {{> ${partial}}} is not available`);
    this.name = 'PartialNotAvailable';
  }
}

function firstPartial(program: hbs.AST.Program): { name: string; loc: hbs.AST.SourceLocation } | undefined {
  let found: { name: string; loc: hbs.AST.SourceLocation } | undefined;
  const visitor = new Handlebars.Visitor();
  const note = (partial: hbs.AST.PartialStatement | hbs.AST.PartialBlockStatement): void => {
    const name = partial.name.type === 'PathExpression' ? (partial.name as hbs.AST.PathExpression).original : 'dynamic';
    found ??= { name, loc: partial.loc };
  };
  visitor.PartialStatement = note;
  visitor.PartialBlockStatement = note;
  visitor.accept(program);
  return found;
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
