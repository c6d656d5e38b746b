import { describe, expect, it } from 'vitest';
import { planParts, partSizeFor } from '../../../../engine/ports/aws/part-plan.ts';
import { MAX_PARTS } from '../../../../engine/s3-limits.ts';

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

describe('partSizeFor', () => {
  const cases = [
    { proves: 'the requested size is used when it is a whole MiB', size: 1 * GIB, requested: 100 * MIB, expected: 100 * MIB },
    { proves: 'a requested size below 5 MiB is raised to 5 MiB', size: 12 * MIB, requested: 1 * MIB, expected: 5 * MIB },
    { proves: 'a requested size is rounded up to a whole MiB', size: 1 * GIB, requested: 8 * MIB + 1, expected: 9 * MIB },
    {
      proves: 'a huge object grows the part size so it fits in 10,000 parts',
      size: 5000 * GIB,
      requested: 100 * MIB,
      expected: Math.ceil((5000 * GIB) / MAX_PARTS / MIB) * MIB,
    },
    { proves: 'a requested size above S3’s 5 GiB part limit is lowered to it', size: 50 * GIB, requested: 10 * GIB, expected: 5 * GIB },
  ];
  it.each(cases)('$proves', ({ size, requested, expected }) => {
    expect(partSizeFor(size, requested)).toBe(expected);
  });
});

describe('planParts', () => {
  it('covers every byte exactly once with inclusive ranges', () => {
    const size = 12 * MIB + 7;
    const parts = planParts(size, 5 * MIB);

    expect(parts.map((part) => part.range)).toEqual([
      `bytes=0-${5 * MIB - 1}`,
      `bytes=${5 * MIB}-${10 * MIB - 1}`,
      `bytes=${10 * MIB}-${size - 1}`,
    ]);
    expect(parts.map((part) => part.partNumber)).toEqual([1, 2, 3]);
    expect(parts.reduce((sum, part) => sum + part.bytes, 0)).toBe(size);
  });

  it('never exceeds 10,000 parts', () => {
    const size = 5 * 1024 * GIB;
    expect(planParts(size, 5 * MIB).length).toBeLessThanOrEqual(MAX_PARTS);
  });

  it('makes one part for an object exactly one part long', () => {
    expect(planParts(5 * MIB, 5 * MIB)).toEqual([{ partNumber: 1, range: `bytes=0-${5 * MIB - 1}`, bytes: 5 * MIB }]);
  });
});
