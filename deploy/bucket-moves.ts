/**
 * Source buckets that move from one stack of the deployment to another: a shard that split, or
 * merged back. Each function stack lists its buckets in its template's Metadata
 * (generators/cloudformation/template.ts), so the deployed templates and the desired ones say
 * what moves. A moving bucket's events go to the stack that takes it over from then on, under
 * that stack's names: its intake queue and its role. So the stack taking it over is deployed
 * first (an EventBridge rule on both for a moment is a repeat the markers absorb; none on
 * either is events lost), and a stack whose intake queue a moving bucket still notifies is held
 * until the bucket notifies the new one: updating it would delete the queue S3 delivers to.
 */
import type { SourceBucketsMetadata } from '../generators/cloudformation/types.ts';

export interface BucketMove {
  bucket: string;
  from: string;
  to: string;
  /** The bucket's S3 notifications go to an intake queue of `from`, which its update deletes. */
  notified: boolean;
}

/** The moves between the deployed templates and the desired ones, by stack name. */
export function bucketMoves(desired: ReadonlyArray<{ name: string; body: string }>, deployed: ReadonlyMap<string, string>): BucketMove[] {
  const wanted = new Map<string, string>();
  for (const stack of desired) for (const bucket of sourceBuckets(stack.body)?.sourceBuckets ?? []) wanted.set(bucket, stack.name);
  // Every deployed stack still listing a bucket that belongs elsewhere now: a move not finished is still a move.
  const moves: BucketMove[] = [];
  for (const [stack, body] of deployed) {
    const listed = sourceBuckets(body);
    for (const bucket of listed?.sourceBuckets ?? []) {
      const to = wanted.get(bucket);
      if (to !== undefined && to !== stack) moves.push({ bucket, from: stack, to, notified: listed?.notifiedBuckets.includes(bucket) ?? false });
    }
  }
  return moves.sort((a, b) => a.bucket.localeCompare(b.bucket) || a.from.localeCompare(b.from));
}

/** What a stack's template says of its buckets; undefined for templates written before it said (they move unseen). */
export function sourceBuckets(body: string): SourceBucketsMetadata | undefined {
  try {
    const listed = (JSON.parse(body) as { Metadata?: { Switchyard?: Partial<SourceBucketsMetadata> } }).Metadata?.Switchyard;
    if (!Array.isArray(listed?.sourceBuckets)) return undefined;
    return { sourceBuckets: listed.sourceBuckets, notifiedBuckets: Array.isArray(listed.notifiedBuckets) ? listed.notifiedBuckets : [] };
  } catch {
    return undefined;
  }
}

/** One line per move, for the operator. */
export function describeMoves(moves: readonly BucketMove[]): string[] {
  return moves.map(
    (m) =>
      `bucket ${m.bucket} moves from ${m.from} to ${m.to}: ${m.to} is deployed first, and the bucket's events are handled under its names (role, ` +
      `${m.notified ? 'intake queue' : 'EventBridge rule'}) from then on; apply the policies/ files that name ${m.to}'s role in other accounts` +
      (m.notified ? `, and point the bucket's notifications at ${m.to}'s intake queue (switchyard notifications apply --bucket ${m.bucket})` : ''),
  );
}
