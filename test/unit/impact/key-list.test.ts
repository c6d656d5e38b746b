/** Key lists for `impact --keys`: plain lines, s3:// URLs and S3 Inventory CSV rows. */
import { describe, expect, it } from 'vitest';
import { parseKeyList } from '../../../engine/impact/key-list.ts';
import { KeyPattern } from '../../../engine/impact/key-patterns.ts';

describe('parseKeyList', () => {
  it.each([
    ['an s3:// URL names its bucket', 's3://global-builds/builds/a.zip', undefined, [{ bucket: 'global-builds', key: 'builds/a.zip' }]],
    ['a bare key goes to --bucket', 'builds/a b.zip', 'global-builds', [{ bucket: 'global-builds', key: 'builds/a b.zip' }]],
    ['blank lines and # comments are skipped', '# keys\n\ns3://b-1/k\r\n', undefined, [{ bucket: 'b-1', key: 'k' }]],
    [
      'an Inventory row: first two columns, key form-URL-decoded, quotes doubled',
      '"inv-bucket","reports/q3+2026%2C+final.pdf","123","2026-11-01T00:00:00.000Z"\n"inv-bucket","say+%22hi%22.txt"',
      undefined,
      [
        { bucket: 'inv-bucket', key: 'reports/q3 2026, final.pdf' },
        { bucket: 'inv-bucket', key: 'say "hi".txt' },
      ],
    ],
    ['an Inventory row with a quoted comma in a later column', '"inv-bucket","a.txt","x,y"', undefined, [{ bucket: 'inv-bucket', key: 'a.txt' }]],
  ])('%s', (_name, text, bucket, objects) => {
    expect(parseKeyList(text, bucket)).toEqual({ objects, problems: [] });
  });

  it.each([
    ['a bare key without --bucket', 'builds/a.zip', "key 'builds/a.zip' names no bucket: write s3://bucket/key, or pass --bucket"],
    ['an s3:// URL without a key', 's3://bucket-only/', "'s3://bucket-only/' is not s3://bucket/key"],
    ['an Inventory row without a key', '"inv-bucket"', 'an S3 Inventory row needs "bucket","key" as its first two columns'],
    ['an Inventory key that is not URL encoding', '"inv-bucket","100%"', "key '100%' is not valid URL encoding (a '%' not followed by two hex digits)"],
  ])('reports %s with its line', (_name, text, message) => {
    expect(parseKeyList(`# first\n${text}`, undefined)).toEqual({ objects: [], problems: [{ line: 2, message }] });
  });
});

describe('KeyPattern', () => {
  it.each([
    ['one key is itself', ['builds/app-1.zip'], 'builds/app-1.zip'],
    ['common prefix and suffix around a star', ['builds/app-1.zip', 'builds/app-22.zip', 'builds/app-3.zip'], 'builds/app-*.zip'],
    ['no common suffix', ['org1/a.pdf', 'org1/b.PDF'], 'org1/*'],
    ['prefix and suffix never overlap on short keys', ['aa', 'aaa'], 'aa*'],
    ['nothing in common', ['x', 'y'], '*'],
  ])('%s', (_name, keys, pattern) => {
    const p = new KeyPattern();
    for (const key of keys) p.add(key);
    expect(p.toString()).toBe(pattern);
    expect(p.count).toBe(keys.length);
  });
});
