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
import { csvFields, csvRows, decodeKey } from './csv.ts';

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

/** Dated report folders as S3 Inventory names them (`2026-11-29T01-00Z/`). */
const REPORT_FOLDER = /\/\d{4}-\d{2}-\d{2}T\d{2}-\d{2}Z\/$/;

/**
 * The manifest.json to read: the URI itself when it names one, else the newest report under the
 * prefix (the inventory configuration's `…/source-bucket/config-id/`) that has its manifest.
 */
export async function inventoryManifest(storage: StoragePort, uri: string, access?: Access): Promise<S3Location> {
  if (!uri.endsWith('/')) return parseS3Uri(uri, 'inventory manifest');
  const match = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri);
  const bucket = match?.[1] ?? '';
  const prefix = match?.[2] ?? '';
  const folders: string[] = [];
  let token: string | undefined;
  do {
    const page = await storage.list(bucket, prefix, token, access, '/');
    folders.push(...(page.prefixes ?? []).filter((folder) => REPORT_FOLDER.test(folder)));
    token = page.nextToken;
  } while (token !== undefined);
  for (const folder of folders.sort().reverse()) {
    const key = `${folder}manifest.json`;
    if (await storage.head({ bucket, key }, access)) return { bucket, key };
  }
  throw new InputError('SY324', `no S3 Inventory report (a dated folder with manifest.json) under ${uri}: check batch.inventory against the inventory configuration's destination, or wait for its first report`);
}

/**
 * The objects an inventory report lists in `bucket`; rows of other buckets, without key or
 * size, or of versions that are not the current object (older versions, delete markers, in a
 * versioned inventory) are counted in `other`.
 */
export async function inventoryObjects(storage: StoragePort, uri: string, bucket: string, access?: Access): Promise<{ objects: ListedObject[]; other: number }> {
  const at = await inventoryManifest(storage, uri, access);
  const manifest = JSON.parse((await storage.getBody(at, access)).toString('utf8')) as InventoryManifest;
  if (manifest.fileFormat !== undefined && manifest.fileFormat.toUpperCase() !== 'CSV') {
    throw new InputError('SY321', `inventory ${uri} is ${manifest.fileFormat}; Switchyard reads CSV inventories: set the inventory configuration's output format to CSV`);
  }
  const schema = (manifest.fileSchema ?? '').split(',').map((f) => f.trim());
  const column = (name: string): number => schema.indexOf(name);
  const [bucketAt, keyAt, sizeAt, eTagAt, modifiedAt, latestAt, deleteMarkerAt] = ['Bucket', 'Key', 'Size', 'ETag', 'LastModifiedDate', 'IsLatest', 'IsDeleteMarker'].map(column) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (keyAt < 0 || sizeAt < 0) {
    throw new InputError('SY322', `inventory ${uri} has no ${keyAt < 0 ? 'Key' : 'Size'} column (fileSchema '${manifest.fileSchema ?? ''}'): add Size, ETag and LastModifiedDate to the inventory configuration's fields`);
  }
  const objects: ListedObject[] = [];
  let other = 0;
  for (const file of manifest.files ?? []) {
    const raw = await storage.getBody({ bucket: at.bucket, key: file.key }, access);
    const text = (file.key.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
    for (const row of csvRows(text)) {
      const item = { Bucket: row[bucketAt], Key: row[keyAt], Size: row[sizeAt], ETag: row[eTagAt], LastModifiedDate: row[modifiedAt], IsLatest: row[latestAt], IsDeleteMarker: row[deleteMarkerAt] };
      const object = inventoryObject(item, bucket);
      if (object) objects.push(object);
      else other++;
    }
  }
  return { objects, other };
}

/** One inventory row, as the CSV holds it or as the Distributed Map's MANIFEST reader hands it over (strings, key URL-encoded). */
export interface InventoryItem {
  Bucket?: string;
  Key?: string;
  Size?: string;
  ETag?: string;
  LastModifiedDate?: string;
  /** In an inventory of all versions: `false` for older versions. */
  IsLatest?: string;
  /** In an inventory of all versions: `true` for a delete marker (no object, no size). */
  IsDeleteMarker?: string;
}

/**
 * The object of an inventory row in `bucket`; undefined for another bucket's row, a row without
 * key or size, and a row that is not the current object (an older version or a delete marker):
 * a backfill copies what the bucket holds now, once per key.
 */
export function inventoryObject(item: InventoryItem, bucket: string): ListedObject | undefined {
  if (item.Bucket !== undefined && item.Bucket !== bucket) return undefined;
  if (item.IsLatest?.toLowerCase() === 'false' || item.IsDeleteMarker?.toLowerCase() === 'true') return undefined;
  const size = Number(item.Size);
  const key = decodeKey(item.Key ?? '');
  if (key === undefined || key === '' || item.Size === undefined || item.Size.trim() === '' || !Number.isFinite(size)) return undefined;
  return { key, size, eTag: item.ETag ?? '', ...(item.LastModifiedDate ? { lastModified: item.LastModifiedDate } : {}) };
}

export interface CsvManifest {
  /** The keys named in the route's bucket. */
  keys: Set<string>;
  /** Rows naming another bucket: not the route's, counted so a typo or a stray BOM does not pass unseen. */
  otherBuckets: number;
  /** Rows naming a version: the current version of the key is copied, as from a listing. */
  versioned: number;
}

/** The keys a `bucket,key[,versionId]` manifest names in `bucket`; a malformed row is an error naming its line. */
export async function csvManifestKeys(storage: StoragePort, uri: string, bucket: string, access?: Access): Promise<CsvManifest> {
  const at = parseS3Uri(uri, 'CSV manifest');
  const raw = await storage.getBody(at, access);
  const text = (at.key.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8').replace(/^\uFEFF/, '');
  const manifest: CsvManifest = { keys: new Set(), otherBuckets: 0, versioned: 0 };
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    if (line.trim() === '') continue;
    const row = csvFields(line);
    const where = `CSV manifest ${uri} line ${index + 1}`;
    if (row.length < 2) throw new InputError('SY323', `${where}: ${row.length} field(s); each row is bucket,key[,versionId]`);
    if (row[0] !== bucket) {
      manifest.otherBuckets++;
      continue;
    }
    const key = decodeKey(row[1] ?? '');
    if (key === undefined) throw new InputError('SY325', `${where}: the key '${row[1] ?? ''}' is not URL-encoded (a '%' must be written %25, as S3 Batch Operations manifests encode keys)`);
    manifest.keys.add(key);
    if ((row[2] ?? '') !== '') manifest.versioned++;
  }
  return manifest;
}
