/** Which inventory rows are objects to copy: the current version of each key in the route's bucket, nothing else. */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inventoryObject, inventoryObjects, type InventoryItem } from '../../../engine/batch/manifest-input.ts';
import { createLocalStorage } from '../../../engine/ports/local/storage.ts';

describe('inventoryObject', () => {
  const row = (fields: Partial<InventoryItem>): InventoryItem => ({ Bucket: 'src', Key: 'data/a%20b.txt', Size: '30', ETag: 'e3', LastModifiedDate: '2026-11-20T10:00:00.000Z', ...fields });
  const cases: Array<{ proves: string; item: InventoryItem; key?: string }> = [
    { proves: 'a row of the bucket is its object, key decoded', item: row({}), key: 'data/a b.txt' },
    { proves: 'the current version of a versioned inventory is the object', item: row({ IsLatest: 'true', IsDeleteMarker: 'false' }), key: 'data/a b.txt' },
    { proves: 'an older version is not copied: the backfill copies what the bucket holds now', item: row({ IsLatest: 'false', IsDeleteMarker: 'false', Size: '20' }) },
    { proves: 'a delete marker is no object', item: row({ IsLatest: 'true', IsDeleteMarker: 'true', Size: '', ETag: '' }) },
    { proves: 'an empty Size is no size, not 0 bytes', item: row({ Size: '' }) },
    { proves: "another bucket's row is not the route's", item: row({ Bucket: 'other' }) },
  ];
  for (const c of cases) it(c.proves, () => expect(inventoryObject(c.item, 'src')?.key).toBe(c.key));
});

describe('inventoryObjects of a versioned report', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchyard-inventory-'));
    const report = join(dir, 'inventory', 'src', 'all', '2026-11-29T01-00Z');
    await mkdir(join(dir, 'inventory', 'data'), { recursive: true });
    await mkdir(report, { recursive: true });
    const fileSchema = 'Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size, LastModifiedDate, ETag';
    await writeFile(join(report, 'manifest.json'), JSON.stringify({ sourceBucket: 'src', fileFormat: 'CSV', fileSchema, files: [{ key: 'data/rows.csv' }] }));
    const rows = [
      '"src","data/a.txt","v3","true","false","30","2026-11-03T00:00:00.000Z","e3"',
      '"src","data/a.txt","v2","false","false","20","2026-11-02T00:00:00.000Z","e2"',
      '"src","data/a.txt","v1","false","false","10","2026-11-01T00:00:00.000Z","e1"',
      '"src","data/gone.txt","v5","true","true","","2026-11-05T00:00:00.000Z",""',
      '"src","data/gone.txt","v4","false","false","40","2026-11-04T00:00:00.000Z","e4"',
    ];
    await writeFile(join(dir, 'inventory', 'data', 'rows.csv'), `${rows.join('\n')}\n`);
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('lists each key once, at its current version, and leaves deleted keys out', async () => {
    const { objects, other } = await inventoryObjects(createLocalStorage(dir), 's3://inventory/src/all/2026-11-29T01-00Z/manifest.json', 'src');

    expect(objects).toEqual([{ key: 'data/a.txt', size: 30, eTag: 'e3', lastModified: '2026-11-03T00:00:00.000Z' }]);
    expect(other).toBe(4);
  });
});
