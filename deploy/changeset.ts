/**
 * Change sets: create one for the generated template, wait until CloudFormation has worked
 * out the changes, and read them as rows for the table. A change set that "didn't contain
 * changes" is not a failure: it is deleted and reported as nothing to do.
 */
import {
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  type Change,
  type CloudFormationClient,
  type DescribeChangeSetCommandOutput,
} from '@aws-sdk/client-cloudformation';
import { DeployError } from './errors.ts';
import { stackState, type ChangeSetType } from './stack-state.ts';
import { pollUntil, type WaitOptions } from './wait.ts';

/** The largest TemplateBody CloudFormation accepts; larger templates go through S3 (TemplateURL). */
export const MAX_TEMPLATE_BODY_BYTES = 51_200;

export interface ChangeSetRequest {
  stackName: string;
  changeSetType: ChangeSetType;
  template: { body: string } | { url: string };
  parameters: Record<string, string>;
  description?: string;
  /** Stack tags (CloudFormation applies them to the stack and to the resources that take tags). */
  tags?: Record<string, string>;
}

export type Replacement = 'yes' | 'no' | 'conditional' | '-';

export interface ResourceChangeRow {
  /** Add, Modify, Remove (also Import, Dynamic). */
  action: string;
  logicalId: string;
  type: string;
  /** Whether a Modify replaces the resource; `-` for Add and Remove. */
  replacement: Replacement;
}

export interface ChangeSetRef {
  stackName: string;
  changeSetId: string;
  changeSetType: ChangeSetType;
}

export type ChangeSetResult =
  | ({ kind: 'changes'; changes: ResourceChangeRow[] } & ChangeSetRef)
  | { kind: 'no-changes'; reason: string };

const NO_CHANGES = /didn't contain changes|No updates are to be performed/i;

export async function createChangeSet(cfn: CloudFormationClient, request: ChangeSetRequest, wait: WaitOptions): Promise<ChangeSetResult> {
  const created = await requestChangeSet(cfn, request);
  if (created === 'no-changes') return { kind: 'no-changes', reason: 'No updates are to be performed.' };
  if (!created.Id) throw new DeployError('ChangeSetFailed', 'CloudFormation created a change set without an id');
  const ref: ChangeSetRef = { stackName: request.stackName, changeSetId: created.Id, changeSetType: request.changeSetType };

  const settled = await pollUntil(`change set ${created.Id}`, wait, async () => {
    const first = await describe(cfn, ref);
    return first.Status === 'CREATE_COMPLETE' || first.Status === 'FAILED' ? first : undefined;
  });
  if (settled.Status === 'FAILED') {
    const reason = settled.StatusReason ?? 'no reason given';
    await discardChangeSet(cfn, ref);
    if (NO_CHANGES.test(reason)) return { kind: 'no-changes', reason };
    throw new DeployError('ChangeSetFailed', `CloudFormation could not create the change set: ${reason}`);
  }
  return { kind: 'changes', ...ref, changes: await allChanges(cfn, ref, settled) };
}

/** CreateChangeSet; 'no-changes' when the endpoint refuses an unchanged stack outright (moto does; CloudFormation reports a FAILED change set). */
async function requestChangeSet(cfn: CloudFormationClient, request: ChangeSetRequest): Promise<{ Id?: string } | 'no-changes'> {
  try {
    return await cfn.send(
      new CreateChangeSetCommand({
        StackName: request.stackName,
        ChangeSetName: changeSetName(new Date()),
        ChangeSetType: request.changeSetType,
        ...('body' in request.template ? { TemplateBody: request.template.body } : { TemplateURL: request.template.url }),
        Parameters: Object.entries(request.parameters).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
        // The router's role and its managed policies have names.
        Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'],
        ...(request.description !== undefined ? { Description: request.description } : {}),
        ...(request.tags !== undefined ? { Tags: Object.entries(request.tags).map(([Key, Value]) => ({ Key, Value })) } : {}),
      }),
    );
  } catch (error) {
    const e = error as { name?: string; message?: string };
    if (e.name === 'ValidationError' && NO_CHANGES.test(e.message ?? '')) return 'no-changes';
    throw error;
  }
}

/**
 * Deletes the change set; after a CREATE change set also the empty REVIEW_IN_PROGRESS stack
 * it made, so `diff` (or a declined deploy) leaves nothing behind.
 */
export async function discardChangeSet(cfn: CloudFormationClient, ref: ChangeSetRef): Promise<void> {
  await cfn.send(new DeleteChangeSetCommand({ StackName: ref.stackName, ChangeSetName: ref.changeSetId }));
  if (ref.changeSetType !== 'CREATE') return;
  const state = await stackState(cfn, ref.stackName);
  if (state.exists && state.status === 'REVIEW_IN_PROGRESS') await cfn.send(new DeleteStackCommand({ StackName: state.stackId }));
}

export function toRow(change: Change): ResourceChangeRow | undefined {
  const rc = change.ResourceChange;
  if (!rc?.LogicalResourceId) return undefined;
  return {
    action: rc.Action ?? '?',
    logicalId: rc.LogicalResourceId,
    type: rc.ResourceType ?? '?',
    replacement: replacement(rc.Action, rc.Replacement),
  };
}

function replacement(action: string | undefined, value: string | undefined): Replacement {
  if (action !== 'Modify') return '-';
  if (value === 'True') return 'yes';
  if (value === 'Conditional') return 'conditional';
  return 'no';
}

async function describe(cfn: CloudFormationClient, ref: ChangeSetRef, nextToken?: string): Promise<DescribeChangeSetCommandOutput> {
  return cfn.send(new DescribeChangeSetCommand({ StackName: ref.stackName, ChangeSetName: ref.changeSetId, ...(nextToken ? { NextToken: nextToken } : {}) }));
}

async function allChanges(cfn: CloudFormationClient, ref: ChangeSetRef, first: DescribeChangeSetCommandOutput): Promise<ResourceChangeRow[]> {
  const changes = [...(first.Changes ?? [])];
  for (let token = first.NextToken; token; ) {
    const page = await describe(cfn, ref, token);
    changes.push(...(page.Changes ?? []));
    token = page.NextToken;
  }
  return changes.map(toRow).filter((row): row is ResourceChangeRow => row !== undefined);
}

/** `switchyard-20250101T120000123Z`: letters, digits and hyphens, as CloudFormation requires. */
function changeSetName(now: Date): string {
  return `switchyard-${now.toISOString().replace(/[-:.]/g, '')}`;
}
