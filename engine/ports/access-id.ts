import type { Access } from './types.ts';

/** One string per role and external id (the container's own access is ''): a key for caches and groups of calls made as the same principal. */
export function accessId(access: Access | undefined): string {
  return `${access?.roleArn ?? ''}\u0000${access?.externalId ?? ''}`;
}
