/**
 * `switchyard deploy` and `switchyard diff`.
 *
 * deploy: validate → generate → bundle → upload → change set → table → confirm → execute →
 * progress → outputs. diff: the same up to the table, then the change set is deleted.
 * Exit codes: 0 deployed, or nothing to change; 1 anything else (invalid routes, a failed
 * or declined deployment, an AWS error).
 */
import type { Output } from '../cli/output.ts';
import { errorMessage, SwitchyardError } from '../engine/errors.ts';
import { formatChangeTable } from './change-table.ts';
import { discardChangeSet } from './changeset.ts';
import { askYesNo, canAsk } from './confirm.ts';
import { DeployError } from './errors.ts';
import { planDeployment, type PlanOptions } from './plan.ts';
import { executeChangeSet, printOutputs } from './progress.ts';

export type DiffOptions = PlanOptions;

export interface DeployOptions extends PlanOptions {
  /** Execute without asking. */
  yes: boolean;
  /** Asks whether to execute; default: a y/N prompt when stdin and stderr are terminals. */
  confirm?: () => Promise<boolean>;
}

/** Throws DeployError (and the generator's errors); returns the exit code otherwise. */
export async function deploy(options: DeployOptions): Promise<number> {
  const { out } = options;
  const { clients, wait, changeSet } = await planDeployment(options, true);
  if (changeSet.kind === 'no-changes') {
    out.stdout(`No changes: stack ${options.stackName} already matches these routes (${changeSet.reason}).`);
    return 0;
  }
  for (const line of formatChangeTable(changeSet.changes)) out.stdout(line);

  if (!options.yes) {
    const confirm = options.confirm ?? (canAsk() ? () => askYesNo(`Execute this change set on stack ${options.stackName}?`) : undefined);
    if (confirm === undefined) {
      await discardChangeSet(clients.cloudformation, changeSet);
      throw new DeployError('ConfirmationRequired', 'no terminal to ask for confirmation: run again with --yes to execute the change set shown above (nothing was deployed)');
    }
    if (!(await confirm())) {
      await discardChangeSet(clients.cloudformation, changeSet);
      out.stderr('Not executed: the change set was deleted and nothing was deployed.');
      return 1;
    }
  }

  out.stderr(`Executing change set on stack ${options.stackName}…`);
  const result = await executeChangeSet(clients.cloudformation, changeSet, out, wait);
  if (!result.ok) return 1;
  out.stderr(`Stack ${options.stackName} is ${result.status}.`);
  await printOutputs(clients.cloudformation, options.stackName, out);
  return 0;
}

/** The change set's table, then the change set is deleted; nothing is deployed. */
export async function diff(options: DiffOptions): Promise<number> {
  const { out } = options;
  const { clients, changeSet } = await planDeployment(options, false);
  if (changeSet.kind === 'no-changes') {
    out.stdout(`No changes: stack ${options.stackName} already matches these routes.`);
    return 0;
  }
  for (const line of formatChangeTable(changeSet.changes)) out.stdout(line);
  await discardChangeSet(clients.cloudformation, changeSet);
  return 0;
}

/** For the CLI: `deploy`, with every error printed for the person at the terminal and turned into exit code 1. */
export async function deployCommand(options: DeployOptions): Promise<number> {
  return reportingErrors('deploy', options.out, () => deploy(options));
}

/** For the CLI: `diff`, likewise. */
export async function diffCommand(options: DiffOptions): Promise<number> {
  return reportingErrors('diff', options.out, () => diff(options));
}

async function reportingErrors(command: string, out: Output, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof SwitchyardError) out.stderr(`switchyard ${command}: ${error.message} [${error.code}]`);
    else out.stderr(`switchyard ${command}: ${awsErrorName(error)}${errorMessage(error)}`);
    return 1;
  }
}

/** SDK errors carry the service's error code as their name (AccessDenied, ExpiredToken…). */
function awsErrorName(error: unknown): string {
  const name = (error as { name?: string }).name;
  return name && name !== 'Error' ? `${name}: ` : '';
}
