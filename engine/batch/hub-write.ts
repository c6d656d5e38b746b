/**
 * Writes to the hub account (manifest, report, notification) are few and matter for the
 * whole run, so a throttled or dropped request is retried a few times instead of losing them.
 */
import type { Ports } from '../ports/types.ts';
import { withRetry, type RetryPolicy } from '../retry.ts';

const HUB_WRITE_POLICY: RetryPolicy = {
  retries: 4,
  delayMs: 500,
  maxDelayMs: 10_000,
  backoff: 2,
  jitter: 'full',
  on: ['throttling', 'network', '5xx'],
};

/** Runs `write`, retrying transient failures; throws the last error when it gives up. */
export async function hubWrite<T>(ports: Ports, write: () => Promise<T>): Promise<T> {
  const outcome = await withRetry(write, HUB_WRITE_POLICY, { sleep: (ms) => ports.clock.sleep(ms) });
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}
