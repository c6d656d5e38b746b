/** Parallel listing by folder: every object once, in S3's order, whether or not the port splits by delimiter. */
import { describe, expect, it } from 'vitest';
import { listEverything } from '../../../engine/batch/partitioned-listing.ts';
import type { ListPage, StoragePort } from '../../../engine/ports/types.ts';

/** A port over a key list that pages by 3 and, when asked and `delimiters` is on, groups by `/` as S3 does. */
function storage(keys: string[], delimiters: boolean): StoragePort & { calls: Array<{ prefix: string; delimiter?: string }> } {
  const sorted = [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const calls: Array<{ prefix: string; delimiter?: string }> = [];
  const port = {
    calls,
    async list(_bucket: string, prefix: string, token?: string, _access?: unknown, delimiter?: string): Promise<ListPage> {
      calls.push({ prefix, ...(delimiter ? { delimiter } : {}) });
      const under = sorted.filter((k) => k.startsWith(prefix));
      const entries: Array<{ key?: string; folder?: string }> = [];
      for (const key of under) {
        const slash = delimiters && delimiter ? key.indexOf('/', prefix.length) : -1;
        if (slash < 0) entries.push({ key });
        else if (entries.at(-1)?.folder !== key.slice(0, slash + 1)) entries.push({ folder: key.slice(0, slash + 1) });
      }
      const start = Number(token ?? 0);
      const page = entries.slice(start, start + 3);
      return {
        objects: page.flatMap((e) => (e.key ? [{ key: e.key, size: 1, eTag: 'e' }] : [])),
        ...(delimiters && delimiter ? { prefixes: page.flatMap((e) => (e.folder ? [e.folder] : [])) } : {}),
        ...(start + 3 < entries.length ? { nextToken: String(start + 3) } : {}),
      };
    },
  };
  return port as unknown as StoragePort & { calls: typeof calls };
}

const keys = ['x/top.txt', 'x/a/1', 'x/a/2', 'x/a/deep/3', 'x/b/4', 'x/b/5', 'x/c/6', 'x/émoji 🚚', 'x/ab', 'x/a/z/7'];
const s3Order = [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));

describe('listEverything', () => {
  for (const delimiters of [true, false]) {
    it(`lists every object once in S3 order (${delimiters ? 'port splits by folder' : 'port ignores the delimiter'})`, async () => {
      const port = storage(keys, delimiters);
      const listed = await listEverything(port, 'b', 'x/', { concurrency: 3 });
      expect(listed.map((o) => o.key)).toEqual(s3Order);
    });
  }

  it('splits two folder levels and lists deeper folders whole', async () => {
    const port = storage(keys, true);
    await listEverything(port, 'b', 'x/');
    expect([...new Set(port.calls.filter((c) => c.delimiter).map((c) => c.prefix))].sort()).toEqual(['x/', 'x/a/', 'x/b/', 'x/c/']);
    expect([...new Set(port.calls.filter((c) => !c.delimiter).map((c) => c.prefix))].sort()).toEqual(['x/a/deep/', 'x/a/z/']);
  });
});
