/** Carries out one planned copy through the storage port (CopyObject or multipart is the port's choice by size). */
import { ActionError } from '../errors.ts';
import type { ObjectEvent } from '../events/object-event.ts';
import type { ObjectHead, StoragePort } from '../ports/types.ts';
import type { PlannedCopy } from './planned-action.ts';

/** Metadata key put on every copy; an event for an object carrying it is not routed again. */
export const LOOP_MARKER = 'switchyard-route';
/** The source's ETag, recorded on the copy: a multipart copy has an ETag of its own, so re-runs compare this. */
export const SOURCE_ETAG = 'switchyard-source-etag';

export interface CopyOutcome {
  method: 'copy' | 'multipart' | 'skipped';
  bytes: number;
  detail?: string;
}

export async function runCopy(storage: StoragePort, event: ObjectEvent, route: string, copy: PlannedCopy, sourceHead?: ObjectHead): Promise<CopyOutcome> {
  if (copy.bucket === event.bucket && copy.key === event.key) {
    throw new ActionError('CopyOntoItself', `refusing to copy s3://${event.bucket}/${event.key} onto itself`, 'config');
  }
  if (copy.skipExisting && sourceHead) {
    const existing = await storage.head({ bucket: copy.bucket, key: copy.key }, copy.destinationAccess);
    const sameContent = existing && existing.size === sourceHead.size && (existing.eTag === sourceHead.eTag || existing.metadata[SOURCE_ETAG] === sourceHead.eTag);
    if (sameContent) {
      return { method: 'skipped', bytes: 0, detail: 'same size and ETag already at the destination' };
    }
  }
  const result = await storage.copy({
    source: { bucket: event.bucket, key: event.key, ...(event.versionId ? { versionId: event.versionId } : {}) },
    destination: { bucket: copy.bucket, key: copy.key },
    ...(copy.sourceAccess ? { sourceAccess: copy.sourceAccess } : {}),
    ...(copy.destinationAccess ? { destinationAccess: copy.destinationAccess } : {}),
    ...(copy.kmsKey ? { kmsKeyId: copy.kmsKey } : {}),
    ...(copy.acl ? { acl: copy.acl } : {}),
    multipartThreshold: copy.multipartThreshold,
    partSize: copy.partSize,
    partConcurrency: copy.partConcurrency,
    addMetadata: { [LOOP_MARKER]: route, ...(sourceHead ? { [SOURCE_ETAG]: sourceHead.eTag } : {}) },
    ...(sourceHead ? { sourceHead } : {}),
  });
  return { method: result.method, bytes: result.bytes };
}
