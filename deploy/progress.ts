/**
 * Executes a change set and follows it: every new stack event is printed as it appears
 * (time, status, logical id, reason) until the stack reaches a terminal status. On failure
 * the failing resource's reason and the way back are printed; on success, the outputs.
 */
import {
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  type CloudFormationClient,
  type StackEvent,
} from '@aws-sdk/client-cloudformation';
import type { Output } from '../cli/output.ts';
import { errorMessage } from '../engine/errors.ts';
import type { ChangeSetRef } from './changeset.ts';
import { DeployError } from './errors.ts';
import { isMissingStack, recoveryAdvice } from './stack-state.ts';
import { pollUntil, type WaitOptions } from './wait.ts';

export interface ExecutionResult {
  ok: boolean;
  /** The terminal stack status. */
  status: string;
  /** When not ok: CloudFormation's reason, from the first resource that failed. */
  reason?: string;
}

const SUCCEEDED = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'IMPORT_COMPLETE']);
const DELETED = new Set(['DELETE_COMPLETE']);

export async function executeChangeSet(cfn: CloudFormationClient, ref: ChangeSetRef, out: Output, wait: WaitOptions): Promise<ExecutionResult> {
  const stream = new EventStream(cfn, ref.stackName, await newestEventId(cfn, ref.stackName));
  try {
    await cfn.send(new ExecuteChangeSetCommand({ StackName: ref.stackName, ChangeSetName: ref.changeSetId }));
  } catch (error) {
    for (const event of await stream.next()) out.stdout(formatEvent(event));
    throw new DeployError('StackFailed', `CloudFormation did not execute the change set: ${errorMessage(error)}`, { cause: error });
  }
  return follow(cfn, { name: ref.stackName, id: ref.stackName }, stream, SUCCEEDED, out, wait);
}

/** Deletes a stack (by id, which still answers once it is gone) and follows it to DELETE_COMPLETE. */
export async function deleteStack(cfn: CloudFormationClient, stack: { name: string; stackId: string }, out: Output, wait: WaitOptions): Promise<ExecutionResult> {
  const stream = new EventStream(cfn, stack.stackId, await newestEventId(cfn, stack.stackId));
  await cfn.send(new DeleteStackCommand({ StackName: stack.stackId }));
  return follow(cfn, { name: stack.name, id: stack.stackId }, stream, DELETED, out, wait);
}

async function follow(
  cfn: CloudFormationClient,
  stack: { name: string; id: string },
  stream: EventStream,
  succeeded: ReadonlySet<string>,
  out: Output,
  wait: WaitOptions,
): Promise<ExecutionResult> {
  const status = await pollUntil(`stack ${stack.name}`, wait, async () => {
    // Status first, events second: once the status is terminal the events read after it include the last ones.
    const current = await stackStatus(cfn, stack.id);
    for (const event of await stream.next()) out.stdout(formatEvent(event));
    return current !== undefined && isTerminal(current) ? current : undefined;
  });
  if (succeeded.has(status)) return { ok: true, status };
  explainFailure(stack.name, status, stream.printed, out);
  return { ok: false, status, reason: failureReason(stack.name, status, stream.printed) };
}

export async function printOutputs(cfn: CloudFormationClient, stackName: string, out: Output): Promise<void> {
  const described = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
  const outputs = described.Stacks?.[0]?.Outputs ?? [];
  if (outputs.length === 0) {
    out.stdout('Outputs: no outputs returned');
    return;
  }
  out.stdout('Outputs:');
  const width = Math.max(...outputs.map((o) => (o.OutputKey ?? '').length));
  for (const o of outputs) out.stdout(`  ${(o.OutputKey ?? '').padEnd(width)}  ${o.OutputValue ?? ''}`);
}

export function formatEvent(event: StackEvent): string {
  const time = event.Timestamp ? event.Timestamp.toISOString().slice(11, 19) : '--:--:--';
  const reason = event.ResourceStatusReason ? `  ${event.ResourceStatusReason}` : '';
  return `${time}  ${(event.ResourceStatus ?? '?').padEnd(20)}  ${event.LogicalResourceId ?? '?'}${reason}`;
}

export function isTerminal(status: string): boolean {
  return !status.endsWith('_IN_PROGRESS');
}

/** The resource that failed first (not the ones cancelled because of it), and how to get back to a working stack. */
export function explainFailure(stackName: string, status: string, events: StackEvent[], out: Output): void {
  const failed = firstFailure(stackName, events);
  out.stderr(`Deployment failed: stack ${stackName} is ${status}.`);
  if (failed) out.stderr(`  ${failed.LogicalResourceId} (${failed.ResourceType ?? '?'}) ${failed.ResourceStatus}: ${failed.ResourceStatusReason ?? 'no reason given'}`);
  out.stderr(`  ${rollbackAdvice(stackName, status)}`);
}

/** For the summary: `Rule (AWS::Events::Rule) UPDATE_FAILED: <CloudFormation's reason>`, or the status alone when no resource said why. */
export function failureReason(stackName: string, status: string, events: StackEvent[]): string {
  const failed = firstFailure(stackName, events) ?? events.find((e) => e.ResourceStatus?.endsWith('_FAILED') && e.ResourceStatusReason);
  if (!failed) return `stack is ${status}`;
  return `${failed.LogicalResourceId ?? '?'} (${failed.ResourceType ?? '?'}) ${failed.ResourceStatus}: ${failed.ResourceStatusReason ?? 'no reason given'}`;
}

function firstFailure(stackName: string, events: StackEvent[]): StackEvent | undefined {
  return events.find((e) => e.ResourceStatus?.endsWith('_FAILED') && e.LogicalResourceId !== stackName && !/cancell?ed/i.test(e.ResourceStatusReason ?? ''));
}

export function rollbackAdvice(stackName: string, status: string): string {
  const recovery = recoveryAdvice(stackName, status);
  if (recovery !== undefined) return recovery;
  switch (status) {
    case 'UPDATE_ROLLBACK_COMPLETE':
      return 'CloudFormation rolled the stack back to the previous deployment, which is running again. Fix the cause and deploy again.';
    case 'UPDATE_FAILED':
      return `Roll back with 'aws cloudformation rollback-stack --stack-name ${stackName}', fix the cause and deploy again.`;
    default:
      return `Look at 'aws cloudformation describe-stack-events --stack-name ${stackName}' for the cause before deploying again.`;
  }
}

async function stackStatus(cfn: CloudFormationClient, stackName: string): Promise<string | undefined> {
  const described = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
  return described.Stacks?.[0]?.StackStatus;
}

async function newestEventId(cfn: CloudFormationClient, stackName: string): Promise<string | undefined> {
  try {
    const page = await cfn.send(new DescribeStackEventsCommand({ StackName: stackName }));
    return page.StackEvents?.[0]?.EventId;
  } catch (error) {
    if (isMissingStack(error)) return undefined;
    throw error;
  }
}

/** Stack events newer than a boundary, oldest first, each returned once. */
class EventStream {
  readonly printed: StackEvent[] = [];
  readonly #seen = new Set<string>();

  constructor(
    private readonly cfn: CloudFormationClient,
    private readonly stackName: string,
    private readonly boundary: string | undefined,
  ) {}

  async next(): Promise<StackEvent[]> {
    const fresh: StackEvent[] = [];
    // Newest first: read pages until an event already seen (or the boundary) appears.
    pages: for (let token: string | undefined, first = true; first || token; first = false) {
      const page = await this.cfn.send(new DescribeStackEventsCommand({ StackName: this.stackName, ...(token ? { NextToken: token } : {}) }));
      for (const event of page.StackEvents ?? []) {
        const id = event.EventId ?? '';
        if (id === this.boundary || this.#seen.has(id)) break pages;
        fresh.push(event);
      }
      token = page.NextToken;
    }
    fresh.reverse();
    for (const event of fresh) this.#seen.add(event.EventId ?? '');
    this.printed.push(...fresh);
    return fresh;
  }
}
