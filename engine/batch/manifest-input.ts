/**
 * Where a backfill's object list comes from when not from listing the source: an S3 Inventory
 * report (its manifest.json, with CSV or CSV.gz files) or a CSV manifest of `bucket,key` rows
 * (S3 Batch Operations' format, keys URL-encoded). An inventory carries size, ETag and
 * modification time when its configuration includes those fields, so it replaces the listing
 * altogether; a `bucket,key` manifest names objects only, so the source is listed and the
 * manifest picks from it (sizes and ETags must come from somewhere, and a listing is one
 * request per thousand objects rather than a HeadObject per object).
 */
import { gunzipSync } from 'node:zlib';
import { InputError } from '../errors.ts';
import type { Access, ListedObject, StoragePort } from '../ports/types.ts';
import { csvRows, decodeKey } from './csv.ts';

export type ManifestInput = { kind: 'listing' } | { kind: 'inventory'; uri: string } | { kind: 'csv'; uri: string };

export interface S3Location {
  bucket: string;
  key: string;
}

export function parseS3Uri(uri: string, what: string): S3Location {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!match?.[1] || !match[2]) throw new InputError('SY320', `${what} '${uri}' is not an s3://bucket/key URI`);
  return { bucket: match[1], key: match[2] };
}

interface InventoryManifest {
  sourceBucket?: string;
  fileFormat?: string;
  fileSchema?: string;
  files?: Array<{ key: string }>;
}

/** The objects an inventory report lists in `bucket` (other buckets' rows are left out). */
export async function inventoryObjects(storage: StoragePort, uri: string, bucket: string, access?: Access): Promise<ListedObject[]> {
  const at = parseS3Uri(uri, 'inventory manifest');
  const manifest = JSON.parse((await storage.getBody(at, access)).toString('utf8')) as InventoryManifest;
  if (manifest.fileFormat !== undefined && manifest.fileFormat.toUpperCase() !== 'CSV') {
    throw new InputError('SY321', `inventory ${uri} is ${manifest.fileFormat}; Switchyard reads CSV inventories: set the inventory configuration's output format to CSV`);
  }
  const schema = (manifest.fileSchema ?? '').split(',').map((f) => f.trim());
  const column = (name: string): number => schema.indexOf(name);
  const [bucketAt, keyAt, sizeAt, eTagAt, modifiedAt] = ['Bucket', 'Key', 'Size', 'ETag', 'LastModifiedDate'].map(column) as [number, number, number, number, number];
  if (keyAt < 0 || sizeAt < 0) {
    throw new InputError('SY322', `inventory ${uri} has no ${keyAt < 0 ? 'Key' : 'Size'} column (fileSchema '${manifest.fileSchema ?? ''}'): add Size, ETag and LastModifiedDate to the inventory configuration's fields`);
  }
  const objects: ListedObject[] = [];
  for (const file of manifest.files ?? []) {
    const raw = await storage.getBody({ bucket: at.bucket, key: file.key }, access);
    const text = (file.key.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
    for (const row of csvRows(text)) {
      if (bucketAt >= 0 && row[bucketAt] !== bucket) continue;
      const size = Number(row[sizeAt]);
      const key = decodeKey(row[keyAt] ?? '');
      if (key === '' || !Number.isFinite(size)) continue;
      const modified = modifiedAt >= 0 ? row[modifiedAt] : undefined;
      objects.push({ key, size, eTag: eTagAt >= 0 ? (row[eTagAt] ?? '') : '', ...(modified ? { lastModified: modified } : {}) });
    }
  }
  return objects;
}

/** The keys a `bucket,key[,versionId]` manifest names in `bucket`. */
export async function csvManifestKeys(storage: StoragePort, uri: string, bucket: string, access?: Access): Promise<Set<string>> {
  const at = parseS3Uri(uri, 'CSV manifest');
  const raw = await storage.getBody(at, access);
  const text = (at.key.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
  const keys = new Set<string>();
  for (const row of csvRows(text)) {
    if (row.length < 2) throw new InputError('SY323', `CSV manifest ${uri}: a row has ${row.length} field(s); each row is bucket,key[,versionId]`);
    if (row[0] === bucket) keys.add(decodeKey(row[1] ?? ''));
  }
  return keys;
}
