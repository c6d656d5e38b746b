/**
 * JSONata in route files: which strings are expressions, compiling them once, and finding the
 * variables and functions they use (so a typo like `$custmer` is caught by `validate`, not at 2 a.m.).
 */
import jsonata from 'jsonata';

export type Expression = ReturnType<typeof jsonata>;

/** A `Value` field: a literal, or an expression when it starts with `$` or `=`. */
export type CompiledValue =
  | { kind: 'literal'; value: string }
  | { kind: 'expression'; source: string; expression: Expression };

export const CONTEXT_VARIABLES = [
  'bucket',
  'key',
  'size',
  'etag',
  'versionId',
  'eventTime',
  'eventName',
  'event',
  'route',
  'tags',
  'destinationBuckets',
] as const;

export const LOOKUP_FUNCTIONS = ['ssm', 'ssmList', 's3json', 'objectJson', 'objectText'] as const;

const JSONATA_FUNCTIONS = new Set(
  (
    'sum count max min average string substring substringBefore substringAfter lowercase uppercase length trim pad ' +
    'match contains replace split join formatNumber formatBase formatInteger parseInteger number floor ceil round abs ' +
    'sqrt power random boolean not map zip filter single reduce sift keys lookup append exists spread merge reverse each ' +
    'error assert type sort shuffle distinct base64encode base64decode encodeUrlComponent encodeUrl decodeUrlComponent ' +
    'decodeUrl eval toMillis fromMillis clone now millis'
  ).split(' '),
);

export function isExpressionValue(value: string): boolean {
  return value.startsWith('$') || value.startsWith('=');
}

export function expressionSourceOf(value: string): string {
  return value.startsWith('=') ? value.slice(1) : value;
}

export interface ExpressionProblem {
  message: string;
  /** 0-based offset of the offending token inside the expression source, when JSONata gives one. */
  offset?: number;
}

/**
 * Guard rails for every evaluation (jsonata's D1011/D1012): an expression with a runaway loop
 * or recursion fails that event instead of hanging the function. The timeout includes the
 * lookups the expression awaits (SSM, S3), so it is generous.
 */
export const EVALUATION_LIMITS = { timeout: 10_000, stack: 250 };

/** The text each compiled expression came from: the Lambda bundle carries text, not closures. */
const expressionSources = new WeakMap<Expression, string>();

export function sourceOfExpression(expression: Expression): string | undefined {
  return expressionSources.get(expression);
}

export function compileExpression(source: string): Expression | ExpressionProblem {
  try {
    const expression = jsonata(source, EVALUATION_LIMITS);
    expressionSources.set(expression, source);
    return expression;
  } catch (error) {
    const e = error as { message?: string; position?: number; code?: string; token?: unknown };
    // JSONata's position is just past the offending token; report where the token starts.
    const tokenLength = typeof e.token === 'string' || typeof e.token === 'number' ? String(e.token).length : 1;
    const offset = e.code === 'S0101' ? unterminatedStringStart(source) : typeof e.position === 'number' ? Math.max(0, e.position - tokenLength) : undefined;
    return { message: `${e.message ?? 'invalid expression'}${e.code ? ` (${e.code})` : ''}`, ...(offset !== undefined ? { offset } : {}) };
  }
}

/** The opening quote of a string literal that is never closed (JSONata reports the end of the text). */
function unterminatedStringStart(source: string): number | undefined {
  let open: number | undefined;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (open === undefined) {
      if (c === '"' || c === "'") open = i;
    } else if (c === '\\') i += 1;
    else if (c === source[open]) open = undefined;
  }
  return open;
}

export function isProblem(value: Expression | ExpressionProblem): value is ExpressionProblem {
  return typeof (value as Expression).evaluate !== 'function';
}

interface AstNode {
  type?: string;
  value?: unknown;
  position?: number;
  focus?: string;
  index?: string;
  [key: string]: unknown;
}

/** Each name with the 0-based offset of its first use (its `$`) in the expression source. */
export interface ExpressionNames {
  variables: Map<string, number>;
  functions: Map<string, number>;
}

/** Free variables and called functions of an expression (names declared inside it are excluded). */
export function namesUsedBy(expression: Expression): ExpressionNames {
  const used = new Map<string, number>();
  const declared = new Set<string>();
  const functions = new Map<string, number>();
  const note = (names: Map<string, number>, name: string, position: number | undefined): void => {
    // A variable node's position is just past its name; `$` comes before the name.
    const start = typeof position === 'number' ? Math.max(0, position - name.length - 1) : 0;
    if (!names.has(name) || start < (names.get(name) ?? 0)) names.set(name, start);
  };
  const walk = (node: unknown, asProcedure: boolean): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item, false);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const n = node as AstNode;
    if (n.type === 'variable' && typeof n.value === 'string') {
      note(asProcedure ? functions : used, n.value, n.position);
    }
    if (n.type === 'lambda' && Array.isArray(n.arguments)) {
      for (const arg of n.arguments as AstNode[]) if (typeof arg.value === 'string') declared.add(arg.value);
    }
    if (n.type === 'bind') {
      const lhs = n.lhs as AstNode | undefined;
      if (lhs && typeof lhs.value === 'string') declared.add(lhs.value);
    }
    if (typeof n.focus === 'string') declared.add(n.focus);
    if (typeof n.index === 'string') declared.add(n.index);
    for (const [key, child] of Object.entries(n)) {
      if (key === 'procedure') walk(child, true);
      else if (typeof child === 'object') walk(child, false);
    }
  };
  walk(expression.ast(), false);
  const variables = new Map([...used].filter(([v]) => !declared.has(v) && v !== '' && v !== '$'));
  const calledFunctions = new Map([...functions].filter(([f]) => !declared.has(f)));
  return { variables, functions: calledFunctions };
}

export function isKnownFunction(name: string, extra: Iterable<string> = []): boolean {
  return JSONATA_FUNCTIONS.has(name) || (LOOKUP_FUNCTIONS as readonly string[]).includes(name) || [...extra].includes(name);
}

/** Every function an expression may call, for did-you-mean. */
export function knownFunctionNames(): string[] {
  return [...LOOKUP_FUNCTIONS, ...JSONATA_FUNCTIONS];
}

/** The literal start of a key expression (`'archive/' & …` → `archive/`), if it has one. */
export function literalPrefixOf(expression: Expression): string | undefined {
  let node = expression.ast() as AstNode;
  for (;;) {
    if (node.type === 'string' && typeof node.value === 'string') return node.value;
    if (node.type !== 'binary' || node.value !== '&') return undefined;
    node = node.lhs as AstNode;
  }
}
