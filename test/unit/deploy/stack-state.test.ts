import { describe, expect, it } from 'vitest';
import { rollbackAdvice } from '../../../deploy/progress.ts';
import { changeSetTypeFor, stackState, type StackState } from '../../../deploy/stack-state.ts';
import { fakeCloudFormation, serviceError } from './fake-cloudformation.ts';

describe('changeSetTypeFor', () => {
  const exists = (status: string): StackState => ({ exists: true, stackId: 'id', status });
  const cases: Array<{ name: string; state: StackState; expected: 'CREATE' | 'UPDATE' | RegExp }> = [
    { name: 'a stack that does not exist is created', state: { exists: false }, expected: 'CREATE' },
    { name: 'the empty stack a never-executed CREATE change set left is created again', state: exists('REVIEW_IN_PROGRESS'), expected: 'CREATE' },
    { name: 'a created stack is updated', state: exists('CREATE_COMPLETE'), expected: 'UPDATE' },
    { name: 'an updated stack is updated', state: exists('UPDATE_COMPLETE'), expected: 'UPDATE' },
    { name: 'a stack rolled back from an update is updated', state: exists('UPDATE_ROLLBACK_COMPLETE'), expected: 'UPDATE' },
    { name: 'a stack whose creation rolled back must be deleted first', state: exists('ROLLBACK_COMPLETE'), expected: /delete-stack --stack-name router/ },
    { name: 'a failed update rollback must be continued first', state: exists('UPDATE_ROLLBACK_FAILED'), expected: /continue-update-rollback --stack-name router/ },
    { name: 'a stack busy with another operation is refused', state: exists('UPDATE_IN_PROGRESS'), expected: /another operation is running/ },
    { name: 'a stack whose deletion failed is told to finish the deletion, not that its creation failed', state: exists('DELETE_FAILED'), expected: /^(?!.*(creation failed|never created)).*delete-stack --stack-name router --retain-resources/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      if (c.expected instanceof RegExp) expect(() => changeSetTypeFor('router', c.state)).toThrow(c.expected);
      else expect(changeSetTypeFor('router', c.state)).toBe(c.expected);
    });
  }
});

describe('a stack no change set can start from', () => {
  for (const status of ['ROLLBACK_COMPLETE', 'ROLLBACK_FAILED', 'CREATE_FAILED', 'DELETE_FAILED', 'UPDATE_ROLLBACK_FAILED']) {
    it(`${status}: deploy refuses it with the advice it prints when a deployment ends there`, () => {
      expect(() => changeSetTypeFor('router', { exists: true, stackId: 'id', status })).toThrow(rollbackAdvice('router', status));
    });
  }
});

describe('stackState', () => {
  it('reads the status of an existing stack', async () => {
    const cfn = fakeCloudFormation({ DescribeStacks: [{ Stacks: [{ StackId: 'arn:stack/router/1', StackName: 'router', StackStatus: 'CREATE_COMPLETE' }] }] });
    expect(await stackState(cfn.client, 'router')).toEqual({ exists: true, stackId: 'arn:stack/router/1', status: 'CREATE_COMPLETE' });
  });
  it("reads CloudFormation's 'does not exist' ValidationError as no stack", async () => {
    const cfn = fakeCloudFormation({ DescribeStacks: [serviceError('ValidationError', 'Stack with id router does not exist')] });
    expect(await stackState(cfn.client, 'router')).toEqual({ exists: false });
  });
  it('passes other errors on', async () => {
    const cfn = fakeCloudFormation({ DescribeStacks: [serviceError('ExpiredToken', 'The security token included in the request is expired')] });
    await expect(stackState(cfn.client, 'router')).rejects.toThrow(/expired/);
  });
});
