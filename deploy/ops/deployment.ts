/**
 * What a deployment is made of, found the same way whether it is one stack or several:
 * stacks tagged `switchyard:deployment=<name>`, or else the stack of that exact name; then
 * each stack's resources through ListStackResources (stack Outputs are not relied on, moto
 * returns none after ExecuteChangeSet).
 */
import {
  DescribeStacksCommand,
  ListStackResourcesCommand,
  type CloudFormationClient,
  type Stack,
  type StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import { isMissingStack } from '../stack-state.ts';
import { OpsError } from './errors.ts';

export const DEPLOYMENT_TAG = 'switchyard:deployment';

/** What a dead-letter queue holds: events (re-drivable) or messages a consumer gave up on. */
export type DeadLetterKind = 's3-notification' | 'eventbridge' | 'async-invocation' | 'owned-queue';

export interface DeadLetterQueue {
  logicalId: string;
  url: string;
  name: string;
  kind: DeadLetterKind;
}

export interface DeployedStack {
  name: string;
  status: string;
  /** The router function of this stack, when it has one. */
  functionName?: string;
  stateBucket?: string;
  /** Where the function's zip was uploaded (the stack's LambdaCodeBucket/LambdaCodeKey parameters). */
  code?: { bucket: string; key: string };
  deadLetterQueues: DeadLetterQueue[];
}

export interface Deployment {
  name: string;
  stacks: DeployedStack[];
  /** The deployment's state bucket (the core stack holds it; every shard's function writes there). */
  stateBucket?: string;
}

export async function findDeployment(cfn: CloudFormationClient, name: string): Promise<Deployment> {
  const tagged = await taggedStacks(cfn, name);
  const stacks = tagged.length > 0 ? tagged : await stackNamed(cfn, name);
  if (stacks.length === 0) {
    throw new OpsError(
      'SY402',
      `no stack of deployment '${name}': none is tagged ${DEPLOYMENT_TAG}=${name} and no stack has that name. Check --stack, --region and the credentials' account`,
    );
  }
  const deployed: DeployedStack[] = [];
  for (const stack of stacks.sort((a, b) => (a.StackName ?? '').localeCompare(b.StackName ?? ''))) {
    deployed.push(describeStack(stack, await stackResources(cfn, stack.StackName ?? '')));
  }
  const stateBucket = deployed.find((s) => s.stateBucket)?.stateBucket;
  return { name, stacks: deployed, ...(stateBucket ? { stateBucket } : {}) };
}

async function taggedStacks(cfn: CloudFormationClient, name: string): Promise<Stack[]> {
  const found: Stack[] = [];
  let token: string | undefined;
  do {
    const page = await cfn.send(new DescribeStacksCommand({ ...(token ? { NextToken: token } : {}) }));
    for (const stack of page.Stacks ?? []) {
      if (stack.StackStatus === 'DELETE_COMPLETE') continue;
      if ((stack.Tags ?? []).some((t) => t.Key === DEPLOYMENT_TAG && t.Value === name)) found.push(stack);
    }
    token = page.NextToken;
  } while (token);
  return found;
}

async function stackNamed(cfn: CloudFormationClient, name: string): Promise<Stack[]> {
  try {
    const described = await cfn.send(new DescribeStacksCommand({ StackName: name }));
    return (described.Stacks ?? []).filter((s) => s.StackStatus !== 'DELETE_COMPLETE');
  } catch (error) {
    if (isMissingStack(error)) return [];
    throw error;
  }
}

async function stackResources(cfn: CloudFormationClient, stackName: string): Promise<StackResourceSummary[]> {
  const all: StackResourceSummary[] = [];
  let token: string | undefined;
  do {
    const page = await cfn.send(new ListStackResourcesCommand({ StackName: stackName, ...(token ? { NextToken: token } : {}) }));
    all.push(...(page.StackResourceSummaries ?? []));
    token = page.NextToken;
  } while (token);
  return all;
}

export function describeStack(stack: Stack, resources: StackResourceSummary[]): DeployedStack {
  const parameter = (key: string): string | undefined => stack.Parameters?.find((p) => p.ParameterKey === key)?.ParameterValue;
  const codeBucket = parameter('LambdaCodeBucket');
  const codeKey = parameter('LambdaCodeKey');
  const physical = (type: string, logicalId?: string): string | undefined =>
    resources.find((r) => r.ResourceType === type && (logicalId === undefined || r.LogicalResourceId === logicalId))?.PhysicalResourceId;
  const functionName = physical('AWS::Lambda::Function');
  const stateBucket = physical('AWS::S3::Bucket', 'StateBucket');
  return {
    name: stack.StackName ?? '',
    status: stack.StackStatus ?? 'UNKNOWN',
    ...(functionName ? { functionName } : {}),
    ...(stateBucket ? { stateBucket } : {}),
    ...(codeBucket && codeKey ? { code: { bucket: codeBucket, key: codeKey } } : {}),
    deadLetterQueues: resources.flatMap((r) => {
      const logicalId = r.LogicalResourceId ?? '';
      const url = r.PhysicalResourceId ?? '';
      if (r.ResourceType !== 'AWS::SQS::Queue' || !logicalId.endsWith('DeadLetterQueue') || url === '') return [];
      return [{ logicalId, url, name: url.split('/').pop() ?? url, kind: deadLetterKind(logicalId) }];
    }),
  };
}

/** From the generator's logical ids (generators/cloudformation/triggers.ts, queues.ts). */
function deadLetterKind(logicalId: string): DeadLetterKind {
  if (logicalId.endsWith('NotificationDeadLetterQueue')) return 's3-notification';
  if (logicalId.endsWith('EventsDeadLetterQueue')) return 'eventbridge';
  if (logicalId.endsWith('AsyncDeadLetterQueue')) return 'async-invocation';
  return 'owned-queue';
}

/** The stack's dead-letter queues that hold events the router can run again. */
export function eventDeadLetterQueues(stack: DeployedStack): DeadLetterQueue[] {
  return stack.deadLetterQueues.filter((q) => q.kind !== 'owned-queue');
}
