/** Evaluating a compiled expression, turning every failure into an ActionError of class `config`. */
import { ActionError, errorMessage } from '../errors.ts';
import type { Expression } from '../load/expressions.ts';

export type Bindings = Record<string, unknown>;

export async function evaluate(expression: Expression, bindings: Bindings, what: string): Promise<unknown> {
  try {
    return await expression.evaluate({}, bindings);
  } catch (error) {
    if (error instanceof ActionError) throw error;
    const e = error as { code?: string; message?: string };
    const message = e.message ?? errorMessage(error);
    // $error('…') in a route is the route author speaking: pass the message on unchanged.
    const text = e.code === 'D3137' ? message : `${what} failed: ${message}${e.code ? ` (${e.code})` : ''}`;
    throw new ActionError(e.code === 'D3137' ? 'RouteError' : 'ExpressionError', text, 'config', {}, { cause: error });
  }
}

/** JSONata sequences are arrays with extra markers; give callers plain data. */
export function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  return value;
}

/** A value that must be a string (bucket, queue, address…); undefined/null stays undefined. */
export function asOptionalString(value: unknown, what: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new ActionError('RouteError', `${what} must be a string, but the expression gave ${JSON.stringify(value)?.slice(0, 80)}`, 'config');
}

/** Flattens nested lists of strings (an expression may yield a name, a list, or lists of lists). */
export function asStringList(value: unknown, what: string): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.flatMap((v) => asStringList(v, what));
  const single = asOptionalString(value, what);
  return single === undefined || single === '' ? [] : [single];
}
