import { describe, expect, it } from 'vitest';
import type { CompiledRoute } from '../../../engine/load/compiled-route.ts';
import { GeneratorError } from '../../../generators/cloudformation/errors.ts';
import { hashBits, placeRoutes, shardSuffix, type FitCheck, type Shard } from '../../../generators/placement.ts';

/** Placement reads a route's name and source bucket only. */
function route(name: string, bucket: string): CompiledRoute {
  return { name, definition: { source: { bucket } } } as unknown as CompiledRoute;
}

function routesOver(buckets: number, perBucket = 3): CompiledRoute[] {
  return Array.from({ length: buckets }, (_, b) => Array.from({ length: perBucket }, (_, r) => route(`b${b}-r${r}`, `bucket-${b}`))).flat();
}

/** A stack takes at most `max` routes. */
const atMost =
  (max: number): FitCheck =>
  (routes) =>
    routes.length > max ? { quota: `${max} routes`, limit: max, actual: routes.length } : undefined;

function byBucket(shards: Shard[]): Map<string, string> {
  return new Map(shards.flatMap((s) => s.buckets.map((b) => [b, s.bits] as const)));
}

describe('placement by extendible hashing of the bucket name', () => {
  it('puts everything in one shard when it fits', () => {
    const shards = placeRoutes(routesOver(10), atMost(100));
    expect(shards).toHaveLength(1);
    expect(shards[0]?.bits).toBe('');
    expect(shards[0]?.routes.map((r) => r.name)).toEqual([...shards[0]!.routes.map((r) => r.name)].sort());
  });

  it('splits until every shard fits; shards are hash prefixes of their buckets, prefix-free, covering every bucket once', () => {
    const shards = placeRoutes(routesOver(200), atMost(60));
    expect(shards.length).toBeGreaterThan(10);
    for (const shard of shards) {
      expect(shard.routes.length).toBeLessThanOrEqual(60);
      for (const bucket of shard.buckets) expect(hashBits(bucket, shard.bits.length)).toBe(shard.bits);
      for (const other of shards) if (other !== shard) expect(other.bits.startsWith(shard.bits)).toBe(false);
    }
    expect(shards.flatMap((s) => s.buckets).sort()).toEqual(Array.from({ length: 200 }, (_, b) => `bucket-${b}`).sort());
  });

  it('keeps all routes of a bucket together', () => {
    for (const shard of placeRoutes(routesOver(50, 4), atMost(20))) {
      for (const r of shard.routes) expect(shard.buckets).toContain(r.definition.source.bucket);
      expect(shard.routes.length % 4).toBe(0);
    }
  });

  it('gives the same placement whatever order the routes come in', () => {
    const routes = routesOver(80);
    expect(placeRoutes([...routes].reverse(), atMost(30))).toEqual(placeRoutes(routes, atMost(30)));
  });

  it('adding a bucket changes only the shard that receives it (or splits that one shard), never moving other buckets between shards', () => {
    const before = placeRoutes(routesOver(120), atMost(45));
    for (let extra = 0; extra < 40; extra++) {
      const after = placeRoutes([...routesOver(120), route(`new-${extra}`, `new-bucket-${extra}`)], atMost(45));
      const receiving = after.find((s) => s.buckets.includes(`new-bucket-${extra}`));
      const changedBefore = before.filter((s) => !after.some((a) => a.bits === s.bits && a.buckets.join() === s.buckets.join()));
      // Only the receiving shard (or its parent that split) differs.
      expect(changedBefore.length).toBeLessThanOrEqual(1);
      for (const shard of changedBefore) expect(receiving?.bits.startsWith(shard.bits)).toBe(true);
      const moved = [...byBucket(before)].filter(([bucket, bits]) => {
        const now = byBucket(after).get(bucket) ?? '';
        return now !== bits && !now.startsWith(bits);
      });
      expect(moved).toEqual([]);
    }
  });

  it('fails naming the quota, the bucket, its routes and what to change when one bucket alone does not fit', () => {
    const routes = [...routesOver(5), ...Array.from({ length: 9 }, (_, i) => route(`big-${i}`, 'huge-bucket'))];
    const place = (): Shard[] => placeRoutes(routes, atMost(8));
    expect(place).toThrow(GeneratorError);
    expect(place).toThrow(/source bucket huge-bucket need 9 against AWS's 8 routes \(limit 8\)/);
    expect(place).toThrow(/big-0, big-1/);
    expect(place).toThrow(/move some to another source bucket/);
  });
});

describe('shard stack names', () => {
  it('drop trailing zeros, so the zeros half of a split keeps its stack', () => {
    expect(shardSuffix('')).toBe('0');
    expect(shardSuffix('0')).toBe('0');
    expect(shardSuffix('1')).toBe('1');
    expect(shardSuffix('10')).toBe('1');
    expect(shardSuffix('11')).toBe('11');
    expect(shardSuffix('0110')).toBe('011');
  });

  it('are distinct for any prefix-free set of shards', () => {
    const shards = placeRoutes(routesOver(300), atMost(20));
    const names = shards.map((s) => shardSuffix(s.bits));
    expect(new Set(names).size).toBe(names.length);
  });
});
