/**
 * Whether a route's decision can depend on the object's key beyond passing it through. A route
 * whose only use of `$key` is `key: $key` on a copy resolves the same way for every key it
 * matches (given the same lookups), so impact resolves it once and substitutes the key.
 */
import type { CompiledRoute } from '../load/compiled-route.ts';

const KEY_OR_EVENT = /\$(?:key|event)(?![\w])/;
const IDENTITY = new Set(['$key', '=$key']);

/** True when some field other than an identity copy key mentions `$key` or `$event`. */
export function readsObjectKey(route: CompiledRoute): boolean {
  return mentions(route.definition, []);
}

function mentions(value: unknown, path: Array<string | number>): boolean {
  if (typeof value === 'string') return KEY_OR_EVENT.test(value) && !isIdentityCopyKey(value, path);
  if (Array.isArray(value)) return value.some((item, i) => mentions(item, [...path, i]));
  if (value !== null && typeof value === 'object') return Object.entries(value).some(([k, v]) => mentions(v, [...path, k]));
  return false;
}

function isIdentityCopyKey(value: string, path: Array<string | number>): boolean {
  return path.length === 4 && path[0] === 'actions' && path[2] === 'copy' && path[3] === 'key' && IDENTITY.has(value.trim());
}
