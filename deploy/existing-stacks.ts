/**
 * Which stacks of a deployment already exist: every stack `deploy` creates carries the tag
 * `switchyard:deployment=<name>`, so the stacks to update — and the ones whose routes are
 * all gone — are found by tag, never by guessing names. One DescribeStacks listing (all
 * stacks of the account and region, page by page) also gives each stack's status,
 * parameters and tags, so no stack is described twice.
 *
 * One untagged stack belongs too: the single stack an earlier Switchyard deployed for all
 * routes, named after the deployment, recognised by its template's description. Its routes
 * now live in the sharded stacks, so it is retired like any stack whose routes are gone —
 * left running, its rules would route every event a second time.
 */
import { DescribeStacksCommand, GetTemplateCommand, ListStackResourcesCommand, type CloudFormationClient, type Stack } from '@aws-sdk/client-cloudformation';
import { mapLimit } from '../engine/limiter.ts';

export const DEPLOYMENT_TAG = 'switchyard:deployment';
export const KIND_TAG = 'switchyard:kind';

export type StackKind = 'core' | 'shard';

export interface ExistingStack {
  name: string;
  stackId: string;
  status: string;
  /** From the switchyard:kind tag; `legacy` for an earlier Switchyard's single untagged stack. */
  kind: StackKind | 'legacy' | undefined;
  parameters: Record<string, string>;
  tags: Record<string, string>;
  /** The deployed template's text, once read (see withTemplates). */
  template?: string;
}

/** The tags every stack of `deployment` is created with. */
export function stackTags(deployment: string, kind: StackKind): Record<string, string> {
  return { [DEPLOYMENT_TAG]: deployment, [KIND_TAG]: kind };
}

/** The live stacks tagged with this deployment, by stack name. */
export async function existingStacks(cfn: CloudFormationClient, deployment: string): Promise<Map<string, ExistingStack>> {
  const found = new Map<string, ExistingStack>();
  for (let token: string | undefined, first = true; first || token; first = false) {
    const page = await cfn.send(new DescribeStacksCommand(token ? { NextToken: token } : {}));
    for (const stack of page.Stacks ?? []) {
      const existing = toExistingStack(stack);
      if (existing && existing.status !== 'DELETE_COMPLETE' && (existing.tags[DEPLOYMENT_TAG] === deployment || isLegacyStack(stack, deployment))) {
        found.set(existing.name, isLegacyStack(stack, deployment) ? { ...existing, kind: 'legacy' } : existing);
      }
    }
    token = page.NextToken;
  }
  return found;
}

/** Reads every stack's deployed template, at most `concurrency` at a time: the unchanged check and the order of name moves need them. */
export async function withTemplates(cfn: CloudFormationClient, stacks: Map<string, ExistingStack>, concurrency: number): Promise<Map<string, ExistingStack>> {
  const read = await mapLimit([...stacks.values()], concurrency, async (stack) => {
    const got = await cfn.send(new GetTemplateCommand({ StackName: stack.stackId, TemplateStage: 'Original' }));
    return got.TemplateBody !== undefined ? { ...stack, template: got.TemplateBody } : stack;
  });
  return new Map(read.map((s) => [s.name, s]));
}

/** How many resources a stack holds (what deleting it removes). */
export async function countResources(cfn: CloudFormationClient, stackId: string): Promise<number> {
  let count = 0;
  for (let token: string | undefined, first = true; first || token; first = false) {
    const page = await cfn.send(new ListStackResourcesCommand({ StackName: stackId, ...(token ? { NextToken: token } : {}) }));
    count += page.StackResourceSummaries?.length ?? 0;
    token = page.NextToken;
  }
  return count;
}

/** generators/cloudformation/template.ts described the one stack as `Switchyard <stack name>: routes …`. */
function isLegacyStack(stack: Stack, deployment: string): boolean {
  return stack.StackName === deployment && !(stack.Tags ?? []).some((t) => t.Key === DEPLOYMENT_TAG) && (stack.Description ?? '').startsWith(`Switchyard ${deployment}: `);
}

function toExistingStack(stack: Stack): ExistingStack | undefined {
  if (!stack.StackName || !stack.StackId || !stack.StackStatus) return undefined;
  const tags = Object.fromEntries((stack.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
  const kind = tags[KIND_TAG];
  return {
    name: stack.StackName,
    stackId: stack.StackId,
    status: stack.StackStatus,
    kind: kind === 'core' || kind === 'shard' ? kind : undefined,
    parameters: Object.fromEntries((stack.Parameters ?? []).map((p) => [p.ParameterKey ?? '', p.ParameterValue ?? ''])),
    tags,
  };
}
