/** Reading a `bucket,key[,versionId]` manifest: what it names, what it leaves to say, and errors that name the line. */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../../engine/errors.ts';
import { csvManifestKeys } from '../../../engine/batch/manifest-input.ts';
import { createLocalStorage } from '../../../engine/ports/local/storage.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchyard-csv-'));
  await mkdir(join(dir, 'manifests'), { recursive: true });
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

const manifest = async (text: string) => {
  await writeFile(join(dir, 'manifests', 'm.csv'), text);
  return csvManifestKeys(createLocalStorage(dir), 's3://manifests/m.csv', 'src');
};

describe('csvManifestKeys', () => {
  it('names the keys of the route bucket, and counts rows of other buckets and rows naming a version', async () => {
    const read = await manifest('\uFEFFsrc,data/a%20b.txt\nsrc,data/c.txt,3HL4kqtJlcpXroDTDmJ\nsrcc,data/typo.txt\n\nother,data/x.txt\n');

    expect([...read.keys]).toEqual(['data/a b.txt', 'data/c.txt']);
    expect(read).toMatchObject({ otherBuckets: 2, versioned: 1 });
  });

  it('a key that is not URL-encoded is an input error naming the line and the fix', async () => {
    const reading = manifest('src,data/a.txt\nsrc,data/100%.txt\n');

    await expect(reading).rejects.toBeInstanceOf(InputError);
    await expect(reading).rejects.toThrow(/line 2: the key 'data\/100%\.txt' is not URL-encoded \(a '%' must be written %25/);
  });

  it('a row with one field is an input error naming the line', async () => {
    await expect(manifest('src,data/a.txt\n\nsrc\n')).rejects.toThrow(/m\.csv line 3: 1 field\(s\); each row is bucket,key\[,versionId\]/);
  });
});
