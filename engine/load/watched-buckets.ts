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

/** Gives every route of a loaded set the set's answer (routes are compiled one at a time, the answer needs them all). */
export function withWatchedBuckets<T extends CompiledRoute>(routes: T[]): T[] {
  const watched = watchedBuckets(routes);
  for (const route of routes) route.watched = watched;
  return routes;
}
