/**
 * Turns the yaml library's parse errors into diagnostics for the person editing the file:
 * an unclosed bracket or quote is reported where it was opened (not where the parser gave up),
 * an indentation error points at the line that is indented wrongly, and one mistake that the
 * parser reports several times on one line is reported once.
 */
import { isCollection, isScalar, visit, type Document, type YAMLError } from 'yaml';
import { diagnostic, type Diagnostic, type Position } from './diagnostic.ts';

interface Explained {
  offset: number;
  message: string;
  hint?: string;
}

export function yamlErrorDiagnostics(file: string, text: string, doc: Document, at: (offset: number) => Position): Diagnostic[] {
  const errors = doc.errors;
  // A key running over two lines is reported twice by the parser, at the same offset.
  const multiline = new Set(errors.filter((e) => e.code === 'MULTILINE_IMPLICIT_KEY').map((e) => e.pos[0]));
  const out: Diagnostic[] = [];
  const lines = new Set<number>();
  for (const error of errors) {
    if (error.code === 'BLOCK_AS_IMPLICIT_KEY' && multiline.has(error.pos[0])) continue;
    const d =
      error.code === 'DUPLICATE_KEY'
        ? duplicateKey(file, text, error, at)
        : syntaxError(file, explain(error, text, doc), error.code === 'TAB_AS_INDENT', text, at);
    if (lines.has(d.position.line)) continue;
    lines.add(d.position.line);
    out.push(d);
  }
  return out;
}

function duplicateKey(file: string, text: string, error: YAMLError, at: (offset: number) => Position): Diagnostic {
  const key = /^\s*["']?([^"':\n]+)["']?\s*:/.exec(text.slice(error.pos[0]))?.[1]?.trim();
  return diagnostic('SY002', file, at(error.pos[0]), `duplicate key${key ? ` '${key}'` : ''}`, 'each key may appear once in a mapping: remove or merge the repeated one');
}

function syntaxError(file: string, e: Explained, keepWhitespace: boolean, text: string, at: (offset: number) => Position): Diagnostic {
  const offset = keepWhitespace ? e.offset : skipIndentation(text, e.offset);
  return diagnostic('SY001', file, at(offset), e.message, e.hint);
}

function explain(error: YAMLError, text: string, doc: Document): Explained {
  const offset = error.pos[0];
  const first = error.message.split('\n')[0] ?? error.message;
  const plain = `YAML syntax error: ${first.charAt(0).toLowerCase()}${first.slice(1)}`;
  switch (error.code) {
    case 'TAB_AS_INDENT':
      return { offset, message: 'tabs are not allowed for indentation in YAML', hint: 'indent with spaces' };
    case 'MULTIPLE_DOCS':
      return { offset, message: 'a route file holds one route, but this one has several YAML documents (---)', hint: 'put each route in a file of its own' };
    case 'MULTILINE_IMPLICIT_KEY': {
      const startLine = lineOf(text, offset);
      const next = text.indexOf('\n', offset);
      if (next === -1 || next >= error.pos[1]) break;
      if (indentOf(text, next + 1) <= indentOf(text, offset)) {
        return { offset, message: "this line has no ':' after its key, so YAML reads the next line as part of the key", hint: "write 'key: value', with a space after the colon" };
      }
      return {
        offset: next + 1,
        message: `YAML reads this line as part of the key on line ${startLine + 1}: it is indented more than the keys above it, or line ${startLine + 1} lacks a ':'`,
        hint: 'keys of one mapping must line up in the same column',
      };
    }
    case 'BLOCK_AS_IMPLICIT_KEY':
      return { offset, message: `${plain} (is a line indented wrongly, or does a value contain ': '?)`, hint: "line keys up in one column; quote a value that contains ': '" };
    case 'BAD_INDENT': {
      const unclosed = /^Flow (sequence|map) .* end with a ([\]}])/.exec(first);
      if (unclosed) return unclosedFlow(doc, offset, unclosed[1] === 'map' ? '{' : '[', unclosed[2] ?? ']');
      return { offset, message: plain, hint: 'keys of one mapping must line up in the same column' };
    }
    case 'MISSING_CHAR': {
      const quote = /^Missing closing (["'])quote/.exec(first)?.[1];
      if (quote) return unclosedQuote(doc, offset, quote);
      if (/^Implicit map keys need to be followed by map values/.test(first)) {
        return { offset, message: "expected 'key: value', but this line has no ':' after its key", hint: "write 'key: value', with a space after the colon" };
      }
      return { offset, message: plain, hint: 'check for an unclosed bracket or quote' };
    }
    case 'UNEXPECTED_TOKEN':
      return { offset, message: plain, hint: 'check for an unclosed bracket or quote, or one too many' };
    case 'BAD_SCALAR_START':
      return { offset, message: plain, hint: 'quote the value' };
    default:
      break;
  }
  return { offset, message: plain };
}

/** The flow collection the parser was still inside when it gave up ends exactly where the error is. */
function unclosedFlow(doc: Document, offset: number, open: string, close: string): Explained {
  let start: number | undefined;
  visit(doc, {
    Node(_, node) {
      if (isCollection(node) && node.flow && node.range?.[1] === offset) start = node.range[0];
    },
  });
  const what = open === '[' ? 'list' : 'mapping';
  return {
    offset: start ?? offset,
    message: `unclosed '${open}': the ${what} that starts here is never closed with '${close}'`,
    hint: `close it with '${close}' before the end of the line, or write it as an indented block`,
  };
}

function unclosedQuote(doc: Document, offset: number, quote: string): Explained {
  let start: number | undefined;
  visit(doc, {
    Scalar(_, node) {
      const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
      if (quoted && node.range?.[1] === offset && isScalar(node)) start = node.range[0];
    },
  });
  return {
    offset: start ?? offset,
    message: `unclosed ${quote} quote: the string that starts here runs to the end of the file`,
    hint: `close it with ${quote} on the same line`,
  };
}

/** Leading spaces of the line holding `offset`. */
function indentOf(text: string, offset: number): number {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return /^ */.exec(text.slice(start))?.[0].length ?? 0;
}

function lineOf(text: string, offset: number): number {
  let line = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line += 1;
  return line;
}

/** Errors the parser places at the start of a line point at its first character instead. */
function skipIndentation(text: string, offset: number): number {
  let i = offset;
  while (text[i] === ' ') i += 1;
  return text[i] === undefined || text[i] === '\n' || text[i] === '\r' ? offset : i;
}
