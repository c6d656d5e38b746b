import type { TagCondition } from '../../schema/route.ts';

/** Checks tag conditions; returns the first one that fails, as a reason, or undefined when all hold. */
export function failedTagCondition(conditions: Array<[string, TagCondition]>, tags: Record<string, string>): string | undefined {
  for (const [name, condition] of conditions) {
    const value = tags[name];
    if (condition.exists !== undefined) {
      if (condition.exists && value === undefined) return `tag ${name} is missing`;
      if (!condition.exists && value !== undefined) return `tag ${name} is present (route requires it absent)`;
    }
    if (condition.equals !== undefined && value !== condition.equals) {
      return `tag ${name} is ${value === undefined ? 'missing' : `'${value}'`}, route requires '${condition.equals}'`;
    }
    if (condition.anyOf !== undefined && (value === undefined || !condition.anyOf.includes(value))) {
      return `tag ${name} is ${value === undefined ? 'missing' : `'${value}'`}, route requires one of ${condition.anyOf.join(', ')}`;
    }
  }
  return undefined;
}
