/**
 * Whether the account can give the deployment's functions the concurrency their templates
 * reserve. Lambda refuses a reservation that would leave fewer than 100 executions unreserved
 * ("decreases account's UnreservedConcurrentExecution below its minimum value of [100]"), and
 * CloudFormation finds out one shard at a time, after earlier shards have deployed. Checked
 * once, before any change set: what this deployment's existing functions reserve now is given
 * back first, since the deployment replaces it.
 */
import type { Output } from '../cli/output.ts';
import type { CfnTemplate } from '../generators/cloudformation/types.ts';
import { QUOTAS, reservedExecutions } from '../generators/quotas.ts';
import { DeployError } from './errors.ts';
import type { ExistingStack } from './existing-stacks.ts';
import type { AccountConcurrency, LambdaAccount } from './lambda-account.ts';

export interface Reservation {
  /** What the desired stacks' functions reserve together. */
  desired: number;
  /** Functions that reserve some (for the per-function figure the error suggests). */
  functions: number;
  /** What this deployment's functions reserve now (read from the deployed templates). */
  existing: number;
}

export function reservationOf(templates: readonly CfnTemplate[], existing: ReadonlyMap<string, ExistingStack>): Reservation {
  const desired = templates.map(reservedExecutions).filter((n) => n > 0);
  return {
    desired: desired.reduce((a, b) => a + b, 0),
    functions: desired.length,
    existing: [...existing.values()].reduce((n, s) => n + deployedReservation(s.template), 0),
  };
}

/** The error deploy stops with when the reservation leaves too little unreserved; undefined when it fits. */
export function reservationShortfall(reservation: Reservation, account: AccountConcurrency): DeployError | undefined {
  const minimum = QUOTAS.unreservedConcurrencyMinimum;
  const available = account.unreserved + reservation.existing;
  const left = available - reservation.desired;
  if (left >= minimum) return undefined;
  const perFunction = Math.max(0, Math.floor((available - minimum) / Math.max(1, reservation.functions)));
  return new DeployError(
    'ConcurrencyQuota',
    `the ${reservation.functions} function${reservation.functions === 1 ? '' : 's'} of this deployment would reserve ${reservation.desired} concurrent executions, ` +
      `leaving ${left} of the account's ${account.limit} unreserved (${account.unreserved} unreserved now, ${reservation.existing} of them held by this deployment's functions); ` +
      `Lambda keeps at least ${minimum} unreserved and would fail the stacks part-way: pass --reserved-concurrency ${perFunction} or lower (0 reserves none), ` +
      `or ask for a higher "Concurrent executions" quota in Service Quotas and deploy again`,
  );
}

/**
 * Stops (deploy) or warns (diff) before any change set when the reservation does not fit.
 * Asks Lambda only when the deployment reserves more than it holds now.
 */
export async function checkReservedConcurrency(lambda: LambdaAccount, reservation: Reservation, out: Output, stopOnShortfall: boolean): Promise<void> {
  if (reservation.desired <= reservation.existing) return;
  let account: AccountConcurrency | undefined;
  try {
    account = await lambda.concurrency();
  } catch (error) {
    // diff only warns: a role that may not read the account settings still sees its change sets.
    if (stopOnShortfall || !(error instanceof DeployError)) throw error;
    out.stderr(`Warning: ${error.message} [${error.code}]`);
    return;
  }
  if (account === undefined) {
    out.stderr(`The endpoint does not implement Lambda GetAccountSettings: whether ${reservation.desired} reserved concurrent executions fit the account is not checked.`);
    return;
  }
  const shortfall = reservationShortfall(reservation, account);
  if (shortfall === undefined) return;
  if (stopOnShortfall) throw shortfall;
  out.stderr(`Warning: deploy would stop here: ${shortfall.message} [${shortfall.code}]`);
}

/** Switchyard's templates are JSON; one it cannot read holds no reservation it knows of. */
function deployedReservation(template: string | undefined): number {
  if (template === undefined) return 0;
  try {
    return reservedExecutions(JSON.parse(template) as CfnTemplate);
  } catch {
    return 0;
  }
}
