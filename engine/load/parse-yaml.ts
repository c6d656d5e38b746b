/**
 * Parses one route file into plain data while keeping the positions of its nodes, so that
 * every later check (schema, semantics) can point at the line the operator has to change.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import { diagnostic, START, type Diagnostic, type Position } from './diagnostic.ts';

export type PathSegment = string | number;

export interface ParsedFile {
  file: string;
  value: unknown;
  /** Position of the node at `path`, or of the nearest enclosing node that exists. */
  positionOf(path: readonly PathSegment[]): Position;
  /** Position of the key (not the value) of the entry `path`; falls back to `positionOf`. */
  keyPositionOf(path: readonly PathSegment[]): Position;
  /** The scalar source text at `path` (to place errors inside an expression). */
  scalarAt(path: readonly PathSegment[]): { position: Position; blockScalar: boolean } | undefined;
}

export type ParseResult = { ok: true; parsed: ParsedFile } | { ok: false; diagnostics: Diagnostic[] };

const MAX_ALIASES = 100;

export function parseRouteYaml(file: string, bytes: Buffer | string): ParseResult {
  const text = decodeText(file, bytes);
  if (typeof text !== 'string') return { ok: false, diagnostics: [text] };
  if (text.trim() === '' || /^(\s*#.*\n?)*\s*$/.test(text)) {
    return fail(diagnostic('SY004', file, START, 'route file is empty', 'write a route (name, source, actions) or delete the file'));
  }

  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  const at = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line: line - 1, col: col - 1 };
  };

  const problems: Diagnostic[] = doc.errors.map((error) => {
    const position = at(error.pos[0]);
    if (error.code === 'DUPLICATE_KEY') {
      const key = duplicateKeyName(text, error.pos[0]);
      return diagnostic('SY002', file, position, `duplicate key${key ? ` '${key}'` : ''}`, 'each key may appear once in a mapping: remove or merge the repeated one');
    }
    return diagnostic('SY001', file, position, yamlMessage(error.code, error.message), yamlHint(error.code));
  });
  if (problems.length > 0) return { ok: false, diagnostics: problems };

  const aliasProblem = checkAliases(file, doc, at);
  if (aliasProblem) return fail(aliasProblem);

  if (!isMap(doc.contents)) {
    const position = doc.contents ? at(doc.contents.range?.[0] ?? 0) : START;
    const kind = isSeq(doc.contents) ? 'a list' : isScalar(doc.contents) ? 'a single value' : 'not a mapping';
    return fail(diagnostic('SY005', file, position, `a route file must be a mapping of keys (name, source, match, actions, …), but this one is ${kind}`));
  }

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (error) {
    return fail(diagnostic('SY003', file, START, `YAML aliases could not be expanded: ${(error as Error).message}`));
  }

  return { ok: true, parsed: positionsFor(file, doc, value, at) };
}

function fail(d: Diagnostic): ParseResult {
  return { ok: false, diagnostics: [d] };
}

function decodeText(file: string, bytes: Buffer | string): string | Diagnostic {
  if (typeof bytes === 'string') return bytes;
  if (bytes.includes(0)) {
    return diagnostic('SY006', file, START, 'file holds binary data (NUL bytes), not YAML text', 'is this the right file? route files are UTF-8 YAML');
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    const offset = firstInvalidUtf8(bytes);
    const before = bytes.subarray(0, offset).toString('latin1');
    const line = before.split('\n').length - 1;
    const col = offset - (before.lastIndexOf('\n') + 1);
    return diagnostic('SY006', file, { line, col }, 'file is not valid UTF-8', 'save the file as UTF-8');
  }
}

function firstInvalidUtf8(bytes: Buffer): number {
  for (let end = 1; end <= bytes.length; end++) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, end), { stream: true });
    } catch {
      return end - 1;
    }
  }
  return 0;
}

function checkAliases(file: string, doc: Document, at: (offset: number) => Position): Diagnostic | undefined {
  let problem: Diagnostic | undefined;
  let count = 0;
  visit(doc, {
    Alias(_, node) {
      count += 1;
      const position = at(node.range?.[0] ?? 0);
      if (!node.resolve(doc)) {
        problem = diagnostic('SY003', file, position, `alias *${node.source} refers to no anchor`, `define &${node.source} before this line, or write the value out`);
        return visit.BREAK;
      }
      if (count > MAX_ALIASES) {
        problem = diagnostic('SY003', file, position, `more than ${MAX_ALIASES} aliases: refusing to expand (this looks like an alias bomb)`, 'write the values out instead of nesting aliases');
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return problem;
}

function duplicateKeyName(text: string, offset: number): string | undefined {
  const match = /^\s*["']?([^"':\n]+)["']?\s*:/.exec(text.slice(offset));
  return match?.[1]?.trim();
}

function yamlMessage(code: string, message: string): string {
  const first = message.split('\n')[0] ?? message;
  switch (code) {
    case 'TAB_AS_INDENT':
      return 'tabs are not allowed for indentation in YAML';
    case 'MULTIPLE_DOCS':
      return 'a route file holds one route, but this one has several YAML documents (---)';
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY':
      return `YAML syntax error: ${first.charAt(0).toLowerCase()}${first.slice(1)} (is a line indented wrongly?)`;
    default:
      return `YAML syntax error: ${first.charAt(0).toLowerCase()}${first.slice(1)}`;
  }
}

function yamlHint(code: string): string | undefined {
  switch (code) {
    case 'TAB_AS_INDENT':
      return 'indent with spaces';
    case 'MULTIPLE_DOCS':
      return 'put each route in a file of its own';
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY':
    case 'BAD_INDENT':
      return 'keys of one mapping must line up in the same column';
    case 'MISSING_CHAR':
    case 'UNEXPECTED_TOKEN':
      return 'check for an unclosed bracket or quote';
    default:
      return undefined;
  }
}

function positionsFor(file: string, doc: Document, value: unknown, at: (offset: number) => Position): ParsedFile {
  const nodeAt = (path: readonly PathSegment[]): { node: Node | undefined; keyNode: Node | undefined } => {
    let node: unknown = doc.contents;
    let keyNode: Node | undefined;
    for (const segment of path) {
      if (isAlias(node)) node = node.resolve(doc);
      if (isMap(node)) {
        const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
        if (!pair) return { node: node as Node, keyNode: undefined };
        keyNode = pair.key as Node;
        node = pair.value ?? pair.key;
      } else if (isSeq(node) && typeof segment === 'number' && node.items[segment] !== undefined) {
        keyNode = undefined;
        node = node.items[segment];
      } else {
        return { node: node as Node | undefined, keyNode: undefined };
      }
    }
    return { node: node as Node | undefined, keyNode };
  };
  const offsetOf = (node: Node | undefined): number => node?.range?.[0] ?? 0;
  return {
    file,
    value,
    positionOf: (path) => at(offsetOf(nodeAt(path).node)),
    keyPositionOf: (path) => {
      const { node, keyNode } = nodeAt(path);
      return at(offsetOf(keyNode ?? node));
    },
    scalarAt: (path) => {
      const { node } = nodeAt(path);
      if (!isScalar(node)) return undefined;
      const blockScalar = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
      return { position: at(offsetOf(node)), blockScalar };
    },
  };
}
