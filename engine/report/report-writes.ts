/**
 * How a route's report writes its records and notices: each write under a retry policy, never
 * past the invocation's deadline, and a write that is lost said in one log line.
 */
import type { FailureClass } from '../errors.ts';
import type { Ports } from '../ports/types.ts';
import { withRetry, type RetryOptions, type RetryPolicy } from '../retry.ts';
import { parseDuration } from '../units.ts';
import type { Retry } from '../../schema/route.ts';
import type { FailureStore } from './failure-store.ts';
import type { Log } from './log.ts';

export interface ReportDeps {
  ports: Ports;
  log: Log;
  /** Bucket for failure records, tracking records and notices; without it none is written. */
  stateBucket?: string;
}

export interface ReportContext {
  remainingMs?: () => number;
}

/**
 * The policy for report writes. Only numbers count here: a `retries` expression has no event
 * bindings to read from at report time, so it falls back to 2.
 */
export function reportRetryPolicy(retry: Retry | undefined): RetryPolicy {
  const delayMs = retry?.delay !== undefined ? parseDuration(retry.delay) : 1000;
  return {
    retries: typeof retry?.retries === 'number' ? retry.retries : 2,
    delayMs,
    maxDelayMs: retry?.maxDelay !== undefined ? parseDuration(retry.maxDelay) : Math.max(delayMs, 5000),
    backoff: retry?.backoff ?? 1,
    jitter: retry?.jitter ?? 'none',
    on: (retry?.on ?? ['throttling', 'network', '5xx']) as FailureClass[],
  };
}

/**
 * Tracking records and failure notifications: retried under their own `retry` (seed 002: 3 × 1 s
 * and 2 × 1 s). True when the write went through; `ifLost` says in the log line what follows when not.
 */
export async function writeUnderPolicy(deps: ReportDeps, retry: Retry | undefined, fn: () => Promise<unknown>, what: string, where: Record<string, unknown>, context: ReportContext, ifLost?: string): Promise<boolean> {
  const options: RetryOptions = { sleep: (ms) => deps.ports.clock.sleep(ms), ...(context.remainingMs ? { remainingMs: context.remainingMs } : {}) };
  const outcome = await withRetry(fn, reportRetryPolicy(retry), options);
  const late = !outcome.ok && outcome.reason === 'deadline' ? ' (not retried: the invocation is about to time out)' : '';
  if (!outcome.ok) deps.log.write('error', `${what} could not be written${late}: ${outcome.error.message}${ifLost ? `. ${ifLost}` : ''}`, { ...where, attempts: outcome.attempts });
  return outcome.ok;
}

/** Failure records and notices go to the state bucket under the default report policy. */
export function failureStoreFor(deps: ReportDeps, bucket: string, context: ReportContext): FailureStore {
  return {
    storage: deps.ports.storage,
    bucket,
    now: () => deps.ports.clock.now(),
    sleep: (ms) => deps.ports.clock.sleep(ms),
    retry: reportRetryPolicy(undefined),
    ...(context.remainingMs ? { remainingMs: context.remainingMs } : {}),
  };
}
