/**
 * `switchyard deploy` and `switchyard diff`.
 *
 * deploy: validate → place routes into stacks → bundle each stack's function → for every
 * stack that changed: upload, change set, table → confirm → execute (several stacks at once)
 * → progress per stack → delete stacks whose routes are all gone (after confirmation) → a
 * table of what happened to every stack. diff: the same up to the change sets' tables, then
 * the change sets are deleted again.
 * Exit codes: 0 every stack deployed (or nothing to change); 1 anything else (invalid routes,
 * a failed, skipped or declined stack, an AWS error).
 */
import type { Output } from '../cli/output.ts';
import { askYesNo, canAsk } from './confirm.ts';
import { reasonOf } from './errors.ts';
import { allSucceeded, formatOutcomeTable, type StackOutcome, type Tense } from './outcome-table.ts';
import { DEFAULT_CONCURRENCY, planDeployment, type Plan, type PlanOptions } from './plan.ts';
import { s3NotifiedQueues } from './notified-queues.ts';
import { sqsQueueDepths } from './queue-depths.ts';
import { deployStacks, diffStacks, type Rollout } from './rollout.ts';

export type DiffOptions = PlanOptions & Pick<DeployOptions, 'movedBucketsApplied'>;

export interface DeployOptions extends PlanOptions {
  /** Execute change sets and delete orphaned stacks without asking. */
  yes: boolean;
  /** Asks a yes/no question; default: a y/N prompt when stdin and stderr are terminals. */
  confirm?: (question: string) => Promise<boolean>;
  /**
   * --moved-buckets-applied: the operator's word that moving buckets notify their new intake queues,
   * for every bucket (true) or the named ones; used only where deploy cannot read a bucket (deploy/move-holds.ts).
   */
  movedBucketsApplied?: boolean | readonly string[];
}

/** Throws DeployError (and the generator's errors) before any stack is touched; returns the exit code otherwise. */
export async function deploy(options: DeployOptions): Promise<number> {
  const plan = await planDeployment(options, true);
  const confirm = options.confirm ?? (canAsk() ? askYesNo : undefined);
  const outcomes = await deployStacks({ ...rollout(plan, options), yes: options.yes, confirm });
  return reportOutcomes(outcomes, options.out, 'done', plan.deployment);
}

/** Every stack's change set, deleted again; nothing is deployed. */
export async function diff(options: DiffOptions): Promise<number> {
  const plan = await planDeployment(options, false);
  const outcomes = await diffStacks({ ...rollout(plan, options), yes: false, confirm: undefined });
  return reportOutcomes(outcomes, options.out, 'planned', plan.deployment);
}

function rollout(plan: Plan, options: DiffOptions): Omit<Rollout, 'yes' | 'confirm'> {
  return {
    deployment: plan.deployment,
    stacks: plan.stacks,
    existing: plan.existing,
    concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
    work: { cfn: plan.clients.cloudformation, wait: plan.wait, out: options.out, stage: plan.stage },
    notifiedQueues: s3NotifiedQueues(plan.clients.s3, { account: plan.account, region: plan.region }),
    ...(plan.clients.sqs ? { queueDepths: sqsQueueDepths(plan.clients.sqs) } : {}),
    movedBucketsApplied: options.movedBucketsApplied ?? false,
  };
}

/** The final table, each failed stack named with its reason on stderr; the exit code. */
export function reportOutcomes(outcomes: StackOutcome[], out: Output, tense: Tense, deployment: string): number {
  if (outcomes.every((o) => o.action === 'unchanged')) {
    out.stdout(`No changes: every stack of deployment ${deployment} already matches these routes.`);
  }
  out.stdout('');
  for (const line of formatOutcomeTable(outcomes, tense)) out.stdout(line);
  const failed = outcomes.filter((o) => o.action === 'failed');
  for (const o of failed) out.stderr(`Stack ${o.stack} failed: ${o.reason}`);
  if (failed.length > 0 && tense === 'done') {
    out.stderr(`The other stacks are as the table says (CloudFormation rolls a failed stack back on its own). Fix the cause and deploy again: only the stacks that still differ are touched.`);
  }
  return allSucceeded(outcomes) ? 0 : 1;
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
    out.stderr(`switchyard ${command}: ${reasonOf(error)}`);
    return 1;
  }
}
