/**
 * Handlebars' parse errors are written for its own developers ("Expecting 'CLOSE_RAW_BLOCK',
 * 'CLOSE', … got 'INVALID'" over four lines). This says the same in one line, with where.
 */
import { PartialNotAvailable, templateHelperNames } from '../templates.ts';

export interface TemplateProblem {
  message: string;
  /** 1-based line inside the template, when Handlebars says. */
  line?: number;
  /** 0-based column inside that line, when Handlebars says. */
  column?: number;
  /** What to change, when it is more specific than the Handlebars guide. */
  hint?: string;
}

export function describeTemplateError(error: unknown): TemplateProblem {
  if (error instanceof PartialNotAvailable) {
    return {
      message: `line ${error.line}, column ${error.column + 1}: uses the partial {{> ${error.partial}}}, but Switchyard registers no partials (rendering would fail)`,
      line: error.line,
      column: error.column,
      hint: 'write the text into the template itself',
    };
  }
  const text = error instanceof Error ? error.message : String(error);
  const parse = /^Parse error on line (\d+):\n.*\n(-*)\^\n.*got '([^']+)'/.exec(text);
  if (parse) {
    const [, line, dashes, got] = parse;
    const what =
      got === 'EOF'
        ? 'the template ends inside a block ({{/…}} is missing)'
        : got === 'INVALID'
          ? "a tag is not closed with '}}'"
          : `unexpected ${got?.toLowerCase().replace(/_/g, ' ')}`;
    return { message: `line ${line}: ${what}`, line: Number(line), column: dashes?.length ?? 0 };
  }
  const unknownHelper = /^You specified knownHelpersOnly, but used the unknown helper (\S+) - (\d+):(\d+)$/.exec(text);
  if (unknownHelper) {
    const [, name, line, column] = unknownHelper;
    return {
      message: `line ${line}, column ${Number(column) + 1}: calls helper '${name}', which Switchyard does not have (rendering would fail with 'Missing helper')`,
      line: Number(line),
      column: Number(column),
      hint: `the helpers are ${templateHelperNames().join(', ')}; anything else has to be a value of the template's data`,
    };
  }
  const mismatch = /^(\S+) doesn't match (\S+) - (\d+):(\d+)$/.exec(text);
  if (mismatch) {
    const [, opened, closed, line] = mismatch;
    return { message: `line ${line}: {{#${opened}}} is closed by {{/${closed}}}`, line: Number(line) };
  }
  return { message: text.split('\n')[0] ?? text };
}
