/** One object of a backfill run, as listed from the source and written to the manifest (one JSON line each). */
import { objectEventId } from '../events/event-id.ts';
import type { ObjectEvent } from '../events/object-event.ts';
import type { ListedObject, ObjectHead } from '../ports/types.ts';

export interface ManifestEntry {
  key: string;
  size: number;
  eTag: string;
  lastModified?: string;
}

export function manifestLine(entry: ManifestEntry): string {
  return JSON.stringify(entry);
}

export function entryOf(object: ListedObject): ManifestEntry {
  return {
    key: object.key,
    size: object.size,
    eTag: object.eTag,
    ...(object.lastModified !== undefined ? { lastModified: object.lastModified } : {}),
  };
}

/** The event the route's resolution sees for a listed object: origin `batch`, created. */
export function batchEvent(bucket: string, entry: ManifestEntry, now: Date): ObjectEvent {
  return {
    id: objectEventId({ bucket, key: entry.key, eTag: entry.eTag }),
    origin: 'batch',
    kind: 'created',
    eventName: 'Backfill',
    bucket,
    key: entry.key,
    size: entry.size,
    eTag: entry.eTag,
    eventTime: entry.lastModified ?? now.toISOString(),
  };
}

/** What the listing already says about the source object; saves a HeadObject for skip-existing. */
export function listedHead(entry: ManifestEntry): ObjectHead {
  return { size: entry.size, eTag: entry.eTag, metadata: {}, ...(entry.lastModified !== undefined ? { lastModified: new Date(entry.lastModified) } : {}) };
}
