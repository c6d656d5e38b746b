/**
 * The first step of a backfill: find the objects under the prefix — by listing the source in
 * parallel partitions with the route's source access (the reader role), or from an S3
 * Inventory report or a CSV manifest (manifest-input.ts) —, keep what the route takes
 * structurally, and write the manifest as JSON lines to the run's location in the manifest
 * bucket. A resumed run reads that manifest back instead (readManifest).
 */
import type { CompiledRoute } from '../load/compiled-route.ts';
import { RouteMatcher } from '../match/route-matcher.ts';
import type { ListedObject, Ports } from '../ports/types.ts';
import { sourceAccess } from '../resolve/bindings.ts';
import { s3Uri, type RunLocation } from './location.ts';
import { csvManifestKeys, inventoryObjects, type ManifestInput } from './manifest-input.ts';
import { batchEvent, entryOf, manifestLine, type ManifestEntry } from './manifest-entry.ts';
import { joinedBytes, linesOf } from './chunked-text.ts';
import { listEverything } from './partitioned-listing.ts';

export interface Manifest {
  /** `s3://…/manifest.jsonl`. */
  uri: string;
  entries: ManifestEntry[];
  /** Objects under the prefix the route's match rules (suffix, match.prefix …) leave out, and keys a CSV manifest names that do not exist. */
  excluded: number;
  /** What the operator should know about the input (rows of other buckets, versions not copied). */
  notes?: string[];
}

export interface ListOptions {
  sourcePrefix: string;
  location: RunLocation;
  /** Listing (default), an inventory report or a CSV manifest. */
  input?: ManifestInput;
  /** Called after every page, for progress. */
  onPage?: (listed: number) => void;
}

export async function listManifest(route: CompiledRoute, ports: Ports, options: ListOptions): Promise<Manifest> {
  const bucket = route.definition.source.bucket;
  const { objects, missing, notes } = await candidates(route, ports, options);
  const matcher = new RouteMatcher([route]);
  const now = ports.clock.now();
  const entries: ManifestEntry[] = [];
  let excluded = missing;
  for (const object of objects) {
    // "Folder" placeholders are not objects anyone wants copied.
    if (!object.key.startsWith(options.sourcePrefix) || (object.key.endsWith('/') && object.size === 0)) {
      excluded++;
      continue;
    }
    const entry = entryOf(object);
    if (matcher.candidates(batchEvent(bucket, entry, now)).length === 0) excluded++;
    else entries.push(entry);
  }

  const body = entries.length === 0 ? '' : joinedBytes(entries, manifestLine, '\n', '', '\n');
  await ports.storage.put(options.location.bucket, options.location.manifestKey, body, 'application/x-ndjson');
  return { uri: s3Uri(options.location.bucket, options.location.manifestKey), entries, excluded, ...(notes.length > 0 ? { notes } : {}) };
}

async function candidates(route: CompiledRoute, ports: Ports, options: ListOptions): Promise<{ objects: ListedObject[]; missing: number; notes: string[] }> {
  const bucket = route.definition.source.bucket;
  const access = sourceAccess(route);
  const input = options.input ?? { kind: 'listing' };
  if (input.kind === 'inventory') {
    const { objects, other } = await inventoryObjects(ports.storage, input.uri, bucket, access);
    return { objects, missing: other, notes: [] };
  }
  // A CSV manifest is read first: a malformed one fails before the source is listed.
  const wanted = input.kind === 'csv' ? await csvManifestKeys(ports.storage, input.uri, bucket, access) : undefined;
  const listed = await listEverything(ports.storage, bucket, options.sourcePrefix, { ...(access ? { access } : {}), ...(options.onPage ? { onPage: options.onPage } : {}) });
  if (wanted === undefined || input.kind !== 'csv') return { objects: listed, missing: 0, notes: [] };
  const objects = listed.filter((o) => wanted.keys.has(o.key));
  const notes = [
    ...(wanted.otherBuckets > 0 ? [`${wanted.otherBuckets} row(s) of ${input.uri} name another bucket than ${bucket}: not copied, counted as excluded`] : []),
    ...(wanted.versioned > 0 ? [`${wanted.versioned} row(s) of ${input.uri} name a version: the current version of each key is copied`] : []),
  ];
  return { objects, missing: wanted.keys.size - objects.length + wanted.otherBuckets, notes };
}

/** The manifest of an earlier run, in its order (a resumed run's positions refer to it). */
export async function readManifest(ports: Ports, location: RunLocation): Promise<Manifest> {
  const bytes = await ports.storage.getBody({ bucket: location.bucket, key: location.manifestKey });
  const entries: ManifestEntry[] = [];
  for (const line of linesOf(bytes)) entries.push(JSON.parse(line) as ManifestEntry);
  return { uri: s3Uri(location.bucket, location.manifestKey), entries, excluded: 0 };
}
