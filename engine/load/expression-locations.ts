/**
 * Where each compiled expression came from (route, field, file and line), so an expression that
 * fails at run time — above all one stopped by the evaluation limits — can name its place in the
 * route file. Filled once per container by the compiler; a WeakMap, so it holds nothing alive.
 */
import type { Expression } from './expressions.ts';

export interface ExpressionLocation {
  route: string;
  /** The route field, e.g. `let.change` or `actions[1].sqs.queue`. */
  field: string;
  file: string;
  /** 1-based, as printed. */
  line: number;
}

const locations = new WeakMap<Expression, ExpressionLocation>();

export function locateExpression(expression: Expression, route: string, file: string, path: ReadonlyArray<string | number>, line0: number): void {
  locations.set(expression, { route, field: fieldName(path), file, line: line0 + 1 });
}

export function expressionLocation(expression: Expression): ExpressionLocation | undefined {
  return locations.get(expression);
}

function fieldName(path: ReadonlyArray<string | number>): string {
  return path.map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : i === 0 ? segment : `.${segment}`)).join('');
}
