/**
 * The first step of a backfill: list the source bucket under the prefix with the route's
 * source access (the reader role), keep what the route takes structurally, and write the
 * manifest as JSON lines to the run's location in the manifest bucket.
 */
import type { CompiledRoute } from '../load/compiled-route.ts';
import { RouteMatcher } from '../match/route-matcher.ts';
import type { Ports } from '../ports/types.ts';
import { sourceAccess } from '../resolve/bindings.ts';
import { batchEvent, entryOf, manifestLine, type ManifestEntry } from './manifest-entry.ts';
import { s3Uri, type RunLocation } from './location.ts';

export interface Manifest {
  /** `s3://…/manifest.jsonl`. */
  uri: string;
  entries: ManifestEntry[];
  /** Objects under the prefix the route's match rules (suffix, match.prefix …) leave out. */
  excluded: number;
  pages: number;
}

export interface ListOptions {
  sourcePrefix: string;
  location: RunLocation;
  /** Called after every page, for progress. */
  onPage?: (listed: number) => void;
}

export async function listManifest(route: CompiledRoute, ports: Ports, options: ListOptions): Promise<Manifest> {
  const bucket = route.definition.source.bucket;
  const access = sourceAccess(route);
  const matcher = new RouteMatcher([route]);
  const now = ports.clock.now();
  const entries: ManifestEntry[] = [];
  let excluded = 0;
  let pages = 0;
  let token: string | undefined;
  do {
    const page = await ports.storage.list(bucket, options.sourcePrefix, token, access);
    pages++;
    for (const object of page.objects) {
      // "Folder" placeholders are not objects anyone wants copied.
      if (object.key.endsWith('/') && object.size === 0) {
        excluded++;
        continue;
      }
      const entry = entryOf(object);
      if (matcher.candidates(batchEvent(bucket, entry, now)).length === 0) excluded++;
      else entries.push(entry);
    }
    options.onPage?.(entries.length);
    token = page.nextToken;
  } while (token !== undefined);

  const body = entries.length === 0 ? '' : `${entries.map(manifestLine).join('\n')}\n`;
  await ports.storage.put(options.location.bucket, options.location.manifestKey, body, 'application/x-ndjson');
  return { uri: s3Uri(options.location.bucket, options.location.manifestKey), entries, excluded, pages };
}
