/**
 * Where each source bucket's routes go, without a state file: extendible hashing of the bucket
 * name. A shard is a prefix of the bits of sha256(bucket); all routes of one bucket are in one
 * shard. Placement starts from one shard holding every bucket and splits a shard that is over
 * any quota by its next bit, until every shard fits. So a bucket's shard depends only on the
 * buckets that share its hash prefix: adding a bucket changes the one shard that receives it
 * (or splits that one shard in two), and never moves a bucket between two other shards.
 *
 * A shard keeps the stack name of its all-zeros half when it splits (`…-shard-1` splits into
 * `…-shard-1`, for bits `10`, and `…-shard-11`), so half of a split shard's buckets stay where
 * they were.
 */
import { createHash } from 'node:crypto';
import type { CompiledRoute } from '../engine/load/compiled-route.ts';
import { GeneratorError } from './cloudformation/errors.ts';
import type { QuotaBreach } from './quotas.ts';

export interface Shard {
  /** Hash-prefix bits, e.g. `''` (one shard for everything), `0`, `101`. */
  bits: string;
  /** Sorted source buckets. */
  buckets: string[];
  /** The buckets' routes, sorted by name. */
  routes: CompiledRoute[];
}

/** Whether a set of routes fits in the stack of shard `bits`: `undefined`, or the quota it is over. */
export type FitCheck = (routes: CompiledRoute[], bits: string) => QuotaBreach | undefined;

function digestOf(bucket: string): Buffer {
  return createHash('sha256').update(bucket).digest();
}

function bitOf(digest: Buffer, index: number): '0' | '1' {
  const byte = digest[Math.floor(index / 8)] ?? 0;
  return (byte >> (7 - (index % 8))) & 1 ? '1' : '0';
}

/** The first `length` bits of sha256(bucket). */
export function hashBits(bucket: string, length: number): string {
  const digest = digestOf(bucket);
  let bits = '';
  for (let i = 0; i < length; i++) bits += bitOf(digest, i);
  return bits;
}

/** A shard's stack-name suffix: its bits without trailing zeros (so the zeros half of a split keeps the name), `0` for none. */
export function shardSuffix(bits: string): string {
  const stripped = bits.replace(/0+$/, '');
  return stripped === '' ? '0' : stripped;
}

export function placeRoutes(routes: CompiledRoute[], fits: FitCheck): Shard[] {
  const byBucket = new Map<string, CompiledRoute[]>();
  for (const route of routes) {
    const bucket = route.definition.source.bucket;
    byBucket.set(bucket, [...(byBucket.get(bucket) ?? []), route]);
  }
  const buckets = [...byBucket.keys()].sort().map((bucket) => ({ bucket, digest: digestOf(bucket), routes: sortedByName(byBucket.get(bucket) ?? []) }));
  return place('', buckets, fits);
}

interface BucketRoutes {
  bucket: string;
  digest: Buffer;
  routes: CompiledRoute[];
}

function place(bits: string, buckets: BucketRoutes[], fits: FitCheck): Shard[] {
  if (buckets.length === 0) return [];
  const routes = sortedByName(buckets.flatMap((b) => b.routes));
  const breach = fits(routes, bits);
  if (breach === undefined) return [{ bits, buckets: buckets.map((b) => b.bucket), routes }];
  if (buckets.length === 1) throw bucketTooLarge(buckets[0] as BucketRoutes, breach);
  const zeros = buckets.filter((b) => bitOf(b.digest, bits.length) === '0');
  const ones = buckets.filter((b) => bitOf(b.digest, bits.length) === '1');
  return [...place(`${bits}0`, zeros, fits), ...place(`${bits}1`, ones, fits)];
}

function bucketTooLarge(bucket: BucketRoutes, breach: QuotaBreach): GeneratorError {
  const names = bucket.routes.map((r) => r.name);
  return new GeneratorError(
    'ShardTooLarge',
    `the ${names.length} routes of source bucket ${bucket.bucket} need ${breach.actual} against AWS's ${breach.quota} (limit ${breach.limit}), and the routes of one bucket always share one stack: ` +
      `split them over fewer owned queues, shorter or fewer prefixes and allow-list entries, or move some to another source bucket (routes: ${names.join(', ')})`,
  );
}

function sortedByName(routes: CompiledRoute[]): CompiledRoute[] {
  return [...routes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
