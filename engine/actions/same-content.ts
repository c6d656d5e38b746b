/**
 * Whether the object at a destination already is a copy of the source, from what a listing or
 * a HeadObject says. Same size and ETag is the usual answer. Where S3 cannot keep the ETag
 * across a copy — SSE-KMS on either side (the route names the key, or a HeadObject says so), or
 * a multipart ETag (`…-N`) on either side — the
 * source's ETag recorded on the copy decides, and without it (a one-request copy that could
 * not write metadata) the same size written after the source last changed, as rclone's
 * size-and-modification-time check does. With `skipExisting: checksum` that last verdict is put
 * to the objects' checksums first (confirmByChecksum).
 */
import type { Access, ChecksumAlgorithm, ObjectChecksums, ObjectHeadWithChecksums, ObjectRef, StoragePort } from '../ports/types.ts';

/** The source's ETag, recorded on copies whose metadata is written anyway (loop marker, multipart). */
export const SOURCE_ETAG = 'switchyard-source-etag';

export interface ContentFacts {
  size: number;
  eTag: string;
  lastModified?: Date | string;
  metadata?: Record<string, string>;
  /** The server-side encryption S3 reported (HeadObject); a listing does not say. */
  encryption?: string;
}

export interface SameContentOptions {
  /** The route names an SSE-KMS key for the source or for the copy: their ETags are not each other's. */
  kms: boolean;
}

/** Options for a planned copy: SSE-KMS on either side, as far as the route says. */
export function contentOptionsFor(copy: { kmsKey?: string; sourceKmsKey?: string }): SameContentOptions {
  return { kms: copy.kmsKey !== undefined || copy.sourceKmsKey !== undefined };
}

/** A multipart ETag, or a composite checksum: `…-N` for N parts. */
const PARTS_SUFFIX = /-\d+$/;

/** Why the destination already holds the source's content, or undefined when it does not (or cannot be told). */
export function sameContent(source: ContentFacts, destination: ContentFacts, options: SameContentOptions): string | undefined {
  if (source.size !== destination.size) return undefined;
  if (source.eTag === destination.eTag) return 'same size and ETag';
  const recorded = destination.metadata?.[SOURCE_ETAG];
  if (recorded !== undefined) return recorded === source.eTag ? "same size and the source's ETag recorded on the copy" : undefined;
  if (!eTagsCannotMatch(source, destination, options)) return undefined;
  const written = time(destination.lastModified);
  const changed = time(source.lastModified);
  return written !== undefined && changed !== undefined && written >= changed ? SIZE_AND_TIME : undefined;
}

/** sameContent's answer when only the size and the write time could decide. */
export const SIZE_AND_TIME = 'same size, written after the source last changed (SSE-KMS or multipart ETags cannot match)';

export interface Located {
  ref: ObjectRef;
  access?: Access;
}

/**
 * `skipExisting: checksum`, for a pair that only size and write time matched (SIZE_AND_TIME):
 * the destination's HeadObject with checksums decides. First the source ETag recorded on it
 * (exact, and a listing carries no metadata), then the two objects' checksums, with a HeadObject
 * of the source too. Returns the reason to skip, or undefined to copy. Where the checksums cannot
 * tell, the size-and-time verdict stands and says so. `destinationHead`: already read with checksums.
 */
export async function confirmByChecksum(
  storage: StoragePort,
  source: Located & { facts: ContentFacts },
  destination: Located,
  options: SameContentOptions,
  destinationHead?: ObjectHeadWithChecksums,
): Promise<string | undefined> {
  const head = destinationHead ?? (await storage.headWithChecksums(destination.ref, destination.access));
  // Either object gone since it was listed: copying is the only safe answer.
  if (!head) return undefined;
  const verdict = sameContent(source.facts, head, options);
  if (verdict !== SIZE_AND_TIME) return verdict;
  const ofSource = await storage.headWithChecksums(source.ref, source.access);
  if (!ofSource) return undefined;
  const compared = compareChecksums(ofSource.checksums, head.checksums);
  if (compared === undefined) return `${SIZE_AND_TIME}; the checksums cannot tell`;
  return compared.same ? compared.reason : undefined;
}

const ALGORITHMS: readonly ChecksumAlgorithm[] = ['CRC64NVME', 'SHA256', 'SHA512', 'SHA1', 'CRC32C', 'CRC32', 'XXHASH128', 'XXHASH64', 'XXHASH3', 'MD5'];

/**
 * Full-object checksums of one algorithm decide either way, whatever the part layouts. Equal
 * composite ones (a checksum of the parts' checksums, `…-N`) mean the same parts, so the same
 * content; unequal ones may be the same content cut differently, and cannot tell.
 */
export function compareChecksums(source: ObjectChecksums, destination: ObjectChecksums): { same: boolean; reason: string } | undefined {
  for (const algorithm of ALGORITHMS) {
    const a = source.values[algorithm];
    const b = destination.values[algorithm];
    if (a === undefined || b === undefined) continue;
    const full = isFullObject(source, a) && isFullObject(destination, b);
    if (full) return a === b ? { same: true, reason: `same size and full-object ${algorithm} checksum` } : { same: false, reason: `different full-object ${algorithm} checksums` };
    if (a === b) return { same: true, reason: `same size and ${algorithm} checksum of the same parts` };
  }
  return undefined;
}

/** S3 names the type; without it (older answers, emulators) a value without `-N` is of the whole object. */
function isFullObject(checksums: ObjectChecksums, value: string): boolean {
  return checksums.type !== undefined ? checksums.type === 'FULL_OBJECT' : !PARTS_SUFFIX.test(value);
}

/** SSE-KMS on either side, or a multipart ETag on either side: S3 does not keep the ETag across the copy. */
export function eTagsCannotMatch(source: ContentFacts, destination: ContentFacts, options: SameContentOptions): boolean {
  return options.kms || kmsEncrypted(source) || kmsEncrypted(destination) || PARTS_SUFFIX.test(source.eTag) || PARTS_SUFFIX.test(destination.eTag);
}

/** SSE-KMS and DSSE-KMS objects have ETags that are not the MD5 of their content. */
function kmsEncrypted(facts: ContentFacts): boolean {
  return facts.encryption?.startsWith('aws:kms') === true;
}

/**
 * Same size and other ETags with nothing known to explain it: other content, unless the
 * destination is SSE-KMS by a bucket default the route does not name. A listing cannot tell; the
 * destination's HeadObject can (it reports the encryption), so such a pair is worth that one
 * request before a copy.
 */
export function encryptionUnknown(source: ContentFacts, destination: ContentFacts, options: SameContentOptions): boolean {
  return (
    source.size === destination.size &&
    source.eTag !== destination.eTag &&
    destination.encryption === undefined &&
    destination.metadata?.[SOURCE_ETAG] === undefined &&
    !eTagsCannotMatch(source, destination, options)
  );
}

function time(value: Date | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
