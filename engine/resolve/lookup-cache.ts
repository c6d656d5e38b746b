/**
 * Per-container cache for lookups (SSM parameters, S3 JSON config, tables), with a TTL.
 * Deliberate global state: a warm Lambda container reuses what it has read.
 */
export class LookupCache {
  private readonly entries = new Map<string, { expires: number; value: Promise<unknown> }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The cached value for `key`, loading it with `load` when absent or expired. Failures are not cached. */
  get<T>(key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    const now = this.now();
    if (hit && hit.expires > now) return hit.value as Promise<T>;
    const value = load();
    this.entries.set(key, { expires: now + ttlMs, value });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}

/** The container-wide cache used by the Lambda handler. */
export const containerLookupCache = new LookupCache();
