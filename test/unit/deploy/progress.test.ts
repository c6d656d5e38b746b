import type { StackEvent } from '@aws-sdk/client-cloudformation';
import { describe, expect, it } from 'vitest';
import { deleteStack, executeChangeSet, formatEvent, printOutputs } from '../../../deploy/progress.ts';
import { fakeCloudFormation, serviceError } from './fake-cloudformation.ts';
import { capture } from '../../support/captured-output.ts';

const FAST = { pollIntervalMs: 1, timeoutMs: 5_000 };
const REF = { stackName: 'router', changeSetId: 'cs-1', changeSetType: 'UPDATE' as const };


let clock = Date.parse('2026-03-04T10:00:00Z');
function event(id: string, logicalId: string, status: string, reason?: string, type = 'AWS::SQS::Queue'): StackEvent {
  clock += 1000;
  return {
    EventId: id,
    StackId: 'stack-id',
    StackName: 'router',
    LogicalResourceId: logicalId,
    ResourceType: logicalId === 'router' ? 'AWS::CloudFormation::Stack' : type,
    ResourceStatus: status,
    Timestamp: new Date(clock),
    ...(reason ? { ResourceStatusReason: reason } : {}),
  } as StackEvent;
}
/** DescribeStackEvents answers newest first. */
const newestFirst = (...events: StackEvent[]) => ({ StackEvents: [...events].reverse() });
const stackIs = (StackStatus: string) => ({ Stacks: [{ StackName: 'router', StackStatus }] });

describe('executeChangeSet', () => {
  const old = event('old', 'router', 'CREATE_COMPLETE');
  const started = event('e1', 'router', 'UPDATE_IN_PROGRESS', 'User Initiated');
  const queueIn = event('e2', 'Queue', 'UPDATE_IN_PROGRESS');
  const queueDone = event('e3', 'Queue', 'UPDATE_COMPLETE');
  const done = event('e4', 'router', 'UPDATE_COMPLETE');
  const ruleFailed = event('f2', 'Rule', 'UPDATE_FAILED', 'Event pattern is not valid. Reason: "suffix" must be an object or an array', 'AWS::Events::Rule');
  const queueCancelled = event('f3', 'Queue', 'UPDATE_FAILED', 'Resource update cancelled');
  const rollingBack = event('f4', 'router', 'UPDATE_ROLLBACK_IN_PROGRESS', 'The following resource(s) failed to update: [Rule].');
  const rolledBack = event('f5', 'router', 'UPDATE_ROLLBACK_COMPLETE');

  it('prints each new event once, oldest first, never the ones from before, and ends at the terminal status', async () => {
    const cfn = fakeCloudFormation({
      DescribeStackEvents: [newestFirst(old), newestFirst(old, started), newestFirst(old, started, queueIn), newestFirst(old, started, queueIn, queueDone, done)],
      ExecuteChangeSet: [{}],
      DescribeStacks: [stackIs('UPDATE_IN_PROGRESS'), stackIs('UPDATE_IN_PROGRESS'), stackIs('UPDATE_COMPLETE')],
    });
    const io = capture();
    expect(await executeChangeSet(cfn.client, REF, io, FAST)).toEqual({ ok: true, status: 'UPDATE_COMPLETE' });
    expect(io.out).toEqual([started, queueIn, queueDone, done].map(formatEvent));
    expect(io.err).toEqual([]);
    expect(cfn.calls.find((c) => c.command === 'ExecuteChangeSet')?.input).toEqual({ StackName: 'router', ChangeSetName: 'cs-1' });
  });

  it('on failure names the resource that failed first (not the cancelled ones) and how to get back', async () => {
    const cfn = fakeCloudFormation({
      DescribeStackEvents: [newestFirst(old), newestFirst(old, started, queueCancelled, ruleFailed, rollingBack, rolledBack)],
      ExecuteChangeSet: [{}],
      DescribeStacks: [stackIs('UPDATE_ROLLBACK_COMPLETE')],
    });
    const io = capture();
    expect(await executeChangeSet(cfn.client, REF, io, FAST)).toEqual({
      ok: false,
      status: 'UPDATE_ROLLBACK_COMPLETE',
      reason: 'Rule (AWS::Events::Rule) UPDATE_FAILED: Event pattern is not valid. Reason: "suffix" must be an object or an array',
    });
    expect(io.out).toHaveLength(5);
    expect(io.err).toEqual([
      'Deployment failed: stack router is UPDATE_ROLLBACK_COMPLETE.',
      '  Rule (AWS::Events::Rule) UPDATE_FAILED: Event pattern is not valid. Reason: "suffix" must be an object or an array',
      '  CloudFormation rolled the stack back to the previous deployment, which is running again. Fix the cause and deploy again.',
    ]);
  });

  const advice: Array<{ status: string; says: RegExp }> = [
    { status: 'ROLLBACK_COMPLETE', says: /never created\. Delete it with 'aws cloudformation delete-stack --stack-name router'/ },
    { status: 'UPDATE_ROLLBACK_FAILED', says: /continue-update-rollback --stack-name router/ },
    { status: 'UPDATE_FAILED', says: /rollback-stack --stack-name router/ },
  ];
  for (const a of advice) {
    it(`a stack ending ${a.status} gets the way back for that status`, async () => {
      const cfn = fakeCloudFormation({
        DescribeStackEvents: [newestFirst(old), newestFirst(old, started, event(`x-${a.status}`, 'router', a.status))],
        ExecuteChangeSet: [{}],
        DescribeStacks: [stackIs(a.status)],
      });
      const io = capture();
      expect((await executeChangeSet(cfn.client, REF, io, FAST)).ok).toBe(false);
      expect(io.err.join('\n')).toMatch(a.says);
    });
  }

  it('a refused ExecuteChangeSet is a StackFailed error', async () => {
    const cfn = fakeCloudFormation({
      DescribeStackEvents: [newestFirst(old)],
      ExecuteChangeSet: [serviceError('InvalidChangeSetStatus', 'ChangeSet [cs-1] cannot be executed in its current status of [OBSOLETE]')],
    });
    await expect(executeChangeSet(cfn.client, REF, capture(), FAST)).rejects.toMatchObject({ code: 'StackFailed', message: expect.stringContaining('OBSOLETE') });
  });
});

describe('deleteStack', () => {
  const STACK = { name: 'router', stackId: 'arn:aws:cloudformation:eu-west-1:111122223333:stack/router/1' };
  const old = event('d0', 'router', 'UPDATE_COMPLETE');
  const deleting = event('d1', 'router', 'DELETE_IN_PROGRESS', 'User Initiated');
  const deleted = event('d2', 'router', 'DELETE_COMPLETE');
  const queueFailed = event('d3', 'Queue', 'DELETE_FAILED', 'Queue is in use');

  it('deletes by stack id (the name no longer answers once the stack is gone) and follows it to DELETE_COMPLETE', async () => {
    const cfn = fakeCloudFormation({
      DescribeStackEvents: [newestFirst(old), newestFirst(old, deleting), newestFirst(old, deleting, deleted)],
      DeleteStack: [{}],
      DescribeStacks: [stackIs('DELETE_IN_PROGRESS'), stackIs('DELETE_COMPLETE')],
    });
    const io = capture();
    expect(await deleteStack(cfn.client, STACK, io, FAST)).toEqual({ ok: true, status: 'DELETE_COMPLETE' });
    expect(io.out).toEqual([deleting, deleted].map(formatEvent));
    expect(cfn.calls.filter((c) => c.command !== 'DescribeStackEvents').map((c) => c.input.StackName)).toEqual([STACK.stackId, STACK.stackId, STACK.stackId]);
  });

  it('DELETE_FAILED names the resource that stayed and how to go on', async () => {
    const cfn = fakeCloudFormation({
      DescribeStackEvents: [newestFirst(old), newestFirst(old, deleting, queueFailed, event('d4', 'router', 'DELETE_FAILED'))],
      DeleteStack: [{}],
      DescribeStacks: [stackIs('DELETE_FAILED')],
    });
    const io = capture();
    expect(await deleteStack(cfn.client, STACK, io, FAST)).toEqual({ ok: false, status: 'DELETE_FAILED', reason: 'Queue (AWS::SQS::Queue) DELETE_FAILED: Queue is in use' });
    expect(io.err.join('\n')).toMatch(/--retain-resources/);
  });
});

describe('printOutputs', () => {
  const cases: Array<{ name: string; stack: Record<string, unknown>; expected: string[] }> = [
    {
      name: 'prints each output, keys aligned',
      stack: { Outputs: [{ OutputKey: 'RouterFunctionName', OutputValue: 'router-fn' }, { OutputKey: 'StateBucket', OutputValue: 'router-state-1' }] },
      expected: ['Outputs:', '  RouterFunctionName  router-fn', '  StateBucket         router-state-1'],
    },
    { name: 'says so when none are returned (moto after ExecuteChangeSet)', stack: {}, expected: ['Outputs: no outputs returned'] },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const cfn = fakeCloudFormation({ DescribeStacks: [{ Stacks: [{ StackName: 'router', StackStatus: 'UPDATE_COMPLETE', ...c.stack }] }] });
      const io = capture();
      await printOutputs(cfn.client, 'router', io);
      expect(io.out).toEqual(c.expected);
    });
  }
});

describe('formatEvent', () => {
  it('shows UTC time, status, logical id and reason', () => {
    const e = { Timestamp: new Date('2026-03-04T10:11:12Z'), ResourceStatus: 'CREATE_FAILED', LogicalResourceId: 'Rule', ResourceStatusReason: 'bad pattern' };
    expect(formatEvent(e as StackEvent)).toBe('10:11:12  CREATE_FAILED         Rule  bad pattern');
  });
});
