/** Carries out one planned copy through the storage port (CopyObject or multipart is the port's choice by size). */
import { ActionError } from '../errors.ts';
import type { ObjectEvent } from '../events/object-event.ts';
import type { ObjectHead, StoragePort } from '../ports/types.ts';
import { sourceReader, type PlannedCopy } from './planned-action.ts';

/** Metadata key put on copies into watched buckets; an event for an object carrying it is not routed again. */
export const LOOP_MARKER = 'switchyard-route';

import { SIZE_AND_TIME, SOURCE_ETAG, confirmByChecksum, contentOptionsFor, sameContent } from './same-content.ts';
import { accessId } from '../ports/access-id.ts';

export { SOURCE_ETAG };

export interface CopyOutcome {
  method: 'copy' | 'multipart' | 'skipped';
  bytes: number;
  detail?: string;
}

/** `partialWorld`: reads are answered from fixtures that need not hold the object (dry-run, route tests): no version check. */
export async function runCopy(storage: StoragePort, event: ObjectEvent, route: string, copy: PlannedCopy, sourceHead?: ObjectHead, partialWorld = false): Promise<CopyOutcome> {
  if (copy.bucket === event.bucket && copy.key === event.key) {
    throw new ActionError('CopyOntoItself', `refusing to copy s3://${event.bucket}/${event.key} onto itself`, 'config');
  }
  const outdated = partialWorld ? undefined : await superseded(storage, event, copy);
  if (outdated) return { method: 'skipped', bytes: 0, detail: outdated };
  const known = sourceHead ?? headFromEvent(event);
  const source = { bucket: event.bucket, key: event.key, ...(event.versionId ? { versionId: event.versionId } : {}) };
  if (copy.skipExisting && known) {
    const destination = { bucket: copy.bucket, key: copy.key };
    const options = contentOptionsFor(copy);
    let same: string | undefined;
    if (copy.skipExisting === 'checksum') {
      const existing = await storage.headWithChecksums(destination, copy.destinationAccess);
      same = existing && sameContent(known, existing, options);
      if (same === SIZE_AND_TIME && existing) {
        same = await confirmByChecksum(storage, { ref: source, access: sourceReader(copy), facts: known }, { ref: destination, access: copy.destinationAccess }, options, existing);
      }
    } else {
      const existing = await storage.head(destination, copy.destinationAccess);
      same = existing && sameContent(known, existing, options);
    }
    if (same) return { method: 'skipped', bytes: 0, detail: `${same} already at the destination` };
  }
  const result = await storage.copy({
    source,
    destination: { bucket: copy.bucket, key: copy.key },
    ...(copy.sourceAccess ? { sourceAccess: copy.sourceAccess } : {}),
    ...(copy.destinationAccess ? { destinationAccess: copy.destinationAccess } : {}),
    ...(copy.kmsKey ? { kmsKeyId: copy.kmsKey } : {}),
    ...(copy.acl ? { acl: copy.acl } : {}),
    multipartThreshold: copy.multipartThreshold,
    partSize: copy.partSize,
    partConcurrency: copy.partConcurrency,
    ...addedMetadata(route, copy, known),
    ...(known ? { sourceHead: known } : {}),
  });
  return { method: result.method, bytes: result.bytes };
}

/**
 * Metadata the copy adds, if any. Without it the port copies with MetadataDirective and
 * TaggingDirective COPY: one CopyObject, no HeadObject. The marker is only needed where a
 * route watches the destination. Where metadata is written anyway (marker, multipart), the
 * source's ETag goes with it for skip-existing on later runs, at no extra cost.
 */
function addedMetadata(route: string, copy: PlannedCopy, known: ObjectHead | undefined): { addMetadata?: Record<string, string> } {
  const multipart = known !== undefined && known.size > 0 && known.size >= copy.multipartThreshold;
  const sourceETag: Record<string, string> = known?.eTag && (copy.skipExisting || multipart) ? { [SOURCE_ETAG]: known.eTag } : {};
  if (copy.loopMarker !== false) return { addMetadata: { [LOOP_MARKER]: route, ...sourceETag } };
  return multipart ? { addMetadata: sourceETag } : {};
}

/** Per event and reader: the source's current version, read once for all of the event's destinations. */
const currentVersions = new WeakMap<ObjectEvent, Map<string, Promise<ObjectHead | undefined>>>();

/**
 * Why an event's version must not be copied: it is no longer the object's current version.
 * S3 events are not delivered in order (standard SQS, EventBridge), and a redelivery or a
 * re-drive can come long after a newer write: copying the event's own version then would put an
 * older version over a newer one at the destination. The newer version's event copies it. Only
 * events naming a version (versioned buckets) are checked: one HeadObject per event.
 */
async function superseded(storage: StoragePort, event: ObjectEvent, copy: PlannedCopy): Promise<string | undefined> {
  if (event.versionId === undefined || (event.origin !== 's3-notification' && event.origin !== 'eventbridge')) return undefined;
  const reader = sourceReader(copy);
  let byReader = currentVersions.get(event);
  if (!byReader) currentVersions.set(event, (byReader = new Map()));
  const id = accessId(reader);
  let current = byReader.get(id);
  if (!current) {
    current = storage.head({ bucket: event.bucket, key: event.key }, reader);
    byReader.set(id, current);
    // A failed read (throttled, a reset) is not the answer: the retry asks again.
    const asked = byReader;
    current.catch(() => asked.delete(id));
  }
  const head = await current;
  const object = `s3://${event.bucket}/${event.key}`;
  if (!head) return `${object} has no current version any more (deleted since the event): version ${event.versionId} is not copied`;
  if (head.versionId === undefined || head.versionId === event.versionId) return undefined;
  return `superseded: the current version of ${object} is ${head.versionId}, not the event's ${event.versionId}; the newer version's own event copies it`;
}

/**
 * The size and ETag an S3 event carries are the object's own: no HeadObject needed for them. Its
 * time stands in for the object's last change where only size and time can tell (same-content.ts):
 * S3 reports the event at or after the write it announces (a multipart upload's object is dated
 * when it began), and a later time only makes "written since" harder to meet, never easier.
 */
function headFromEvent(event: ObjectEvent): ObjectHead | undefined {
  if (event.size === undefined || event.eTag === undefined || event.eTag === '') return undefined;
  return { size: event.size, eTag: event.eTag, metadata: {}, ...(event.kind === 'created' ? { lastModified: new Date(event.eventTime) } : {}) };
}
