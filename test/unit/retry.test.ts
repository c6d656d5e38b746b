import { describe, expect, it } from 'vitest';
import { ActionError, type FailureClass } from '../../engine/errors.ts';
import { backoffDelay, withRetry, type GiveUpReason, type RetryInfo, type RetryPolicy } from '../../engine/retry.ts';
import { seededRandom } from '../support/seeded-random.ts';

/** Seed 000: 3 retries at 1 s, 2 s, 4 s for throttling and network only. */
const seed000: RetryPolicy = { retries: 3, delayMs: 1000, maxDelayMs: 4000, backoff: 2, jitter: 'none', on: ['throttling', 'network'] };
const schemaDefault: RetryPolicy = { retries: 3, delayMs: 1000, maxDelayMs: 20_000, backoff: 2, jitter: 'none', on: ['throttling', 'network', '5xx'] };

/** mulberry32: a tiny seeded generator so jitter is reproducible. */

/** Each attempt either fails with a class or, at 'ok', succeeds with the attempt number. */
type Step = FailureClass | 'ok';

function scripted(steps: Step[]): { fn: (attempt: number) => Promise<string>; calls: number[] } {
  const calls: number[] = [];
  const fn = async (attempt: number): Promise<string> => {
    calls.push(attempt);
    const step = steps[attempt - 1] ?? steps.at(-1) ?? 'ok';
    if (step === 'ok') return `value from attempt ${attempt}`;
    throw new ActionError(`Fail${attempt}`, `attempt ${attempt} failed (${step})`, step);
  };
  return { fn, calls };
}

function fakeClock(startRemainingMs = Number.POSITIVE_INFINITY): { sleeps: number[]; sleep: (ms: number) => Promise<void>; remainingMs: () => number } {
  const sleeps: number[] = [];
  let elapsed = 0;
  return {
    sleeps,
    sleep: async (ms) => {
      sleeps.push(ms);
      elapsed += ms;
    },
    remainingMs: () => startRemainingMs - elapsed,
  };
}

describe('withRetry', () => {
  const cases: Array<{
    name: string;
    policy: RetryPolicy;
    steps: Step[];
    remainingMs?: number;
    expected: { ok: boolean; attempts: number; sleeps: number[]; reason?: GiveUpReason; failureClass?: FailureClass };
  }> = [
    {
      name: 'seed 000: persistent throttling sleeps 1 s, 2 s, 4 s then gives up',
      policy: seed000,
      steps: ['throttling'],
      expected: { ok: false, attempts: 4, sleeps: [1000, 2000, 4000], reason: 'retries-exhausted', failureClass: 'throttling' },
    },
    {
      name: 'success after two network failures returns the value',
      policy: seed000,
      steps: ['network', 'network', 'ok'],
      expected: { ok: true, attempts: 3, sleeps: [1000, 2000] },
    },
    {
      name: 'success at once makes one attempt and never sleeps',
      policy: seed000,
      steps: ['ok'],
      expected: { ok: true, attempts: 1, sleeps: [] },
    },
    {
      name: 'access denied fails at once',
      policy: schemaDefault,
      steps: ['access-denied'],
      expected: { ok: false, attempts: 1, sleeps: [], reason: 'not-retryable', failureClass: 'access-denied' },
    },
    {
      name: 'missing configuration fails at once',
      policy: schemaDefault,
      steps: ['config'],
      expected: { ok: false, attempts: 1, sleeps: [], reason: 'not-retryable', failureClass: 'config' },
    },
    {
      name: 'a 5xx is not retried when the policy leaves it out of `on`',
      policy: seed000,
      steps: ['5xx'],
      expected: { ok: false, attempts: 1, sleeps: [], reason: 'not-retryable', failureClass: '5xx' },
    },
    {
      name: 'a retryable failure followed by a non-retryable one stops at the second',
      policy: schemaDefault,
      steps: ['5xx', 'not-found'],
      expected: { ok: false, attempts: 2, sleeps: [1000], reason: 'not-retryable', failureClass: 'not-found' },
    },
    {
      name: 'maxDelay caps the growing delay',
      policy: { ...schemaDefault, retries: 4, backoff: 3, maxDelayMs: 5000 },
      steps: ['5xx'],
      expected: { ok: false, attempts: 5, sleeps: [1000, 3000, 5000, 5000], reason: 'retries-exhausted' },
    },
    {
      name: 'zero retries means a single attempt',
      policy: { ...schemaDefault, retries: 0 },
      steps: ['throttling'],
      expected: { ok: false, attempts: 1, sleeps: [], reason: 'retries-exhausted' },
    },
    {
      name: 'throttling has its own longer budget (seed 003)',
      policy: { ...schemaDefault, retries: 1, throttling: { retries: 5, delayMs: 500, maxDelayMs: 8000 } },
      steps: ['throttling'],
      expected: { ok: false, attempts: 6, sleeps: [500, 1000, 2000, 4000, 8000], reason: 'retries-exhausted' },
    },
    {
      name: 'throttling and other failures count against separate budgets',
      policy: { ...schemaDefault, retries: 1, throttling: { retries: 2, delayMs: 100, maxDelayMs: 1000 } },
      steps: ['network', 'throttling', 'throttling', 'network'],
      expected: { ok: false, attempts: 4, sleeps: [1000, 100, 200], reason: 'retries-exhausted', failureClass: 'network' },
    },
    {
      name: 'without a throttling budget throttling shares the main one',
      policy: { ...schemaDefault, retries: 2 },
      steps: ['network', 'throttling', 'throttling'],
      expected: { ok: false, attempts: 3, sleeps: [1000, 2000], reason: 'retries-exhausted' },
    },
    {
      name: 'stops when the next sleep would run into the safety margin before the deadline',
      policy: seed000,
      steps: ['throttling'],
      remainingMs: 6000,
      // 1 s (6 s left), 2 s (5 s left), then 4 s > 3 s left - 1 s margin.
      expected: { ok: false, attempts: 3, sleeps: [1000, 2000], reason: 'deadline' },
    },
    {
      name: 'a generous deadline changes nothing',
      policy: seed000,
      steps: ['throttling'],
      remainingMs: 60_000,
      expected: { ok: false, attempts: 4, sleeps: [1000, 2000, 4000], reason: 'retries-exhausted' },
    },
  ];

  it.each(cases)('$name', async ({ policy, steps, remainingMs, expected }) => {
    const clock = fakeClock(remainingMs);
    const { fn, calls } = scripted(steps);
    const outcome = await withRetry(fn, policy, {
      sleep: clock.sleep,
      ...(remainingMs !== undefined && { remainingMs: clock.remainingMs }),
    });

    expect(outcome.ok).toBe(expected.ok);
    expect(outcome.attempts).toBe(expected.attempts);
    expect(calls).toEqual(Array.from({ length: expected.attempts }, (_, i) => i + 1));
    expect(clock.sleeps).toEqual(expected.sleeps);
    if (outcome.ok) {
      expect(outcome.value).toBe(`value from attempt ${expected.attempts}`);
    } else {
      expect(outcome.reason).toBe(expected.reason);
      expect(outcome.retries).toBe(expected.sleeps.length);
      expect(outcome.error.message).toBe(`attempt ${expected.attempts} failed (${outcome.error.failureClass})`);
      if (expected.failureClass) expect(outcome.error.failureClass).toBe(expected.failureClass);
    }
  });

  it('full jitter sleeps a seeded uniform fraction of each capped delay', async () => {
    const clock = fakeClock();
    const policy: RetryPolicy = { ...schemaDefault, retries: 6, jitter: 'full', maxDelayMs: 10_000 };
    const outcome = await withRetry(scripted(['throttling']).fn, policy, { sleep: clock.sleep, random: seededRandom(42) });

    const reference = seededRandom(42);
    const caps = [0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, 1000, 10_000, 2));
    expect(outcome.ok).toBe(false);
    expect(clock.sleeps).toEqual(caps.map((cap) => reference() * cap));
    clock.sleeps.forEach((ms, n) => {
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThanOrEqual(caps[n] ?? -1);
    });
    // Jitter actually varies the delays instead of collapsing them to the cap or to zero.
    expect(new Set(clock.sleeps.map((ms, n) => ms / (caps[n] ?? 1))).size).toBe(caps.length);
  });

  const foreign: Array<{ name: string; thrown: unknown; classify?: (e: unknown) => FailureClass; on: FailureClass[]; attempts: number; failureClass: FailureClass; code: string }> = [
    { name: 'a plain Error is unknown and not retried by default', thrown: new Error('boom'), on: schemaDefault.on, attempts: 1, failureClass: 'unknown', code: 'UnexpectedError' },
    { name: 'a thrown string is wrapped, never rethrown', thrown: 'bare string', on: schemaDefault.on, attempts: 1, failureClass: 'unknown', code: 'UnexpectedError' },
    {
      name: 'classify decides the class of foreign errors',
      thrown: Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }),
      classify: () => 'network',
      on: schemaDefault.on,
      attempts: 4,
      failureClass: 'network',
      code: 'TimeoutError',
    },
    { name: 'unknown is retried when the policy lists it', thrown: new Error('odd'), on: ['unknown'], attempts: 4, failureClass: 'unknown', code: 'UnexpectedError' },
  ];
  it.each(foreign)('$name', async ({ thrown, classify, on, attempts, failureClass, code }) => {
    const clock = fakeClock();
    const outcome = await withRetry(
      async () => {
        throw thrown;
      },
      { ...schemaDefault, on },
      { sleep: clock.sleep, ...(classify && { classify }) },
    );
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.attempts).toBe(attempts);
    expect(outcome.error).toBeInstanceOf(ActionError);
    expect(outcome.error.failureClass).toBe(failureClass);
    expect(outcome.error.code).toBe(code);
    expect(outcome.error.cause).toBe(thrown);
  });

  it('reports every retry to onRetry before sleeping', async () => {
    const clock = fakeClock();
    const seen: Array<Omit<RetryInfo, 'error'> & { sleptBefore: number }> = [];
    await withRetry(scripted(['5xx', 'throttling', 'ok']).fn, schemaDefault, {
      sleep: clock.sleep,
      onRetry: ({ error: _error, ...info }) => seen.push({ ...info, sleptBefore: clock.sleeps.length }),
    });
    expect(seen).toEqual([
      { attempt: 1, retry: 0, delayMs: 1000, failureClass: '5xx', sleptBefore: 0 },
      { attempt: 2, retry: 1, delayMs: 2000, failureClass: 'throttling', sleptBefore: 1 },
    ]);
  });
});
