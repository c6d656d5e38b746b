/**
 * The recursion `validate` can see in an expression, before it fails at run time:
 * - a `let` value calling its own name or a later one: a function defined in `let` cannot see
 *   itself (the value does not exist yet when the function is made), so `$x(…)` inside `let.x`
 *   fails at run time with a confusing JSONata error (T1006, or "Cannot set properties of
 *   undefined (setting 'token')" for a call in tail position);
 * - a function bound inside the expression (`$f := function(…) { … $f(…) … }`) that calls itself
 *   with no condition on the way: it can never stop.
 */
import type { DiagnosticCode } from './codes.ts';
import type { Expression } from './expressions.ts';

export interface RecursionProblem {
  code: DiagnosticCode;
  /** 0-based offset in the expression source of the offending call, when JSONata gives one. */
  offset?: number;
  message: string;
  hint: string;
}

interface Node {
  type?: string;
  value?: unknown;
  position?: number;
  [key: string]: unknown;
}

/** `path` is where the expression sits in the route (`['let', 'x']` for a let value); `letNames` in their order. */
export function recursionProblems(expression: Expression, path: ReadonlyArray<string | number>, letNames: readonly string[]): RecursionProblem[] {
  const problems: RecursionProblem[] = [];
  const ast = expression.ast() as Node;
  if (path[0] === 'let' && typeof path[1] === 'string') {
    const own = path[1];
    const later = letNames.slice(letNames.indexOf(own) + 1);
    for (const call of calls(ast)) {
      if (call.name !== own && !later.includes(call.name)) continue;
      if (call.boundInside) continue;
      const itself = call.name === own;
      problems.push({
        code: 'SY050',
        ...(call.offset !== undefined ? { offset: call.offset } : {}),
        message: itself
          ? `let.${own} calls itself ($${own}): a let value cannot see its own name, so this recursion fails at run time`
          : `let.${own} calls $${call.name}, which is defined later in let and does not exist yet when let.${own} is evaluated`,
        hint: itself
          ? `bind the function inside the expression and recurse on that name: ($f := function($n) { $n <= 0 ? … : $f($n - 1) }; $f(…))`
          : `move ${call.name} above ${own} in let`,
      });
    }
  }
  for (const bound of boundFunctions(ast)) {
    const unconditional = calls(bound.body, false).find((call) => call.name === bound.name && !call.conditional);
    if (!unconditional) continue;
    problems.push({
      code: 'SY051',
      ...(unconditional.offset !== undefined ? { offset: unconditional.offset } : {}),
      message: `function $${bound.name} calls itself on every path: it never ends (at run time it stops at the expression time or depth limit)`,
      hint: `put the recursive call behind a condition that ends it, e.g. $n <= 0 ? result : $${bound.name}($n - 1)`,
    });
  }
  return problems;
}

interface Call {
  name: string;
  offset?: number;
  /** Under a `? :` branch, or the right side of `and`/`or`: not taken on every path. */
  conditional: boolean;
  /** The name is bound inside the expression (`$x := …`) or a parameter, so it is not the let value. */
  boundInside: boolean;
}

function calls(root: unknown, conditionalStart = false): Call[] {
  const found: Call[] = [];
  const walk = (node: unknown, conditional: boolean, declared: ReadonlySet<string>): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const child of node) walk(child, conditional, declared);
      return;
    }
    const n = node as Node;
    let inScope = declared;
    if (n.type === 'lambda' && Array.isArray(n.arguments)) {
      inScope = new Set([...declared, ...(n.arguments as Node[]).flatMap((a) => (typeof a.value === 'string' ? [a.value] : []))]);
    }
    if (n.type === 'block' && Array.isArray(n.expressions)) {
      const names = (n.expressions as Node[]).flatMap((e) => (e.type === 'bind' && typeof (e.lhs as Node | undefined)?.value === 'string' ? [String((e.lhs as Node).value)] : []));
      inScope = new Set([...declared, ...names]);
    }
    if (n.type === 'function' || n.type === 'partial') {
      const procedure = n.procedure as Node | undefined;
      if (procedure?.type === 'variable' && typeof procedure.value === 'string') {
        // A variable's position is just past its name; its `$` comes before the name.
        const offset = typeof procedure.position === 'number' ? Math.max(0, procedure.position - procedure.value.length - 1) : undefined;
        found.push({ name: procedure.value, ...(offset !== undefined ? { offset } : {}), conditional, boundInside: inScope.has(procedure.value) });
      }
    }
    // A function that is only made here (not a tail-call thunk) runs only if someone calls it.
    const deferred = n.type === 'lambda' && n.thunk !== true;
    for (const [key, child] of Object.entries(n)) {
      if (key === 'procedure' || typeof child !== 'object') continue;
      if (n.type === 'path' && key === 'steps' && Array.isArray(child)) {
        // Steps after the first run once per item of the step before: none for an empty sequence.
        child.forEach((step: unknown, i) => walk(step, conditional || i > 0, inScope));
        continue;
      }
      const branch =
        (n.type === 'condition' && (key === 'then' || key === 'else')) ||
        (n.type === 'binary' && (n.value === 'and' || n.value === 'or') && key === 'rhs') ||
        key === 'stages' ||
        key === 'predicate' ||
        deferred;
      walk(child, conditional || branch, inScope);
    }
  };
  walk(root, conditionalStart, new Set());
  return found;
}

/** `$f := function(…) { body }` anywhere in the expression. */
function boundFunctions(root: unknown): Array<{ name: string; body: unknown }> {
  const found: Array<{ name: string; body: unknown }> = [];
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(walk);
    const n = node as Node;
    const lhs = n.lhs as Node | undefined;
    const rhs = n.rhs as Node | undefined;
    if (n.type === 'bind' && typeof lhs?.value === 'string' && rhs?.type === 'lambda') found.push({ name: lhs.value, body: rhs.body });
    for (const child of Object.values(n)) if (typeof child === 'object') walk(child);
  };
  walk(root);
  return found;
}
