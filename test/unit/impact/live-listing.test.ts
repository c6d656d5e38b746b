/** `--list`: the URL it takes, and that every page of the listing is read. */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../engine/errors.ts';
import { listObjects, parseListUrl } from '../../../engine/impact/live-listing.ts';
import type { ListPage, StoragePort } from '../../../engine/ports/types.ts';

describe('parseListUrl', () => {
  it.each([
    ['s3://bucket-a/builds/', { bucket: 'bucket-a', prefix: 'builds/' }],
    ['s3://bucket-a', { bucket: 'bucket-a', prefix: '' }],
    ['s3://bucket-a/', { bucket: 'bucket-a', prefix: '' }],
  ])('%s', (url, expected) => {
    expect(parseListUrl(url)).toEqual(expected);
  });

  it('refuses anything else as usage (SY221)', () => {
    expect(() => parseListUrl('bucket-a/builds')).toThrow(UsageError);
  });
});

describe('listObjects', () => {
  it('follows continuation tokens until the last page', async () => {
    const pages: Record<string, ListPage> = {
      first: { objects: [{ key: 'p/a', size: 1, eTag: 'e' }], nextToken: 't1' },
      t1: { objects: [{ key: 'p/b', size: 1, eTag: 'e' }], nextToken: 't2' },
      t2: { objects: [{ key: 'p/c', size: 1, eTag: 'e' }] },
    };
    const asked: Array<[string, string, string | undefined]> = [];
    const storage = {
      list: async (bucket: string, prefix: string, token?: string) => {
        asked.push([bucket, prefix, token]);
        return pages[token ?? 'first'] as ListPage;
      },
    } as unknown as StoragePort;
    const keys: string[] = [];
    for await (const object of listObjects(storage, 'bucket-a', 'p/')) keys.push(`${object.bucket}/${object.key}`);
    expect(keys).toEqual(['bucket-a/p/a', 'bucket-a/p/b', 'bucket-a/p/c']);
    expect(asked).toEqual([
      ['bucket-a', 'p/', undefined],
      ['bucket-a', 'p/', 't1'],
      ['bucket-a', 'p/', 't2'],
    ]);
  });
});
