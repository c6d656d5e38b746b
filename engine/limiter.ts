/**
 * The one concurrency limiter. Fan-out (destinations, parts, backfill objects) goes through
 * here instead of `Promise.all` over an input-sized array.
 */

export type Limiter = <T>(fn: () => Promise<T>) => Promise<T>;

/** Runs at most `n` of the functions given to it at once; the rest wait in call order. */
export function createLimiter(n: number): Limiter {
  assertConcurrency(n);
  let active = 0;
  const waiting: Array<() => void> = [];

  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else active--;
  };

  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active < n) active++;
    // A released slot passes straight to the next waiter, so `active` never drops and rises again.
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await fn();
    } finally {
      release();
    }
  };
}

/**
 * Maps `items` through `fn` with at most `n` calls in flight; results keep the input order.
 * `n` workers pull from one iterator, so nothing is started (or allocated) ahead of a free
 * worker and `items` may be a lazy or async iterable. On the first failure no further items
 * are started; the calls already running are allowed to finish, then the first error is thrown.
 */
export async function mapLimit<T, R>(
  items: Iterable<T> | AsyncIterable<T>,
  n: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  await forEachLimit(items, n, async (item, index) => {
    results[index] = await fn(item, index);
  });
  return results;
}

/** Like `mapLimit` but keeps no results: for long streams such as a backfill listing. */
export async function forEachLimit<T>(
  items: Iterable<T> | AsyncIterable<T>,
  n: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  assertConcurrency(n);
  const iterator = Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : items[Symbol.iterator]();
  let nextIndex = 0;
  let failure: { error: unknown } | undefined;

  const worker = async (): Promise<void> => {
    while (!failure) {
      const step = await iterator.next();
      if (step.done || failure) return;
      const index = nextIndex++;
      try {
        await fn(step.value, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };

  await Promise.all(Array.from({ length: n }, worker));
  if (failure) {
    await iterator.return?.();
    throw failure.error;
  }
}

function assertConcurrency(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`concurrency must be a whole number of at least 1, got ${n}`);
}
