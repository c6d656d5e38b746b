import { describe, expect, it } from 'vitest';
import { commonPrefix, pick } from '../../../engine/batch/validate.ts';

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
