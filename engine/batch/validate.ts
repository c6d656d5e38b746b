/**
 * After the transfer: are the copies there? The destination is listed (with the writer's
 * access) and every key this run copied counted (what its listing diff found already there
 * counts as found), then a random sample of the copies made is checked with HeadObject:
 * same ContentLength, and the source's ETag either as the copy's own or in its
 * `switchyard-source-etag` metadata — where S3 keeps ETags across a copy at all: SSE-KMS on
 * either side or a multipart ETag on either side leaves the ContentLength to decide, as the
 * seed's own validation checks.
 */
import { SOURCE_ETAG, eTagsCannotMatch } from '../actions/same-content.ts';
import { mapLimit } from '../limiter.ts';
import type { Access, Ports } from '../ports/types.ts';
import { listEverything } from './partitioned-listing.ts';
import type { ExpectedCopy } from './transfer-object.ts';
import { accessId } from '../ports/access-id.ts';

export const DEFAULT_VALIDATION_SAMPLE = 50;
const MAX_LISTED_MISSING = 20;

export interface SampleMismatch {
  destination: string;
  expected: { size: number; eTag: string };
  actual?: { size: number; eTag: string; sourceETag?: string };
}

export interface ValidationResult {
  status: 'passed' | 'failed';
  /** Objects in the manifest. */
  manifestObjects: number;
  /** Copies that should exist (copied or already there), one per object and destination. */
  expectedCopies: number;
  /** Of those, how many the destination listing shows. */
  foundCopies: number;
  /** Some of the expected copies the listing does not show. */
  missing: string[];
  sampled: number;
  mismatches: SampleMismatch[];
  /** Set when validation itself could not run (e.g. the destination could not be listed). */
  error?: string;
  /** A resumed run: how much of what its earlier attempts finished this validation covered (earlier-copies.ts). */
  earlierAttempts?: EarlierAttemptsCoverage;
}

export interface EarlierAttemptsCoverage {
  /** Objects earlier attempts finished whose copies were counted and sampled with this attempt's (not taken by the route: nothing to count). */
  objects: number;
  /** Their copies, one per object and destination. */
  copies: number;
  /** Objects earlier attempts finished whose destinations no checkpoint recorded (one written before copies were recorded): not validated. */
  unrecorded: number;
}

export interface ValidateOptions {
  manifestObjects: number;
  sample?: number;
  concurrency: number;
  random?: () => number;
}

export async function validateCopies(ports: Ports, all: readonly ExpectedCopy[], options: ValidateOptions): Promise<ValidationResult> {
  // Two objects a route maps to one destination key make one copy there (the last written).
  const copies = [...new Map(all.map((copy) => [destinationId(copy), copy])).values()];
  // Copies this run's destination listing already showed with the same content are counted as found, not asked about again.
  const made = copies.filter((c) => c.listed !== true);
  const sample = pick(made, options.sample ?? DEFAULT_VALIDATION_SAMPLE, options.random ?? Math.random);
  // The listing and the sampled HeadObjects ask different things of the destination: both at once.
  const [counted, checked] = await Promise.all([
    made.length > 0 ? countAtDestination(ports, made) : { found: 0, missing: [] },
    mapLimit(sample, options.concurrency, (copy) => checkOne(ports, copy)),
  ]);
  const found = counted.found + (copies.length - made.length);
  const { missing } = counted;
  const mismatches = checked.filter((m): m is SampleMismatch => m !== undefined);
  return {
    status: found === copies.length && mismatches.length === 0 ? 'passed' : 'failed',
    manifestObjects: options.manifestObjects,
    expectedCopies: copies.length,
    foundCopies: found,
    missing,
    sampled: sample.length,
    mismatches,
  };
}

async function countAtDestination(ports: Ports, copies: readonly ExpectedCopy[]): Promise<{ found: number; missing: string[] }> {
  const groups = new Map<string, { bucket: string; access: Access | undefined; keys: Set<string> }>();
  for (const copy of copies) {
    const id = listingId(copy);
    let group = groups.get(id);
    if (!group) groups.set(id, (group = { bucket: copy.bucket, access: copy.access, keys: new Set() }));
    group.keys.add(copy.key);
  }
  let found = 0;
  const missing: string[] = [];
  for (const group of groups.values()) {
    const present = new Set<string>();
    const listed = await listEverything(ports.storage, group.bucket, commonPrefix([...group.keys]), group.access ? { access: group.access } : {});
    for (const object of listed) if (group.keys.has(object.key)) present.add(object.key);
    found += present.size;
    for (const key of group.keys) {
      if (missing.length >= MAX_LISTED_MISSING) break;
      if (!present.has(key)) missing.push(`s3://${group.bucket}/${key}`);
    }
  }
  return { found, missing };
}

/** Which bucket, listed with which access: copies of one group are counted from one listing. */
function listingId(copy: ExpectedCopy): string {
  return `${copy.bucket}\u0000${accessId(copy.access)}`;
}

function destinationId(copy: ExpectedCopy): string {
  return `${listingId(copy)}\u0000${copy.key}`;
}

async function checkOne(ports: Ports, copy: ExpectedCopy): Promise<SampleMismatch | undefined> {
  const head = await ports.storage.head({ bucket: copy.bucket, key: copy.key }, copy.access);
  const destination = `s3://${copy.bucket}/${copy.key}`;
  const expected = { size: copy.size, eTag: copy.eTag };
  if (!head) return { destination, expected };
  const sourceETag = head.metadata[SOURCE_ETAG];
  // An inventory without its ETag field gives no ETag to compare: the size decides.
  const eTagAgrees = copy.eTag === '' || head.eTag === copy.eTag || (sourceETag !== undefined ? sourceETag === copy.eTag : eTagsCannotMatch(copy, head, { kms: copy.kms === true }));
  if (head.size === copy.size && eTagAgrees) return undefined;
  return { destination, expected, actual: { size: head.size, eTag: head.eTag, ...(sourceETag !== undefined ? { sourceETag } : {}) } };
}

export function commonPrefix(keys: readonly string[]): string {
  const first = keys[0];
  if (first === undefined) return '';
  let length = first.length;
  for (const key of keys) {
    let i = 0;
    while (i < length && i < key.length && key[i] === first[i]) i++;
    length = i;
  }
  // Never end between the two halves of a surrogate pair: S3 would be sent a broken prefix.
  const last = first.charCodeAt(length - 1);
  if (last >= 0xd800 && last <= 0xdbff) length--;
  return first.slice(0, length);
}

/** `n` distinct items chosen uniformly (partial Fisher–Yates over indices). */
export function pick<T>(items: readonly T[], n: number, random: () => number): T[] {
  const indices = items.map((_, i) => i);
  const count = Math.min(n, items.length);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (indices.length - i));
    [indices[i], indices[j]] = [indices[j] as number, indices[i] as number];
  }
  return indices.slice(0, count).map((i) => items[i] as T);
}
