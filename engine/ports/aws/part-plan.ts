/**
 * How a multipart copy splits an object: S3 allows parts of 5 MiB to 5 GiB and at most
 * 10,000 parts, so the requested part size grows for very large objects.
 */
import { MAX_PART_SIZE, MAX_PARTS, MIN_PART_SIZE } from '../../s3-limits.ts';

const MIB = 1024 * 1024;

export interface CopyPart {
  partNumber: number;
  /** The `CopySourceRange` value, `bytes=first-last` (inclusive). */
  range: string;
  bytes: number;
}

export function partSizeFor(objectSize: number, requestedPartSize: number): number {
  const needed = Math.max(Math.min(requestedPartSize, MAX_PART_SIZE), Math.ceil(objectSize / MAX_PARTS));
  return Math.max(MIN_PART_SIZE, Math.ceil(needed / MIB) * MIB);
}

export function planParts(objectSize: number, requestedPartSize: number): CopyPart[] {
  const partSize = partSizeFor(objectSize, requestedPartSize);
  const parts: CopyPart[] = [];
  for (let first = 0, partNumber = 1; first < objectSize; first += partSize, partNumber++) {
    const last = Math.min(first + partSize, objectSize) - 1;
    parts.push({ partNumber, range: `bytes=${first}-${last}`, bytes: last - first + 1 });
  }
  return parts;
}
