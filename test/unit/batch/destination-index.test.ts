import { describe, expect, it } from 'vitest';
import { DestinationIndex } from '../../../engine/batch/destination-index.ts';
import type { ListPage, StoragePort } from '../../../engine/ports/types.ts';

/** A storage port that only lists, two objects per page, and counts its calls. */
function listingStorage(keys: Record<string, { size: number; eTag: string }>, fail = false): StoragePort & { calls: number } {
  const entries = Object.entries(keys).sort(([a], [b]) => (a < b ? -1 : 1));
  const port = {
    calls: 0,
    async list(_bucket: string, prefix: string, token?: string): Promise<ListPage> {
      port.calls++;
      if (fail) throw new Error('AccessDenied');
      const matching = entries.filter(([k]) => k.startsWith(prefix));
      const start = Number(token ?? 0);
      const page = matching.slice(start, start + 2);
      return { objects: page.map(([key, o]) => ({ key, ...o })), ...(start + 2 < matching.length ? { nextToken: String(start + 2) } : {}) };
    },
  };
  return port as unknown as StoragePort & { calls: number };
}

describe('DestinationIndex', () => {
  const objects = { 'exports/a': { size: 1, eTag: 'e1' }, 'exports/b': { size: 2, eTag: 'e2' }, 'exports/c': { size: 3, eTag: 'e3' } };
  const cases = [
    { name: 'a listed key is present with its size and ETag', key: 'exports/c', expected: { state: 'present', key: 'exports/c', size: 3, eTag: 'e3' } },
    { name: 'a key under the prefix that is not listed is absent', key: 'exports/zzz', expected: { state: 'absent' } },
    { name: 'a key outside the listed prefix is unknown (HeadObject decides)', key: 'elsewhere/a', expected: { state: 'unknown' } },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const index = new DestinationIndex(listingStorage(objects), 'exports/');
      expect(await index.lookup('dst', c.key)).toEqual(c.expected);
    });
  }
  it('lists each bucket once however many objects ask, following every page', async () => {
    const storage = listingStorage(objects);
    const index = new DestinationIndex(storage, 'exports/');
    const answers = await Promise.all(['exports/a', 'exports/b', 'exports/c', 'exports/d'].map((k) => index.lookup('dst', k)));
    expect(answers.map((a) => a.state)).toEqual(['present', 'present', 'present', 'absent']);
    expect(storage.calls).toBe(2);
  });
  it('a listing that fails makes every key unknown instead of failing the run', async () => {
    const index = new DestinationIndex(listingStorage(objects, true), 'exports/');
    expect(await index.lookup('dst', 'exports/a')).toEqual({ state: 'unknown' });
  });
  it('a prefetched listing is started at once and answers later lookups without listing again', async () => {
    const storage = listingStorage(objects);
    const index = new DestinationIndex(storage, 'exports/');
    index.prefetch('dst');
    expect(storage.calls).toBe(1);
    expect(await index.lookup('dst', 'exports/b')).toMatchObject({ state: 'present', size: 2 });
    expect(storage.calls).toBe(2);
  });
  it('a prefetch that fails is not an unhandled rejection: lookups answer unknown', async () => {
    const index = new DestinationIndex(listingStorage(objects, true), 'exports/');
    index.prefetch('dst');
    expect(await index.lookup('dst', 'exports/a')).toEqual({ state: 'unknown' });
  });
});
