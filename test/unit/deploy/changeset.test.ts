import type { Change } from '@aws-sdk/client-cloudformation';
import { describe, expect, it } from 'vitest';
import { createChangeSet, toRow, type ChangeSetRequest, type ChangeSetResult } from '../../../deploy/changeset.ts';
import { fakeCloudFormation, serviceError } from './fake-cloudformation.ts';

const FAST = { pollIntervalMs: 1, timeoutMs: 5_000 };
const ID = 'arn:aws:cloudformation:eu-west-1:111122223333:changeSet/switchyard-x/1';
const update: ChangeSetRequest = { stackName: 'router', changeSetType: 'UPDATE', template: { body: '{}' }, parameters: { LambdaCodeBucket: 'b', LambdaCodeKey: 'switchyard/abc.zip' } };
const create: ChangeSetRequest = { ...update, changeSetType: 'CREATE' };

/** A change as DescribeChangeSet returns it (the SDK types Action and Replacement as string unions). */
const change = (Action: string, LogicalResourceId: string, ResourceType: string, Replacement?: string): Change =>
  ({ Type: 'Resource', ResourceChange: { Action, LogicalResourceId, ResourceType, ...(Replacement ? { Replacement } : {}) } }) as Change;

describe('createChangeSet', () => {
  const cases: Array<{
    name: string;
    request: ChangeSetRequest;
    script: Parameters<typeof fakeCloudFormation>[0];
    expected: ChangeSetResult | { error: RegExp };
    calls: string[];
  }> = [
    {
      name: 'waits through CREATE_PENDING/IN_PROGRESS and reads every page of changes',
      request: update,
      script: {
        CreateChangeSet: [{ Id: ID }],
        DescribeChangeSet: [
          { Status: 'CREATE_PENDING' },
          { Status: 'CREATE_IN_PROGRESS' },
          { Status: 'CREATE_COMPLETE', Changes: [change('Modify', 'RouterFunction', 'AWS::Lambda::Function', 'False')], NextToken: 't1' },
          { Status: 'CREATE_COMPLETE', Changes: [change('Add', 'NewQueue', 'AWS::SQS::Queue'), change('Modify', 'Rule', 'AWS::Events::Rule', 'Conditional')] },
        ],
      },
      expected: {
        kind: 'changes',
        stackName: 'router',
        changeSetId: ID,
        changeSetType: 'UPDATE',
        changes: [
          { action: 'Modify', logicalId: 'RouterFunction', type: 'AWS::Lambda::Function', replacement: 'no' },
          { action: 'Add', logicalId: 'NewQueue', type: 'AWS::SQS::Queue', replacement: '-' },
          { action: 'Modify', logicalId: 'Rule', type: 'AWS::Events::Rule', replacement: 'conditional' },
        ],
      },
      calls: ['CreateChangeSet', 'DescribeChangeSet', 'DescribeChangeSet', 'DescribeChangeSet', 'DescribeChangeSet'],
    },
    {
      name: "a FAILED change set that didn't contain changes is 'no changes', and is deleted",
      request: update,
      script: {
        CreateChangeSet: [{ Id: ID }],
        DescribeChangeSet: [{ Status: 'FAILED', StatusReason: "The submitted information didn't contain changes. Submit different information to create a change set." }],
        DeleteChangeSet: [{}],
      },
      expected: { kind: 'no-changes', reason: "The submitted information didn't contain changes. Submit different information to create a change set." },
      calls: ['CreateChangeSet', 'DescribeChangeSet', 'DeleteChangeSet'],
    },
    {
      name: "'No updates are to be performed' as the FAILED reason is 'no changes' too",
      request: update,
      script: { CreateChangeSet: [{ Id: ID }], DescribeChangeSet: [{ Status: 'FAILED', StatusReason: 'No updates are to be performed.' }], DeleteChangeSet: [{}] },
      expected: { kind: 'no-changes', reason: 'No updates are to be performed.' },
      calls: ['CreateChangeSet', 'DescribeChangeSet', 'DeleteChangeSet'],
    },
    {
      name: "an endpoint that refuses the request with 'No updates are to be performed' (moto) is 'no changes' with nothing to delete",
      request: update,
      script: { CreateChangeSet: [serviceError('ValidationError', 'No updates are to be performed.')] },
      expected: { kind: 'no-changes', reason: 'No updates are to be performed.' },
      calls: ['CreateChangeSet'],
    },
    {
      name: 'any other FAILED reason is an error, after deleting the change set',
      request: update,
      script: {
        CreateChangeSet: [{ Id: ID }],
        DescribeChangeSet: [{ Status: 'FAILED', StatusReason: 'Template format error: Unresolved resource dependencies [Nope]' }],
        DeleteChangeSet: [{}],
      },
      expected: { error: /could not create the change set: Template format error: Unresolved resource dependencies \[Nope\]/ },
      calls: ['CreateChangeSet', 'DescribeChangeSet', 'DeleteChangeSet'],
    },
    {
      name: 'a failed CREATE change set also deletes the empty REVIEW_IN_PROGRESS stack it made',
      request: create,
      script: {
        CreateChangeSet: [{ Id: ID }],
        DescribeChangeSet: [{ Status: 'FAILED', StatusReason: 'Requires capabilities : [CAPABILITY_AUTO_EXPAND]' }],
        DeleteChangeSet: [{}],
        DescribeStacks: [{ Stacks: [{ StackId: 'stack-id', StackName: 'router', StackStatus: 'REVIEW_IN_PROGRESS' }] }],
        DeleteStack: [{}],
      },
      expected: { error: /CAPABILITY_AUTO_EXPAND/ },
      calls: ['CreateChangeSet', 'DescribeChangeSet', 'DeleteChangeSet', 'DescribeStacks', 'DeleteStack'],
    },
    {
      name: 'other errors from CreateChangeSet are passed on untouched',
      request: update,
      script: { CreateChangeSet: [serviceError('InsufficientCapabilitiesException', 'Requires capabilities : [CAPABILITY_NAMED_IAM]')] },
      expected: { error: /^Requires capabilities/ },
      calls: ['CreateChangeSet'],
    },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      const cfn = fakeCloudFormation(c.script);
      const run = createChangeSet(cfn.client, c.request, FAST);
      if ('error' in c.expected) await expect(run).rejects.toThrow(c.expected.error);
      else expect(await run).toEqual(c.expected);
      expect(cfn.commandsCalled()).toEqual(c.calls);
    });
  }

  it('sends the template inline or by URL, the code parameters, and the IAM capabilities', async () => {
    const cases: Array<{ template: ChangeSetRequest['template']; field: string; value: string }> = [
      { template: { body: '{"Resources":{}}' }, field: 'TemplateBody', value: '{"Resources":{}}' },
      { template: { url: 'https://s3.eu-west-1.amazonaws.com/b/t.json' }, field: 'TemplateURL', value: 'https://s3.eu-west-1.amazonaws.com/b/t.json' },
    ];
    for (const t of cases) {
      const cfn = fakeCloudFormation({ CreateChangeSet: [{ Id: ID }], DescribeChangeSet: [{ Status: 'CREATE_COMPLETE', Changes: [] }] });
      await createChangeSet(cfn.client, { ...update, template: t.template }, FAST);
      const input = cfn.calls[0]?.input ?? {};
      expect(input).toMatchObject({
        StackName: 'router',
        ChangeSetType: 'UPDATE',
        [t.field]: t.value,
        Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'],
        Parameters: [
          { ParameterKey: 'LambdaCodeBucket', ParameterValue: 'b' },
          { ParameterKey: 'LambdaCodeKey', ParameterValue: 'switchyard/abc.zip' },
        ],
      });
      expect(input.ChangeSetName).toMatch(/^[A-Za-z][-A-Za-z0-9]*$/);
    }
  });

  it('gives up with TimedOut when the change set never settles', async () => {
    const cfn = fakeCloudFormation({ CreateChangeSet: [{ Id: ID }], DescribeChangeSet: [{ Status: 'CREATE_IN_PROGRESS' }] });
    await expect(createChangeSet(cfn.client, update, { pollIntervalMs: 1, timeoutMs: 20 })).rejects.toMatchObject({ code: 'TimedOut' });
  });
});

describe('toRow', () => {
  const cases: Array<{ name: string; change: Parameters<typeof toRow>[0]; expected: ReturnType<typeof toRow> }> = [
    { name: 'Modify with Replacement True is replaced: yes', change: change('Modify', 'Q', 'AWS::SQS::Queue', 'True'), expected: { action: 'Modify', logicalId: 'Q', type: 'AWS::SQS::Queue', replacement: 'yes' } },
    { name: 'Modify with Replacement False: no', change: change('Modify', 'Q', 'AWS::SQS::Queue', 'False'), expected: { action: 'Modify', logicalId: 'Q', type: 'AWS::SQS::Queue', replacement: 'no' } },
    { name: 'Modify with Replacement Conditional: conditional', change: change('Modify', 'Q', 'AWS::SQS::Queue', 'Conditional'), expected: { action: 'Modify', logicalId: 'Q', type: 'AWS::SQS::Queue', replacement: 'conditional' } },
    { name: 'Modify without Replacement (moto) reads as no', change: change('Modify', 'Q', 'AWS::SQS::Queue'), expected: { action: 'Modify', logicalId: 'Q', type: 'AWS::SQS::Queue', replacement: 'no' } },
    { name: 'Add has no replacement', change: change('Add', 'Q', 'AWS::SQS::Queue'), expected: { action: 'Add', logicalId: 'Q', type: 'AWS::SQS::Queue', replacement: '-' } },
    { name: 'Remove has no replacement', change: change('Remove', 'Q', 'AWS::SQS::Queue', 'True'), expected: { action: 'Remove', logicalId: 'Q', type: 'AWS::SQS::Queue', replacement: '-' } },
    { name: 'a change without a resource change is left out', change: { Type: 'Resource' }, expected: undefined },
  ];
  for (const c of cases) it(c.name, () => expect(toRow(c.change)).toEqual(c.expected));
});
