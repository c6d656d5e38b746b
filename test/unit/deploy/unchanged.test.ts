import { describe, expect, it } from 'vitest';
import type { ExistingStack } from '../../../deploy/existing-stacks.ts';
import { matchesDeployed, sameTemplate } from '../../../deploy/unchanged.ts';
import { fakeCloudFormation } from './fake-cloudformation.ts';

const BODY = '{\n  "Resources": {\n    "Queue": { "Type": "AWS::SQS::Queue" }\n  }\n}\n';
const existing: ExistingStack = {
  name: 'router-s1',
  stackId: 'stack-id',
  status: 'UPDATE_COMPLETE',
  kind: 'shard',
  parameters: { LambdaCodeBucket: 'code', LambdaCodeKey: 'switchyard/abc.zip', Defaulted: 'x' },
  tags: { 'switchyard:deployment': 'router', 'switchyard:kind': 'shard', 'cost-centre': '42' },
};
const desired = { body: BODY, parameters: { LambdaCodeBucket: 'code', LambdaCodeKey: 'switchyard/abc.zip' }, tags: { 'switchyard:deployment': 'router', 'switchyard:kind': 'shard' } };

describe('matchesDeployed', () => {
  const cases: Array<{ name: string; stack?: Partial<ExistingStack>; wanted?: Partial<typeof desired>; deployedBody?: string; expected: boolean; asksForTemplate: boolean }> = [
    { name: 'same template, code key and tags (extra tags and defaulted parameters do not count)', expected: true, asksForTemplate: true },
    { name: 'the same template re-serialised by CloudFormation is the same', deployedBody: JSON.stringify(JSON.parse(BODY)), expected: true, asksForTemplate: true },
    { name: 'another template', deployedBody: BODY.replace('Queue', 'Topic'), expected: false, asksForTemplate: true },
    { name: 'another code key (the code changed): no template read needed', wanted: { parameters: { ...desired.parameters, LambdaCodeKey: 'switchyard/def.zip' } }, expected: false, asksForTemplate: false },
    { name: 'a missing tag (a stack from before tagging)', stack: { tags: {} }, expected: false, asksForTemplate: false },
    { name: 'a stack that rolled back runs its old template', stack: { status: 'UPDATE_ROLLBACK_COMPLETE' }, expected: false, asksForTemplate: false },
    { name: 'a stack half-created by a change set', stack: { status: 'REVIEW_IN_PROGRESS' }, expected: false, asksForTemplate: false },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const cfn = fakeCloudFormation({ GetTemplate: [{ TemplateBody: c.deployedBody ?? BODY }] });
      expect(await matchesDeployed(cfn.client, { ...existing, ...c.stack }, { ...desired, ...c.wanted })).toBe(c.expected);
      expect(cfn.commandsCalled()).toEqual(c.asksForTemplate ? ['GetTemplate'] : []);
      if (c.asksForTemplate) expect(cfn.calls[0]?.input).toEqual({ StackName: 'stack-id', TemplateStage: 'Original' });
    });
  }

  it('sameTemplate: text that is not JSON is compared as text', () => {
    expect(sameTemplate('Resources: {}', 'Resources: {}')).toBe(true);
    expect(sameTemplate('Resources: {}', '{"Resources":{}}')).toBe(false);
  });
});
