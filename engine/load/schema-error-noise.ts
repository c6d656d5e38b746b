/**
 * ajv reports every failed branch of an `anyOf`/`oneOf`, and a required key that was merely
 * misspelled twice (unknown + missing). These rules keep one error per mistake — the one that
 * says what to change.
 */
import type { ErrorObject } from 'ajv';
import { nearestName } from './nearest-name.ts';

type SchemaNode = { properties?: Record<string, unknown>; required?: string[] };

export function relevantErrors(errors: ErrorObject[]): ErrorObject[] {
  return withoutMisspelledRequired(withoutBranchNoise(errors));
}

const isCombinator = (e: ErrorObject): boolean => e.keyword === 'anyOf' || e.keyword === 'oneOf';
const within = (path: string, root: string): boolean => path === root || path.startsWith(`${root}/`);

/** Branches that only say which keys must be present: "exactly one of static, s3json, ssm". */
export function presenceBranches(combinator: ErrorObject): string[][] | undefined {
  const branches = combinator.schema;
  if (!Array.isArray(branches)) return undefined;
  const required = branches.map((b: unknown) =>
    b !== null && typeof b === 'object' && Object.keys(b).length === 1 && Array.isArray((b as SchemaNode).required) ? (b as SchemaNode).required : undefined,
  );
  return required.every((r): r is string[] => r !== undefined) ? required : undefined;
}

/**
 * - A presence-only combinator speaks for itself: the "missing key" errors of its branches go.
 * - A combinator of alternatives (a string or a list; a number or an expression): when one
 *   alternative got further — a bad item in the list, a number out of range — the other
 *   alternatives' "wrong type" errors are noise. When none did, the type errors stay (merged
 *   into "must be a string or a list") and the combinator's own error goes.
 */
function withoutBranchNoise(errors: ErrorObject[]): ErrorObject[] {
  const drop = new Set<ErrorObject>(errors.filter((e) => e.keyword === 'if'));
  for (const c of errors.filter(isCombinator)) {
    const presence = presenceBranches(c);
    if (presence) {
      const keys = new Set(presence.flat());
      for (const e of errors) {
        if (e.keyword === 'required' && e.instancePath === c.instancePath && keys.has(missingProperty(e))) drop.add(e);
      }
      continue;
    }
    const rest = errors.filter((e) => e !== c && !isCombinator(e) && within(e.instancePath, c.instancePath));
    const furthest = rest.filter((e) => e.keyword !== 'type');
    if (furthest.length > 0) for (const e of rest) if (e.keyword === 'type' && e.instancePath === c.instancePath) drop.add(e);
    if (rest.length > 0) drop.add(c);
  }
  return errors.filter((e) => !drop.has(e));
}

/**
 * `triger: eventbridge` is one mistake, not two: the unknown key's did-you-mean names the
 * missing one, so "missing the required key 'trigger'" (or "an email needs recipients" for
 * `too:`) is left out.
 */
function withoutMisspelledRequired(errors: ErrorObject[]): ErrorObject[] {
  const meant = new Set(
    errors
      .filter((e) => e.keyword === 'additionalProperties')
      .map((e) => `${e.instancePath}/${nearestName(additionalProperty(e), allowedKeys(e)) ?? ''}`),
  );
  return errors.filter((e) => {
    if (e.keyword === 'required') return !meant.has(`${e.instancePath}/${missingProperty(e)}`);
    if (isCombinator(e)) return !(presenceBranches(e) ?? []).flat().some((key) => meant.has(`${e.instancePath}/${key}`));
    return true;
  });
}

export function allowedKeys(error: ErrorObject): string[] {
  return Object.keys((error.parentSchema as SchemaNode | undefined)?.properties ?? {});
}

export function additionalProperty(error: ErrorObject): string {
  return String((error.params as { additionalProperty?: unknown }).additionalProperty);
}

export function missingProperty(error: ErrorObject): string {
  return String((error.params as { missingProperty?: unknown }).missingProperty);
}
