/**
 * Whether the object at a destination already is a copy of the source, from what a listing or
 * a HeadObject says. Same size and ETag is the usual answer. Where S3 cannot keep the ETag
 * across a copy — an SSE-KMS destination, or a multipart ETag (`…-N`) on either side — the
 * source's ETag recorded on the copy decides, and without it (a one-request copy that could
 * not write metadata) the same size written after the source last changed, as rclone's
 * size-and-modification-time check does.
 */
/** The source's ETag, recorded on copies whose metadata is written anyway (loop marker, multipart). */
export const SOURCE_ETAG = 'switchyard-source-etag';

export interface ContentFacts {
  size: number;
  eTag: string;
  lastModified?: Date | string;
  metadata?: Record<string, string>;
}

export interface SameContentOptions {
  /** The copy is (or would be) written with SSE-KMS: its ETag is not the source's. */
  kms: boolean;
}

const MULTIPART_ETAG = /-\d+$/;

/** Why the destination already holds the source's content, or undefined when it does not (or cannot be told). */
export function sameContent(source: ContentFacts, destination: ContentFacts, options: SameContentOptions): string | undefined {
  if (source.size !== destination.size) return undefined;
  if (source.eTag === destination.eTag) return 'same size and ETag';
  const recorded = destination.metadata?.[SOURCE_ETAG];
  if (recorded !== undefined) return recorded === source.eTag ? "same size and the source's ETag recorded on the copy" : undefined;
  const layoutDiffers = options.kms || MULTIPART_ETAG.test(source.eTag) || MULTIPART_ETAG.test(destination.eTag);
  if (!layoutDiffers) return undefined;
  const written = time(destination.lastModified);
  const changed = time(source.lastModified);
  return written !== undefined && changed !== undefined && written >= changed ? 'same size, written after the source last changed (SSE-KMS or multipart ETags cannot match)' : undefined;
}

function time(value: Date | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
