/** Polling with a deadline, shared by the change-set wait and the progress stream. */
import { setTimeout as sleep } from 'node:timers/promises';
import { DeployError } from './errors.ts';

export interface WaitOptions {
  /** Between two polls; CloudFormation's own waiters use a few seconds. */
  pollIntervalMs: number;
  /** Give up after this long. */
  timeoutMs: number;
}

export const DEFAULT_WAIT: WaitOptions = { pollIntervalMs: 2_000, timeoutMs: 60 * 60_000 };

/** Calls `step` until it returns a value (not undefined), sleeping between calls. */
export async function pollUntil<T>(what: string, wait: WaitOptions, step: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + wait.timeoutMs;
  for (;;) {
    const value = await step();
    if (value !== undefined) return value;
    if (Date.now() + wait.pollIntervalMs > deadline) {
      throw new DeployError('TimedOut', `gave up waiting for ${what} after ${Math.round(wait.timeoutMs / 1000)} s`);
    }
    await sleep(wait.pollIntervalMs);
  }
}
