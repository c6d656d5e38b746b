/**
 * A small evaluator of EventBridge's pattern language, enough for the patterns the generator
 * writes: nested objects, lists of alternatives, exact values, `prefix`, `suffix`, `anything-but`,
 * `exists` and `$or` (a list of sub-patterns at any level, one of which must match). It is deliberately strict about shape: `"key": {"suffix": ".pdf"}` (an object
 * where a list belongs) is an error here, as it never matches on AWS.
 */
type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export function matchesPattern(pattern: Json, event: Json): boolean {
  if (pattern === null || typeof pattern !== 'object' || Array.isArray(pattern)) throw new Error(`a pattern is an object, not ${JSON.stringify(pattern)}`);
  return Object.entries(pattern).every(([field, condition]) => {
    if (field !== '$or') return matchesField(condition, valueAt(event, field));
    if (!Array.isArray(condition) || condition.length < 2) throw new Error(`$or takes a list of at least two patterns, not ${JSON.stringify(condition)}`);
    return condition.some((alternative) => matchesPattern(alternative, event));
  });
}

function valueAt(event: Json, field: string): Json | undefined {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) return undefined;
  return event[field];
}

function matchesField(condition: Json, value: Json | undefined): boolean {
  if (Array.isArray(condition)) {
    const values = Array.isArray(value) ? value : [value];
    return condition.some((alternative) => values.some((v) => matchesAlternative(alternative, v)));
  }
  if (condition !== null && typeof condition === 'object') {
    if (isOperator(condition)) throw new Error(`operator ${JSON.stringify(condition)} outside a list never matches on EventBridge`);
    return value !== undefined && matchesPattern(condition, value);
  }
  throw new Error(`a leaf of a pattern is a list, not ${JSON.stringify(condition)}`);
}

function isOperator(condition: { [key: string]: Json }): boolean {
  return ['prefix', 'suffix', 'anything-but', 'exists', 'numeric', 'wildcard', 'equals-ignore-case'].some((op) => op in condition);
}

function matchesAlternative(alternative: Json, value: Json | undefined): boolean {
  if (alternative === null || typeof alternative !== 'object' || Array.isArray(alternative)) return value !== undefined && alternative === value;
  if ('exists' in alternative) return (value !== undefined) === alternative.exists;
  if (value === undefined) return false;
  if ('prefix' in alternative) return typeof value === 'string' && typeof alternative.prefix === 'string' && value.startsWith(alternative.prefix);
  if ('suffix' in alternative) return typeof value === 'string' && typeof alternative.suffix === 'string' && value.endsWith(alternative.suffix);
  if ('anything-but' in alternative) {
    const excluded = alternative['anything-but'];
    return !(Array.isArray(excluded) ? excluded : [excluded]).includes(value);
  }
  throw new Error(`unsupported pattern operator ${JSON.stringify(alternative)}`);
}
