/**
 * Lists everything under a prefix with several ListObjectsV2 calls in flight: the first call
 * (with `/` as delimiter) splits the prefix into its folders, and each folder is listed on its
 * own — split once more when it is a level below the prefix — at most `concurrency` at once.
 * A flat prefix (no folders) is one paged listing, as before. The objects come back in S3's
 * order (UTF-8 byte order), whatever order the partitions finish in.
 */
import { createLimiter, mapLimit } from '../limiter.ts';
import type { Access, ListedObject, StoragePort } from '../ports/types.ts';

export const LISTING_CONCURRENCY = 16;
/** Folder levels split below the prefix (2: `exports/` → `exports/g000/` → listed whole). */
const SPLIT_DEPTH = 2;

export interface ListingOptions {
  access?: Access;
  concurrency?: number;
  /** Called after every page with the objects listed so far. */
  onPage?: (listed: number) => void;
}

export async function listEverything(storage: StoragePort, bucket: string, prefix: string, options: ListingOptions = {}): Promise<ListedObject[]> {
  const concurrency = options.concurrency ?? LISTING_CONCURRENCY;
  const limit = createLimiter(concurrency);
  let listed = 0;
  const counted = (objects: ListedObject[]): ListedObject[] => {
    listed += objects.length;
    options.onPage?.(listed);
    return objects;
  };

  const listPartition = async (partition: string, depth: number): Promise<ListedObject[]> => {
    const split = depth < SPLIT_DEPTH;
    const objects: ListedObject[] = [];
    const folders: string[] = [];
    let token: string | undefined;
    do {
      const page = await limit(() => storage.list(bucket, partition, token, options.access, split ? '/' : undefined));
      objects.push(...counted(page.objects));
      folders.push(...(page.prefixes ?? []));
      token = page.nextToken;
    } while (token !== undefined);
    // Calls are bounded by `limit`; this only bounds how many partitions wait for it.
    const below = await mapLimit(folders, concurrency, (folder) => listPartition(folder, depth + 1));
    return [...objects, ...below.flat()];
  };

  return (await listPartition(prefix, 0)).sort(byKey);
}

/** S3 lists keys in UTF-8 byte order, which differs from JavaScript's UTF-16 order above U+FFFF. */
function byKey(a: ListedObject, b: ListedObject): number {
  return Buffer.compare(Buffer.from(a.key, 'utf8'), Buffer.from(b.key, 'utf8'));
}
