import { describe, expect, it } from 'vitest';
import { createLimiter, forEachLimit, mapLimit } from '../../engine/limiter.ts';

/** Counts calls in flight and remembers the most seen at once. */
function gauge(): { enter(): void; leave(): void; readonly peak: number; readonly active: number } {
  let active = 0;
  let peak = 0;
  return {
    enter() {
      active++;
      peak = Math.max(peak, active);
    },
    leave() {
      active--;
    },
    get peak() {
      return peak;
    },
    get active() {
      return active;
    },
  };
}

/** Deterministic, uneven task durations (0–4 ms) so calls finish out of order. */
const durationOf = (i: number): number => (i * 7) % 5;
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const bounds = [
  { name: 'one at a time', n: 1, items: 12 },
  { name: 'three at once over many items', n: 3, items: 40 },
  { name: 'a limit above the item count starts every item', n: 50, items: 7 },
  { name: 'a limit equal to the item count', n: 8, items: 8 },
];

describe('mapLimit', () => {
  it.each(bounds)('$name: never more than n in flight, and n reached when possible', async ({ n, items }) => {
    const g = gauge();
    const results = await mapLimit(
      Array.from({ length: items }, (_, i) => i),
      n,
      async (item) => {
        g.enter();
        await pause(durationOf(item));
        g.leave();
        return item * 10;
      },
    );
    expect(g.peak).toBe(Math.min(n, items));
    expect(results).toEqual(Array.from({ length: items }, (_, i) => i * 10));
  });

  it('pulls items lazily: never more than n taken from the iterator ahead of finished work', async () => {
    const n = 4;
    let pulled = 0;
    let finished = 0;
    let worstLead = 0;
    function* source(): Generator<number> {
      for (let i = 0; i < 30; i++) {
        pulled++;
        worstLead = Math.max(worstLead, pulled - finished);
        yield i;
      }
    }
    await mapLimit(source(), n, async (item) => {
      await pause(durationOf(item));
      finished++;
    });
    expect(pulled).toBe(30);
    expect(worstLead).toBe(n);
  });

  it('works over an async iterable, such as a paged listing', async () => {
    async function* pages(): AsyncGenerator<string> {
      for (const page of [['a', 'b'], ['c'], ['d', 'e', 'f']]) {
        await pause(1);
        yield* page;
      }
    }
    const g = gauge();
    const results = await mapLimit(pages(), 2, async (key, index) => {
      g.enter();
      await pause(durationOf(index));
      g.leave();
      return `${index}:${key}`;
    });
    expect(results).toEqual(['0:a', '1:b', '2:c', '3:d', '4:e', '5:f']);
    expect(g.peak).toBeLessThanOrEqual(2);
  });

  it('stops starting items after the first failure, lets running ones finish, then throws that failure', async () => {
    const started: number[] = [];
    const g = gauge();
    const run = mapLimit(
      Array.from({ length: 20 }, (_, i) => i),
      3,
      async (item) => {
        started.push(item);
        g.enter();
        await pause(item === 4 ? 0 : 3);
        g.leave();
        if (item === 4) throw new Error(`item ${item} failed`);
        return item;
      },
    );
    await expect(run).rejects.toThrow('item 4 failed');
    expect(g.active).toBe(0);
    expect(started.length).toBeLessThan(20);
    expect(started).toContain(4);
  });

  it('refuses a limit that is not a whole number of at least 1', async () => {
    for (const n of [0, -1, 1.5, Number.NaN]) {
      await expect(mapLimit([1], n, async (x) => x)).rejects.toThrow(RangeError);
    }
  });
});

describe('forEachLimit', () => {
  it.each(bounds)('$name: visits every item once within the bound', async ({ n, items }) => {
    const g = gauge();
    const seen: number[] = [];
    await forEachLimit(
      Array.from({ length: items }, (_, i) => i),
      n,
      async (item) => {
        g.enter();
        await pause(durationOf(item));
        seen.push(item);
        g.leave();
      },
    );
    expect(g.peak).toBe(Math.min(n, items));
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: items }, (_, i) => i));
  });
});

describe('createLimiter', () => {
  it.each(bounds)('$name: callers beyond n wait for a free slot', async ({ n, items }) => {
    const limit = createLimiter(n);
    const g = gauge();
    const results = await Promise.all(
      Array.from({ length: items }, (_, i) =>
        limit(async () => {
          g.enter();
          await pause(durationOf(i));
          g.leave();
          return i;
        }),
      ),
    );
    expect(g.peak).toBe(Math.min(n, items));
    expect(results).toEqual(Array.from({ length: items }, (_, i) => i));
  });

  it('starts waiting callers in the order they called', async () => {
    const limit = createLimiter(1);
    const order: string[] = [];
    await Promise.all(
      ['first', 'second', 'third', 'fourth'].map((name) =>
        limit(async () => {
          order.push(name);
          await pause(1);
        }),
      ),
    );
    expect(order).toEqual(['first', 'second', 'third', 'fourth']);
  });

  it('a failing call frees its slot and the failure reaches only its caller', async () => {
    const limit = createLimiter(1);
    const failing = limit(async () => {
      throw new Error('denied');
    });
    const next = limit(async () => 'ran after the failure');
    await expect(failing).rejects.toThrow('denied');
    await expect(next).resolves.toBe('ran after the failure');
  });

  it('refuses a limit below 1', () => {
    expect(() => createLimiter(0)).toThrow(RangeError);
  });
});
