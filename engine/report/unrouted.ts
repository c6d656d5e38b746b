/**
 * Why a direct (manual) invocation reached no route. A person typed that input and waits for an
 * answer: "processed" with nothing done would read as success, so the record is rejected with this.
 */
import type { ObjectEvent } from '../events/object-event.ts';

/** A route's verdict on the event: from the pipeline where the route was tried, else structural. */
export interface RouteVerdict {
  name: string;
  bucket: string;
  reason: string;
}

export function unroutedReason(event: Pick<ObjectEvent, 'bucket' | 'key'>, verdicts: RouteVerdict[]): string {
  const target = `direct invocation for s3://${event.bucket}/${event.key} matches no route, nothing was copied`;
  const sameBucket = verdicts.filter((v) => v.bucket === event.bucket);
  if (sameBucket.length > 0) {
    return `${target} (${sameBucket.map((v) => `${v.name}: ${v.reason}`).join('; ')}): check sourceKey and the object against each route's match`;
  }
  const buckets = [...new Set(verdicts.map((v) => v.bucket))].sort();
  const listened = buckets.length > 0 ? `routes here listen on ${buckets.join(', ')}` : 'no route is loaded';
  return `${target}: no route listens on bucket ${event.bucket} (${listened}): check sourceBucket`;
}
