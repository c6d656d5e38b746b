/**
 * Retrying one action under a RetryPolicy. Failures are values: `withRetry` returns an
 * outcome and never throws for a failed action, so fan-out code can count successes.
 */
import { ActionError, type FailureClass, errorMessage } from './errors.ts';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** Delay before the first retry. */
  delayMs: number;
  /** Cap on any single delay. */
  maxDelayMs: number;
  /** Multiplier between consecutive delays. */
  backoff: number;
  /** `full`: sleep a uniform random time in [0, delay]; `none`: the exact delay. */
  jitter: 'full' | 'none';
  /** Failure classes that are retried; every other class fails at once. */
  on: FailureClass[];
  /** Throttling gets its own, usually longer, budget (seed 003); backoff and jitter are shared. */
  throttling?: { retries: number; delayMs: number; maxDelayMs: number };
}

/** Why a failed action stopped being retried. */
export type GiveUpReason =
  /** The failure's class is not in the policy's `on` list. */
  | 'not-retryable'
  /** Every allowed retry was used. */
  | 'retries-exhausted'
  /** The next sleep would run past the invocation's remaining time (less the safety margin). */
  | 'deadline';

export type AttemptOutcome<T> =
  | { ok: true; value: T; attempts: number }
  | { ok: false; error: ActionError; attempts: number; retries: number; reason: GiveUpReason };

export interface RetryInfo {
  /** 1-based number of the attempt that just failed. */
  attempt: number;
  /** 0-based index of the retry about to happen within its budget (the `n` in delay × backoff^n). */
  retry: number;
  delayMs: number;
  failureClass: FailureClass;
  error: ActionError;
}

export interface RetryOptions {
  sleep(ms: number): Promise<void>;
  /** Uniform in [0, 1); `Math.random` by default. Inject a seeded one in tests. */
  random?: () => number;
  /** Milliseconds left in this invocation (Lambda's `getRemainingTimeInMillis`). */
  remainingMs?: () => number;
  /** Time kept free after the last sleep for the attempt itself and the report; default 1000 ms. */
  deadlineMarginMs?: number;
  /** Class of errors that are not ActionErrors; by default they are `unknown`. */
  classify?: (error: unknown) => FailureClass;
  onRetry?: (info: RetryInfo) => void;
}

export const DEFAULT_DEADLINE_MARGIN_MS = 1_000;

/**
 * Time kept free at the end of an invocation to report what was done and answer the trigger
 * (an SQS batch's partial-batch response): no record or action starts inside it. Without it, a
 * timeout loses the whole response and every message of the batch is delivered again.
 */
export const REPORT_RESERVE_MS = 5_000;

/**
 * The time left when it is too little to start new work (under `reserveMs`); undefined when
 * there is enough, or when the invocation has no deadline (dry-run, local runs, tests).
 */
export function tooLateToStart(remainingMs: (() => number) | undefined, reserveMs: number): number | undefined {
  if (!remainingMs) return undefined;
  const left = remainingMs();
  return left < reserveMs ? left : undefined;
}

/** The un-jittered delay before retry `n` (0-based): min(maxDelay, delay × backoff^n). */
export function backoffDelay(n: number, delayMs: number, maxDelayMs: number, backoff: number): number {
  return Math.min(maxDelayMs, delayMs * backoff ** n);
}

/**
 * Calls `fn` (with the 1-based attempt number) until it succeeds or the policy says stop.
 * Throttling and the other retried classes keep separate retry counts when the policy has a
 * `throttling` budget, so a burst of SlowDown does not use up the retries for network errors.
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  options: RetryOptions,
): Promise<AttemptOutcome<T>> {
  const random = options.random ?? Math.random;
  const classify = options.classify ?? (() => 'unknown' as const);
  const margin = options.deadlineMarginMs ?? DEFAULT_DEADLINE_MARGIN_MS;
  let throttlingRetries = 0;
  let otherRetries = 0;

  for (let attempt = 1; ; attempt++) {
    try {
      return { ok: true, value: await fn(attempt), attempts: attempt };
    } catch (thrown) {
      const error = asActionError(thrown, classify);
      const retries = throttlingRetries + otherRetries;
      const giveUp = (reason: GiveUpReason): AttemptOutcome<T> => ({ ok: false, error, attempts: attempt, retries, reason });

      if (!policy.on.includes(error.failureClass)) return giveUp('not-retryable');
      const separateThrottling = error.failureClass === 'throttling' && policy.throttling !== undefined;
      const budget = separateThrottling && policy.throttling ? policy.throttling : policy;
      const n = separateThrottling ? throttlingRetries : otherRetries;
      if (n >= budget.retries) return giveUp('retries-exhausted');

      const cap = backoffDelay(n, budget.delayMs, budget.maxDelayMs, policy.backoff);
      const delayMs = policy.jitter === 'full' ? random() * cap : cap;
      if (options.remainingMs && delayMs > options.remainingMs() - margin) return giveUp('deadline');

      if (separateThrottling) throttlingRetries++;
      else otherRetries++;
      options.onRetry?.({ attempt, retry: n, delayMs, failureClass: error.failureClass, error });
      await options.sleep(delayMs);
    }
  }
}

function asActionError(thrown: unknown, classify: (error: unknown) => FailureClass): ActionError {
  if (thrown instanceof ActionError) return thrown;
  const code = thrown instanceof Error && thrown.name !== 'Error' ? thrown.name : 'UnexpectedError';
  return new ActionError(code, errorMessage(thrown), classify(thrown), {}, { cause: thrown });
}
