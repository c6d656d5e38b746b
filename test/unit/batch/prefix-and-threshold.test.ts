import { describe, expect, it } from 'vitest';
import { effectivePrefix } from '../../../engine/batch/run-backfill.ts';
import { withThreshold } from '../../../engine/batch/transfer-object.ts';
import type { PlannedStep } from '../../../engine/actions/planned-action.ts';
import { UsageError } from '../../../engine/errors.ts';
import { crossAccountBatch } from './route.ts';

describe('effectivePrefix', () => {
  const route = crossAccountBatch();
  const cases = [
    { name: 'no --prefix: the route source prefix', requested: undefined, prefix: 'exports/' },
    { name: 'a narrower prefix is used', requested: 'exports/2026/', prefix: 'exports/2026/' },
    { name: 'a wider prefix cannot widen the route', requested: 'exp', prefix: 'exports/' },
  ];
  for (const c of cases) it(c.name, () => expect(effectivePrefix(route, c.requested)).toBe(c.prefix));
  it('a prefix outside the route is refused', () => {
    expect(() => effectivePrefix(route, 'other/')).toThrow(UsageError);
  });
});

describe('withThreshold', () => {
  const MIB = 1024 * 1024;
  const step: PlannedStep = {
    action: { type: 'copy', actionId: 'transfer', bucket: 'd', key: 'k', multipartThreshold: 5e9, partSize: 100e6, partConcurrency: 8, skipExisting: true },
    retry: { retries: 0, delayMs: 0, maxDelayMs: 0, backoff: 1, jitter: 'none', on: [] },
    concurrency: 1,
  };
  const cases = [
    { name: 'no override keeps the action as written', threshold: undefined, expected: { multipartThreshold: 5e9, partSize: 100e6 } },
    { name: 'a lower threshold pulls the part size down with it', threshold: 8 * MIB, expected: { multipartThreshold: 8 * MIB, partSize: 8 * MIB } },
    { name: 'a higher threshold keeps the part size', threshold: 10e9, expected: { multipartThreshold: 10e9, partSize: 100e6 } },
  ];
  for (const c of cases) it(c.name, () => expect(withThreshold(step, c.threshold).action).toMatchObject(c.expected));
});
