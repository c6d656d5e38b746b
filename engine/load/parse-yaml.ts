/**
 * Parses one route file into plain data while keeping the positions of its nodes, so that
 * every later check (schema, semantics) can point at the line the operator has to change.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import { decodeRouteText } from './decode-text.ts';
import { diagnostic, START, type Diagnostic, type Position } from './diagnostic.ts';
import { yamlErrorDiagnostics } from './yaml-errors.ts';

export type PathSegment = string | number;

export interface ParsedFile {
  file: string;
  value: unknown;
  /** Position of the node at `path`, or of the nearest enclosing node that exists. */
  positionOf(path: readonly PathSegment[]): Position;
  /** Position of the key (not the value) of the entry `path`; falls back to `positionOf`. */
  keyPositionOf(path: readonly PathSegment[]): Position;
  /**
   * Where the `occurrence`-th (0-based) copy of `needle` sits in the source text of the scalar at
   * `path`, to point inside an expression. Quoting and folding only change whitespace and quotes,
   * so a token without spaces is found as written; undefined when it is not found.
   */
  positionInScalar(path: readonly PathSegment[], needle: string, occurrence: number): Position | undefined;
}

export type ParseResult = { ok: true; parsed: ParsedFile } | { ok: false; diagnostics: Diagnostic[] };

const MAX_ALIASES = 100;

export function parseRouteYaml(file: string, bytes: Buffer | string): ParseResult {
  const text = decodeRouteText(file, bytes);
  if (typeof text !== 'string') return { ok: false, diagnostics: [text] };
  if (onlyCommentsAndBlankLines(text)) return fail(emptyFile(file));

  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  const at = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line: line - 1, col: col - 1 };
  };

  const problems = yamlErrorDiagnostics(file, text, doc, at);
  if (problems.length > 0) return { ok: false, diagnostics: problems };

  const aliasProblems = checkAliases(file, doc, at);
  if (aliasProblems.length > 0) return { ok: false, diagnostics: aliasProblems };

  const contents = doc.contents;
  if (contents === null || (isScalar(contents) && contents.range?.[0] === contents.range?.[1])) return fail(emptyFile(file));

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

  return { ok: true, parsed: positionsFor(file, text, doc, value, at) };
}

function fail(d: Diagnostic): ParseResult {
  return { ok: false, diagnostics: [d] };
}

/** Line by line, not one regular expression: a banner of many '#' made a regex backtrack for minutes. */
function onlyCommentsAndBlankLines(text: string): boolean {
  return text.split('\n').every((line) => {
    const trimmed = line.trim();
    return trimmed === '' || trimmed.startsWith('#');
  });
}

function emptyFile(file: string): Diagnostic {
  return diagnostic('SY004', file, START, 'route file is empty', 'write a route (name, source, actions) or delete the file');
}

/** Every alias without an anchor, and at most one alias-bomb report (expansion is refused). */
function checkAliases(file: string, doc: Document, at: (offset: number) => Position): Diagnostic[] {
  const problems: Diagnostic[] = [];
  let count = 0;
  visit(doc, {
    Alias(_, node) {
      count += 1;
      const position = at(node.range?.[0] ?? 0);
      if (!node.resolve(doc)) {
        problems.push(diagnostic('SY003', file, position, `alias *${node.source} refers to no anchor`, `define &${node.source} before this line, or write the value out`));
        return undefined;
      }
      if (count > MAX_ALIASES) {
        problems.push(diagnostic('SY003', file, position, `more than ${MAX_ALIASES} aliases: refusing to expand (this looks like an alias bomb)`, 'write the values out instead of nesting aliases'));
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return problems;
}

function positionsFor(file: string, text: string, doc: Document, value: unknown, at: (offset: number) => Position): ParsedFile {
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
    positionInScalar: (path, needle, occurrence) => {
      const { node } = nodeAt(path);
      if (!isScalar(node) || !node.range || needle === '') return undefined;
      const raw = text.slice(node.range[0], node.range[1]);
      let found = -1;
      for (let n = 0; n <= occurrence; n++) {
        found = raw.indexOf(needle, found + 1);
        if (found === -1) return undefined;
      }
      return at(node.range[0] + found);
    },
  };
}
