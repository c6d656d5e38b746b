/**
 * deploy checks, before any change set, that the functions' reserved concurrency leaves Lambda's
 * 100 unreserved executions: 46 shards × 50 on a 1,000 account used to fail from the ~18th shard on.
 */
import { describe, expect, it } from 'vitest';
import type { ExistingStack } from '../../../deploy/existing-stacks.ts';
import type { AccountConcurrency, LambdaAccount } from '../../../deploy/lambda-account.ts';
import { checkReservedConcurrency, reservationOf, reservationShortfall, type Reservation } from '../../../deploy/reserved-concurrency.ts';
import type { CfnTemplate } from '../../../generators/cloudformation/types.ts';
import { capture } from '../../support/captured-output.ts';
import { DeployError } from '../../../deploy/errors.ts';

const shard = (reserved: number | undefined): CfnTemplate => ({
  AWSTemplateFormatVersion: '2010-09-09',
  Description: 'shard',
  Parameters: {},
  Outputs: {},
  Resources: { RouterFunction: { Type: 'AWS::Lambda::Function', Properties: reserved === undefined ? {} : { ReservedConcurrentExecutions: reserved } } },
});
const existingShard = (name: string, reserved: number): ExistingStack => ({ name, stackId: name, status: 'UPDATE_COMPLETE', kind: 'shard', parameters: {}, tags: {}, template: JSON.stringify(shard(reserved)) });
const account = (limit: number, unreserved: number): AccountConcurrency => ({ limit, unreserved });
const answering = (figures: AccountConcurrency | undefined): LambdaAccount & { calls: number } => {
  const fake = { calls: 0, concurrency: async () => { fake.calls += 1; return figures; } };
  return fake;
};

describe('reservationOf', () => {
  it('adds up what the desired functions reserve and what the deployed templates of this deployment hold', () => {
    const existing = new Map([['d-shard-0', existingShard('d-shard-0', 50)], ['d-core', { ...existingShard('d-core', 0), template: '{not json' }]]);
    expect(reservationOf([shard(50), shard(50), shard(undefined)], existing)).toEqual({ desired: 100, functions: 2, existing: 50 });
  });
});

describe('reservationShortfall', () => {
  const cases: Array<{ name: string; reservation: Reservation; account: AccountConcurrency; error?: RegExp }> = [
    {
      name: '46 shards × 50 on a fresh 1,000 account: stops, naming the per-function figure that fits',
      reservation: { desired: 2300, functions: 46, existing: 0 },
      account: account(1000, 1000),
      error: /46 functions .* reserve 2300 .*leaving -1300 of the account's 1000 unreserved .*--reserved-concurrency 19 or lower \(0 reserves none\).*Service Quotas/,
    },
    { name: 'exactly 100 left unreserved fits', reservation: { desired: 900, functions: 18, existing: 0 }, account: account(1000, 1000) },
    { name: '99 left unreserved does not', reservation: { desired: 901, functions: 17, existing: 0 }, account: account(1000, 1000), error: /leaving 99 /},
    {
      name: "what this deployment's functions already hold is given back first",
      reservation: { desired: 900, functions: 18, existing: 850 },
      account: account(1000, 150),
    },
    { name: 'other functions of the account count against it', reservation: { desired: 500, functions: 10, existing: 0 }, account: account(1000, 550), error: /--reserved-concurrency 45 or lower/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const shortfall = reservationShortfall(c.reservation, c.account);
      if (c.error === undefined) expect(shortfall).toBeUndefined();
      else {
        expect(shortfall?.code).toBe('ConcurrencyQuota');
        expect(shortfall?.message).toMatch(c.error);
      }
    });
  }
});

describe('checkReservedConcurrency', () => {
  const tooMuch: Reservation = { desired: 2300, functions: 46, existing: 0 };

  it('deploy: throws the shortfall before any change set', async () => {
    await expect(checkReservedConcurrency(answering(account(1000, 1000)), tooMuch, capture(), true)).rejects.toMatchObject({ code: 'ConcurrencyQuota' });
  });

  it('diff: warns that deploy would stop, and goes on', async () => {
    const io = capture();
    await checkReservedConcurrency(answering(account(1000, 1000)), tooMuch, io, false);
    expect(io.err).toEqual([expect.stringMatching(/^Warning: deploy would stop here: .*\[ConcurrencyQuota\]$/)]);
  });

  it('an endpoint without GetAccountSettings (moto): says the check is skipped, and goes on', async () => {
    const io = capture();
    await checkReservedConcurrency(answering(undefined), tooMuch, io, true);
    expect(io.err).toEqual([expect.stringMatching(/does not implement Lambda GetAccountSettings: .* not checked/)]);
  });

  it('settings the role may not read: deploy stops with the reason, diff warns and goes on', async () => {
    const refused = { calls: 0, concurrency: async () => Promise.reject(new DeployError('AccountSettingsUnavailable', 'Lambda GetAccountSettings failed (HTTP 403 AccessDeniedException)')) };
    await expect(checkReservedConcurrency(refused, tooMuch, capture(), true)).rejects.toMatchObject({ code: 'AccountSettingsUnavailable' });
    const io = capture();
    await checkReservedConcurrency(refused, tooMuch, io, false);
    expect(io.err).toEqual([expect.stringMatching(/^Warning: Lambda GetAccountSettings failed \(HTTP 403.*\[AccountSettingsUnavailable\]$/)]);
  });

  it('reserving no more than the deployment holds now asks Lambda nothing', async () => {
    const lambda = answering(account(1000, 0));
    await checkReservedConcurrency(lambda, { desired: 0, functions: 0, existing: 0 }, capture(), true);
    await checkReservedConcurrency(lambda, { desired: 500, functions: 10, existing: 500 }, capture(), true);
    expect(lambda.calls).toBe(0);
  });
});
