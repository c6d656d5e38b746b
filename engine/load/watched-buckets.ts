/**
 * Which buckets some route of the set watches (its source bucket). Only a copy into one of
 * them can come back as an event, so only those copies need the loop marker — and the marker
 * costs a HeadObject and a REPLACE of the metadata; every other copy is one CopyObject.
 */
import type { CompiledRoute } from './compiled-route.ts';

export type WatchedBuckets = (bucket: string) => boolean;

/** From the routes, or from the list of their source buckets (as a Lambda bundle carries it). */
export function watchedBuckets(routes: ReadonlyArray<Pick<CompiledRoute, 'definition'> | string>): WatchedBuckets {
  const sources = new Set(routes.map((r) => (typeof r === 'string' ? r : r.definition.source.bucket)));
  return (bucket) => sources.has(bucket);
}

/**
 * Gives every route the watched buckets it may copy into (routes are compiled one at a time,
 * the answer needs them all). Kept as data, not a function, so precompiled routes carry it;
 * only the buckets the route's fixed destinations or allow-list admit, so it stays small.
 */
export function withWatchedBuckets<T extends CompiledRoute>(routes: T[]): T[] {
  const sources = [...new Set(routes.map((r) => r.definition.source.bucket))];
  for (const route of routes) {
    const fixed = route.actions.flatMap((a) => (a.type === 'copy' && a.to.kind !== 'expression' ? (a.to.kind === 'list' ? a.to.values : [a.to.value]) : []));
    const rules = route.allow.buckets ?? [];
    const open = rules.length === 0 && route.actions.some((a) => a.type === 'copy' && a.to.kind === 'expression');
    route.watchedDestinations = sources.filter((b) => open || fixed.includes(b) || rules.some((r) => r.matcher.test(b)));
  }
  return routes;
}
