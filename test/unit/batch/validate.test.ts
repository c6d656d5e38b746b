import { describe, expect, it } from 'vitest';
import { SOURCE_ETAG } from '../../../engine/actions/same-content.ts';
import type { ExpectedCopy } from '../../../engine/batch/transfer-object.ts';
import { commonPrefix, pick, validateCopies } from '../../../engine/batch/validate.ts';
import type { ObjectHead, Ports } from '../../../engine/ports/types.ts';

describe('commonPrefix', () => {
  const cases = [
    { name: 'no keys: list everything', keys: [], prefix: '' },
    { name: 'one key is its own prefix', keys: ['exports/a.csv'], prefix: 'exports/a.csv' },
    { name: 'keys in sibling folders share their parent', keys: ['exports/2026/a', 'exports/2025/b'], prefix: 'exports/202' },
    { name: 'unrelated keys share nothing', keys: ['a/x', 'b/y'], prefix: '' },
    { name: 'never ends inside a surrogate pair', keys: ['x/🚚', 'x/🚛'], prefix: 'x/' },
  ];
  for (const c of cases) it(c.name, () => expect(commonPrefix(c.keys)).toBe(c.prefix));
});

describe('pick', () => {
  const items = Array.from({ length: 100 }, (_, i) => i);
  let state = 1;
  const random = (): number => ((state = (state * 48271) % 2147483647) / 2147483647);
  const cases = [
    { name: 'a sample smaller than the list has that many distinct items', n: 10, size: 10 },
    { name: 'a sample as large as the list takes every item once', n: 100, size: 100 },
    { name: 'a sample larger than the list is capped at the list', n: 500, size: 100 },
    { name: 'a zero sample checks nothing', n: 0, size: 0 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const sample = pick(items, c.n, random);
      expect(sample).toHaveLength(c.size);
      expect(new Set(sample).size).toBe(c.size);
      for (const item of sample) expect(items).toContain(item);
    });
  }
});


describe('validateCopies: the sampled HeadObject', () => {
  /** A destination holding one object: validation lists it and reads its head. */
  const portsWith = (head: ObjectHead): Ports =>
    ({
      storage: {
        list: async () => ({ objects: [{ key: 'out/a.bin', size: head.size, eTag: head.eTag }] }),
        head: async () => head,
      },
    }) as unknown as Ports;
  const copy = (fields: Partial<ExpectedCopy>): ExpectedCopy => ({ bucket: 'dst', key: 'out/a.bin', size: 100, eTag: 'aaa', ...fields });
  const cases: Array<{ name: string; copy: ExpectedCopy; head: ObjectHead; status: 'passed' | 'failed' }> = [
    { name: 'same size and ETag pass', copy: copy({}), head: { size: 100, eTag: 'aaa', metadata: {} }, status: 'passed' },
    { name: 'another ETag where S3 keeps ETags is a mismatch', copy: copy({}), head: { size: 100, eTag: 'bbb', metadata: {} }, status: 'failed' },
    { name: 'a multipart source copied in one request: its ETag cannot be kept, the size decides', copy: copy({ eTag: 'aaa-3' }), head: { size: 100, eTag: 'bbb', metadata: {} }, status: 'passed' },
    { name: 'SSE-KMS by the route: the size decides', copy: copy({ kms: true }), head: { size: 100, eTag: 'bbb', metadata: {} }, status: 'passed' },
    { name: 'SSE-KMS by a bucket default, as the HeadObject says: the size decides', copy: copy({}), head: { size: 100, eTag: 'bbb', metadata: {}, encryption: 'aws:kms' }, status: 'passed' },
    { name: 'SSE-KMS with another size is a mismatch', copy: copy({ kms: true }), head: { size: 99, eTag: 'bbb', metadata: {} }, status: 'failed' },
    { name: "the source's ETag recorded on the copy decides, even under SSE-KMS", copy: copy({ kms: true }), head: { size: 100, eTag: 'bbb', metadata: { [SOURCE_ETAG]: 'zzz' } }, status: 'failed' },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const result = await validateCopies(portsWith(c.head), [c.copy], { manifestObjects: 1, concurrency: 1 });
      expect(result).toMatchObject({ status: c.status, foundCopies: 1, sampled: 1 });
      expect(result.mismatches).toHaveLength(c.status === 'passed' ? 0 : 1);
    });
  }
});

describe('validateCopies: what counts as expected', () => {
  const ports = {
    storage: {
      list: async () => ({ objects: [{ key: 'flat/a.bin', size: 100, eTag: 'aaa' }] }),
      head: async () => ({ size: 100, eTag: 'aaa', metadata: {} }),
    },
  } as unknown as Ports;

  it('two objects the route maps to one destination key are one copy there, found once', async () => {
    const copies: ExpectedCopy[] = [
      { bucket: 'dst', key: 'flat/a.bin', size: 100, eTag: 'aaa' },
      { bucket: 'dst', key: 'flat/a.bin', size: 100, eTag: 'aaa' },
    ];
    expect(await validateCopies(ports, copies, { manifestObjects: 2, concurrency: 1 })).toMatchObject({ status: 'passed', expectedCopies: 1, foundCopies: 1 });
  });

  it('an inventory without its ETag field leaves the size to decide', async () => {
    const copies: ExpectedCopy[] = [{ bucket: 'dst', key: 'flat/a.bin', size: 100, eTag: '' }];
    expect(await validateCopies(ports, copies, { manifestObjects: 1, concurrency: 1 })).toMatchObject({ status: 'passed', sampled: 1, mismatches: [] });
  });
});
