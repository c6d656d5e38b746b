/**
 * What a route's expressions read at run time: the SSM parameter names and S3 objects passed
 * to `$ssm`, `$ssmList` and `$s3json`, reduced to their literal part (`$ssmList('/pipeline/destination/' & $k)`
 * and the batched `$ssmList(keys.('/pipeline/destination/' & $))` read under `/pipeline/destination/`),
 * plus its `ssm` and `s3json` tables. IAM is scoped to these.
 */
import jsonata from 'jsonata';
import type { Route } from '../../schema/route.ts';
import { GeneratorError } from './errors.ts';

/** A name read as-is (`exact`) or any name starting with `prefix`. */
export interface LookupTarget {
  name: string;
  wildcard: boolean;
}

export interface RouteLookups {
  ssm: LookupTarget[];
  /** `s3://bucket/key` URIs, or prefixes of them. */
  s3json: LookupTarget[];
}

interface AstNode {
  type?: string;
  value?: unknown;
  procedure?: AstNode;
  arguments?: AstNode[];
  lhs?: AstNode;
  [key: string]: unknown;
}

const LOOKUPS: Record<string, keyof RouteLookups> = { ssm: 'ssm', ssmList: 'ssm', s3json: 's3json' };

export function lookupsOf(route: Route): RouteLookups {
  const found: RouteLookups = { ssm: [], s3json: [] };
  for (const table of Object.values(route.tables ?? {})) {
    if (table.ssm !== undefined) found.ssm.push({ name: table.ssm, wildcard: false });
    if (table.s3json !== undefined) found.s3json.push({ name: table.s3json, wildcard: false });
  }
  for (const source of expressionSources(route)) {
    let ast: AstNode;
    try {
      ast = jsonata(source).ast() as AstNode;
    } catch {
      continue; // not an expression (e.g. a Handlebars subject); `validate` reports real syntax errors
    }
    walk(ast, (fn, argument) => {
      const target = literalTarget(argument);
      if (target === undefined) {
        throw new GeneratorError(
          'UnscopableLookup',
          `$${fn}(…) in \`${source.trim()}\` reads a name with no literal start, so its permission cannot be scoped: begin the name with a literal, e.g. $${fn}('/pipeline/destination/' & $k)`,
          route.name,
        );
      }
      found[LOOKUPS[fn] ?? 'ssm'].push(target);
    });
  }
  return { ssm: unique(found.ssm), s3json: unique(found.s3json) };
}

/** Every string of the route that mentions a lookup function (only those can matter here). */
function expressionSources(route: Route): string[] {
  const sources: string[] = [];
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      if (/\$(ssm|ssmList|s3json)\s*\(/.test(value)) sources.push(value.startsWith('=') ? value.slice(1) : value);
    } else if (Array.isArray(value)) value.forEach(visit);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(visit);
  };
  visit(route);
  return sources;
}

function walk(node: unknown, onLookup: (fn: string, argument: AstNode | undefined) => void): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, onLookup);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const n = node as AstNode;
  const name = n.type === 'function' ? n.procedure?.value : undefined;
  if (typeof name === 'string' && name in LOOKUPS) onLookup(name, n.arguments?.[0]);
  for (const child of Object.values(n)) if (typeof child === 'object') walk(child, onLookup);
}

function literalTarget(argument: AstNode | undefined): LookupTarget | undefined {
  if (argument?.type === 'string' && typeof argument.value === 'string') return { name: argument.value, wildcard: false };
  // A list of names built by a path ending in a block, `keys.('/pipeline/destination/' & $)`:
  // every name the list holds is what that block makes of one item.
  const steps = argument?.type === 'path' && Array.isArray(argument.steps) ? (argument.steps as AstNode[]) : undefined;
  const last = steps?.[steps.length - 1];
  if (last?.type === 'block' && Array.isArray(last.expressions) && last.expressions.length === 1) {
    return literalTarget(last.expressions[0] as AstNode);
  }
  let node = argument;
  while (node?.type === 'binary' && node.value === '&') {
    const lhs = node.lhs;
    if (lhs?.type === 'string' && typeof lhs.value === 'string') return lhs.value === '' ? undefined : { name: lhs.value, wildcard: true };
    node = lhs;
  }
  return undefined;
}

function unique(targets: LookupTarget[]): LookupTarget[] {
  const seen = new Map<string, LookupTarget>();
  for (const t of targets) seen.set(`${t.wildcard ? '*' : '='}${t.name}`, t);
  return [...seen.values()].sort((a, b) => a.name.localeCompare(b.name) || Number(a.wildcard) - Number(b.wildcard));
}
