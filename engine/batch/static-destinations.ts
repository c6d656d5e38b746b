/**
 * Where a route copies every object, when that does not depend on the object: no tag or `when`
 * conditions, only copy actions to fixed buckets, each keeping the key (`$key`) with fixed
 * roles. For such a route a re-run can tell from the destination listing alone that an object
 * is already everywhere, without evaluating the route for it — the difference between a no-op
 * re-run of 10,000 objects taking seconds and taking a listing.
 */
import type { CompiledRoute } from '../load/compiled-route.ts';
import type { Access } from '../ports/types.ts';

export interface StaticDestination {
  bucket: string;
  access?: Access;
  /** The source or the copy is SSE-KMS by the route (their ETags are then not each other's). */
  kms: boolean;
  /** `skipExisting: checksum`: a verdict of size and time alone is not enough, the checksums must confirm it. */
  confirmByChecksum: boolean;
}

/** The route's destinations for any object (same key), each skipping what is there; undefined when they depend on the object or one does not skip. */
export function staticDestinations(route: CompiledRoute): StaticDestination[] | undefined {
  const skipping = route.actions.every((action) => action.type === 'copy' && action.skipExisting);
  return skipping ? fixedDestinations(route) : undefined;
}

/** Where the route copies every object (same key), or undefined when that depends on the object. */
export function fixedDestinations(route: CompiledRoute): StaticDestination[] | undefined {
  if (route.tags.length > 0 || route.when !== undefined) return undefined;
  const destinations: StaticDestination[] = [];
  for (const action of route.actions) {
    if (action.type !== 'copy' || action.when !== undefined) return undefined;
    if (action.key.kind !== 'expression' || action.key.source.trim() !== '$key') return undefined;
    const role = action.assumeRole;
    if (role && (role.arn.kind !== 'literal' || (role.externalId !== undefined && role.externalId.kind !== 'literal'))) return undefined;
    const access: Access | undefined = role
      ? { roleArn: role.arn.kind === 'literal' ? role.arn.value : '', ...(role.externalId?.kind === 'literal' ? { externalId: role.externalId.value } : {}) }
      : undefined;
    const buckets = action.to.kind === 'list' ? action.to.values : action.to.kind === 'literal' ? [action.to.value] : undefined;
    if (buckets === undefined) return undefined;
    for (const bucket of buckets) {
      const kmsKey = action.kmsKey ?? route.allow.buckets?.find((r) => r.matcher.test(bucket))?.kmsKey;
      destinations.push({ bucket, ...(access ? { access } : {}), kms: kmsKey !== undefined || route.definition.source.kmsKey !== undefined, confirmByChecksum: action.skipExisting === 'checksum' });
    }
  }
  return destinations.length > 0 ? destinations : undefined;
}
