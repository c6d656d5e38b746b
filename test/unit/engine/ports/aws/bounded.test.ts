import { describe, expect, it } from 'vitest';
import { mapBounded } from '../../../../../engine/ports/aws/bounded.ts';

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1));

describe('mapBounded', () => {
  it('keeps results in input order and never exceeds the limit', async () => {
    let inFlight = 0;
    let peak = 0;
    const results = await mapBounded([5, 4, 3, 2, 1, 0, 6, 7], 3, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      for (let i = 0; i < n; i++) await tick();
      inFlight--;
      return n * 10;
    });

    expect(results).toEqual([50, 40, 30, 20, 10, 0, 60, 70]);
    expect(peak).toBe(3);
  });

  it('starts nothing new after a failure, lets in-flight work settle, then throws the first error', async () => {
    const started: number[] = [];
    let settled = 0;
    const run = mapBounded([1, 2, 3, 4, 5, 6], 2, async (n) => {
      started.push(n);
      for (let i = 0; i < (n === 1 ? 5 : 1); i++) await tick();
      settled++;
      if (n === 2) throw new Error('part 2 failed');
      return n;
    });

    await expect(run).rejects.toThrow('part 2 failed');
    expect(started).toEqual([1, 2]);
    expect(settled).toBe(2);
  });

  it('handles an empty list', async () => {
    expect(await mapBounded([], 4, async (n: number) => n)).toEqual([]);
  });
});
