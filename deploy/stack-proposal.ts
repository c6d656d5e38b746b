/**
 * What would change in one stack: nothing (its template, parameters and tags are what is
 * deployed, so no change set is made), or a change set CloudFormation has worked out. A
 * stack that cannot get one (not updatable, rejected template, an AWS error) is a failed
 * proposal with the reason, so one stack's trouble never stops the others.
 */
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { Output } from '../cli/output.ts';
import { formatChangeTable } from './change-table.ts';
import { createChangeSet, discardChangeSet, type ChangeSetRef, type ChangeSetRequest, type ResourceChangeRow } from './changeset.ts';
import type { DesiredStack } from './desired-stack.ts';
import { reasonOf } from './errors.ts';
import type { ExistingStack } from './existing-stacks.ts';
import { changeSetTypeFor, type StackState } from './stack-state.ts';
import { matchesDeployed } from './unchanged.ts';
import type { WaitOptions } from './wait.ts';

export interface StackWork {
  cfn: CloudFormationClient;
  wait: WaitOptions;
  out: Output;
  /** Puts what the change set reads in the code bucket (the bundle; a template over 51,200 bytes) and says how to pass the template. */
  stage(stack: DesiredStack): Promise<ChangeSetRequest['template']>;
}

export type Proposal =
  | { kind: 'unchanged'; stack: DesiredStack; status: string }
  | { kind: 'changes'; stack: DesiredStack; status: string; action: 'create' | 'update'; changeSet: ChangeSetRef; changes: ResourceChangeRow[] }
  | { kind: 'failed'; stack: DesiredStack; status: string; reason: string };

export async function proposeStack(work: StackWork, stack: DesiredStack, existing: ExistingStack | undefined): Promise<Proposal> {
  const status = existing?.status ?? '-';
  try {
    if (existing && (await matchesDeployed(work.cfn, existing, stack))) return { kind: 'unchanged', stack, status };
    const state: StackState = existing ? { exists: true, stackId: existing.stackId, status: existing.status } : { exists: false };
    const changeSetType = changeSetTypeFor(stack.name, state);
    const template = await work.stage(stack);
    const result = await createChangeSet(
      work.cfn,
      { stackName: stack.name, changeSetType, template, parameters: stack.parameters, tags: stack.tags, description: description(stack) },
      work.wait,
    );
    if (result.kind === 'no-changes') return { kind: 'unchanged', stack, status };
    const { changes, ...changeSet } = result;
    return { kind: 'changes', stack, status, action: changeSetType === 'CREATE' ? 'create' : 'update', changeSet, changes };
  } catch (error) {
    return { kind: 'failed', stack, status, reason: reasonOf(error) };
  }
}

/** The change set's table under a heading naming the stack. */
export function printProposal(out: Output, proposal: Extract<Proposal, { kind: 'changes' }>): void {
  out.stdout('');
  out.stdout(`Stack ${proposal.stack.name} (${proposal.action}${proposal.stack.routes.length > 0 ? `, ${proposal.stack.routes.length} route${proposal.stack.routes.length === 1 ? '' : 's'}` : ''}):`);
  for (const line of formatChangeTable(proposal.changes)) out.stdout(line);
}

/** Deletes the change set (and the empty stack a CREATE change set made); a failure to clean up is reported, not thrown. */
export async function discardProposal(work: StackWork, proposal: Extract<Proposal, { kind: 'changes' }>): Promise<void> {
  try {
    await discardChangeSet(work.cfn, proposal.changeSet);
  } catch (error) {
    work.out.stderr(`Could not delete change set ${proposal.changeSet.changeSetId} of stack ${proposal.stack.name}: ${reasonOf(error)}. Delete it with 'aws cloudformation delete-change-set --change-set-name ${proposal.changeSet.changeSetId}'.`);
  }
}

function description(stack: DesiredStack): string {
  const routes = stack.routes.length > 0 ? `routes ${stack.routes.join(', ')}` : `${stack.kind} stack`;
  return `switchyard deploy: ${routes}`.slice(0, 1024);
}
