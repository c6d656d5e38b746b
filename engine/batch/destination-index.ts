/**
 * What the destination already holds, from one parallel listing per (bucket, role) instead of
 * one HeadObject per object: a re-run of a large backfill then costs a few list calls. Keys
 * outside the listed prefix, and listings that fail, answer `unknown`, and the copy falls back
 * to its own HeadObject check (which also reads the source-ETag metadata of multipart copies).
 */
import type { Access, ListedObject, StoragePort } from '../ports/types.ts';
import { listEverything } from './partitioned-listing.ts';
import { accessId } from '../ports/access-id.ts';

export type DestinationState = { state: 'absent' } | ({ state: 'present' } & ListedObject) | { state: 'unknown' };

export class DestinationIndex {
  /** Per run: listed keys by bucket and role; undefined when the listing failed. */
  private readonly listings = new Map<string, Promise<Map<string, ListedObject> | undefined>>();

  constructor(
    private readonly storage: StoragePort,
    /** Only keys under this prefix are listed (the source prefix: copies usually keep their key). */
    private readonly prefix: string,
  ) {}

  /** Starts listing a destination now (e.g. while the source is still being listed); lookups then wait for less. */
  prefetch(bucket: string, access?: Access): void {
    void this.listing(bucket, access);
  }

  async lookup(bucket: string, key: string, access?: Access): Promise<DestinationState> {
    if (!key.startsWith(this.prefix)) return { state: 'unknown' };
    const objects = await this.listing(bucket, access);
    if (!objects) return { state: 'unknown' };
    const found = objects.get(key);
    return found ? { state: 'present', ...found } : { state: 'absent' };
  }

  private listing(bucket: string, access: Access | undefined): Promise<Map<string, ListedObject> | undefined> {
    const id = `${bucket}\u0000${accessId(access)}`;
    let listing = this.listings.get(id);
    if (!listing) this.listings.set(id, (listing = this.list(bucket, access)));
    return listing;
  }

  private async list(bucket: string, access: Access | undefined): Promise<Map<string, ListedObject> | undefined> {
    try {
      const listed = await listEverything(this.storage, bucket, this.prefix, access ? { access } : {});
      return new Map(listed.map((o) => [o.key, o]));
    } catch {
      // Not fatal: every object then checks its destination with HeadObject as usual.
      return undefined;
    }
  }
}
