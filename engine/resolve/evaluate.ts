/** Evaluating a compiled expression, turning every failure into an ActionError of class `config`. */
import { ActionError, errorMessage } from '../errors.ts';
import { expressionLocation, type ExpressionLocation } from '../load/expression-locations.ts';
import { EVALUATION_LIMITS, type Expression } from '../load/expressions.ts';

export type Bindings = Record<string, unknown>;

/** JSONata's guard-rail errors (engine/load/expressions.ts sets the limits on every expression). */
const LIMIT_ERRORS: Record<string, (limit: unknown) => string> = {
  D1011: (limit) => `went deeper than the expression depth limit of ${String(limit ?? EVALUATION_LIMITS.stack)} nested calls: a recursive function that does not end (or ends too deep); bound it, or rewrite it so the recursive call is the last thing it does`,
  D1012: (limit) => `ran longer than the expression time limit of ${String(limit ?? EVALUATION_LIMITS.timeout)} ms (lookups included): a loop or recursion that does not end, or lookups that hang`,
};

export async function evaluate(expression: Expression, bindings: Bindings, what: string): Promise<unknown> {
  try {
    return await expression.evaluate({}, bindings);
  } catch (error) {
    if (error instanceof ActionError) throw error;
    const e = error as { code?: string; message?: string; value?: unknown };
    const at = expressionLocation(expression) ?? routeOnly(bindings);
    const limit = e.code ? LIMIT_ERRORS[e.code] : undefined;
    if (limit) {
      throw new ActionError('ExpressionLimit', `${placeOf(at, what)} ${limit(e.value)} (${e.code})`, 'config', at ? { route: at.route } : {}, { cause: error });
    }
    const message = e.message ?? errorMessage(error);
    // $error('…') in a route is the route author speaking: pass the message on unchanged.
    if (e.code === 'D3137') throw new ActionError('RouteError', message, 'config', {}, { cause: error });
    if (!e.code && error instanceof TypeError) {
      // JSONata itself tripped (e.g. "Cannot set properties of undefined (setting 'token')"): almost always a call to a name that holds no function yet.
      throw new ActionError('ExpressionError', `${placeOf(at, what)} failed inside JSONata (${message}): it calls a function that does not exist when called, such as a let value calling itself or a later one; 'switchyard validate' points at it`, 'config', at ? { route: at.route } : {}, { cause: error });
    }
    throw new ActionError('ExpressionError', `${what} failed: ${message}${e.code ? ` (${e.code})` : ''}${fileLine(at)}`, 'config', at ? { route: at.route } : {}, { cause: error });
  }
}

function placeOf(at: Partial<ExpressionLocation> | undefined, what: string): string {
  if (!at?.route) return what;
  return at.file ? `route ${at.route}: ${what} (${at.field} at ${at.file}:${at.line})` : `route ${at.route}: ${what}`;
}

function fileLine(at: Partial<ExpressionLocation> | undefined): string {
  return at?.file ? ` [${at.file}:${at.line}]` : '';
}

/** An expression not compiled here (read back from a bundle) has no recorded place: the route's name is in its bindings. */
function routeOnly(bindings: Bindings): Pick<ExpressionLocation, 'route'> | undefined {
  return typeof bindings.route === 'string' ? { route: bindings.route } : undefined;
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
