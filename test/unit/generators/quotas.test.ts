import { describe, expect, it } from 'vitest';
import { compactStatements, withoutCovered } from '../../../generators/cloudformation/compact.ts';
import { estimatedLength, MANAGED_POLICY_CHARS, packStatements } from '../../../generators/cloudformation/role.ts';
import type { CfnTemplate, PolicyStatement } from '../../../generators/cloudformation/types.ts';
import { iamChars, measureStack, QUOTAS, stackBreach, type StackMeasure } from '../../../generators/quotas.ts';

const P = 'arn:${AWS::Partition}';

function template(resources: number, outputs: number, policies: unknown[] = []): CfnTemplate {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 't',
    Parameters: { LambdaCodeBucket: { Type: 'String', Description: 'b' } },
    Resources: {
      ...Object.fromEntries(Array.from({ length: resources }, (_, i) => [`Q${i}`, { Type: 'AWS::SQS::Queue' }])),
      ...Object.fromEntries(policies.map((doc, i) => [`RouterFunctionPolicy${i + 1}`, { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: doc as never } }])),
      RouterFunctionRole: { Type: 'AWS::IAM::Role', Properties: { ManagedPolicyArns: policies.map((_, i) => ({ Ref: `RouterFunctionPolicy${i + 1}` })) } },
      RouterFunction: { Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: { SWITCHYARD_STATE_BUCKET: { 'Fn::Sub': 'x-${AWS::AccountId}' }, NODE_OPTIONS: '--enable-source-maps' } } } },
      Rule: { Type: 'AWS::Events::Rule', Properties: { EventPattern: { source: ['aws.s3'], detail: { object: { key: [{ wildcard: '*.pdf' }] } } } } },
      Schedule: { Type: 'AWS::Events::Rule', Properties: { ScheduleExpression: 'rate(1 day)' } },
    },
    Outputs: Object.fromEntries(Array.from({ length: outputs }, (_, i) => [`O${i}`, { Description: 'o', Value: 'v' }])),
  };
}

describe('measuring a stack against the quotas', () => {
  it('counts resources, outputs, parameters, bytes, policies, environment and rules', () => {
    const doc = { Version: '2012-10-17', Statement: [{ Sid: 'A', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [{ 'Fn::Sub': `${P}:s3:::b/*` }] }] };
    const t = template(7, 3, [doc, doc]);
    const m = measureStack(t, '{"x": 1}');
    // A schedule is a rule on the bus too.
    expect(m).toMatchObject({ resources: 7 + 2 + 4, outputs: 3, parameters: 1, bytes: 8, managedPolicies: 2, rules: 2, wildcardRules: 1 });
    // The policy as IAM counts it: compact JSON, the Fn::Sub as its text, ${AWS::Partition} at its longest (aws-us-gov).
    const expected = JSON.stringify({ ...doc, Statement: [{ ...doc.Statement[0], Resource: ['arn:aws-us-gov:s3:::b/*'] }] }).length;
    expect(m.largestPolicyChars).toBe(expected);
    expect(m.environmentBytes).toBe('SWITCHYARD_STATE_BUCKET'.length + JSON.stringify({ 'Fn::Sub': 'x-${AWS::AccountId}' }).length - '${AWS::AccountId}'.length + 12 + 'NODE_OPTIONS'.length + '--enable-source-maps'.length);
  });

  it('names the first quota a stack is over, with the figures', () => {
    const ok: StackMeasure = measureStack(template(10, 10), '{}');
    expect(stackBreach(ok)).toBeUndefined();
    expect(stackBreach({ ...ok, resources: 501 })).toEqual({ quota: '500 resources a stack', limit: 500, actual: 501 });
    expect(stackBreach({ ...ok, outputs: 201 })?.quota).toBe('200 outputs a stack');
    expect(stackBreach({ ...ok, bytes: 1_000_001 })?.quota).toBe('1000000 bytes a template');
    expect(stackBreach({ ...ok, managedPolicies: 11 })?.quota).toBe('10 managed policies a role');
    expect(stackBreach({ ...ok, largestPolicyChars: 6145 })?.quota).toBe('6144 characters a managed policy');
    expect(stackBreach({ ...ok, inlinePolicyChars: 10_241 })?.quota).toBe('10240 inline policy characters a role');
    expect(stackBreach({ ...ok, environmentBytes: 4097 })?.quota).toBe('4096 bytes of Lambda environment');
    expect(stackBreach({ ...ok, largestPatternChars: 2049 })?.quota).toBe('2048 characters an EventBridge pattern');
    expect(stackBreach({ ...ok, resources: 500, outputs: 200, managedPolicies: 10, largestPolicyChars: 6144 })).toBeUndefined();
  });

  it('counts a GetAtt substitution at a generous length, since the deployed ARN is longer than its text', () => {
    expect(iamChars({ 'Fn::Sub': '${Queue.Arn}' })).toBe(2 + 128);
    expect(QUOTAS.rules).toBe(300);
  });
});

function statement(sid: string, action: string[], resource: string[], condition?: PolicyStatement['Condition']): PolicyStatement {
  return { Sid: sid, Effect: 'Allow', Action: action, Resource: resource, ...(condition ? { Condition: condition } : {}) };
}

describe('lossless compaction', () => {
  it('merges statements with the same actions and condition into one over all their resources', () => {
    const merged = compactStatements([
      statement('R1ReadSource', ['s3:GetObject', 's3:GetObjectTagging'], [`${P}:s3:::a/r1/*`]),
      statement('R2ReadSource', ['s3:GetObjectTagging', 's3:GetObject'], [`${P}:s3:::a/r2/*`]),
      statement('R1ListSource', ['s3:ListBucket'], [`${P}:s3:::a`], { StringLike: { 's3:prefix': ['r1/*'] } }),
      statement('R2ListSource', ['s3:ListBucket'], [`${P}:s3:::a`], { StringLike: { 's3:prefix': ['r2/*'] } }),
    ]);
    expect(merged.map((s) => [s.Sid, s.Resource])).toEqual([
      ['ReadSource', [`${P}:s3:::a/r1/*`, `${P}:s3:::a/r2/*`]],
      ['R1ListSource', [`${P}:s3:::a`]],
      ['R2ListSource', [`${P}:s3:::a`]],
    ]);
  });

  it('drops a resource a broader one of the same statement covers, and adds none', () => {
    const input = [`${P}:s3:::a/*`, `${P}:s3:::a/in/*`, `${P}:s3:::a/in/x.csv`, `${P}:s3:::ab/*`, `${P}:s3:::logs-*/*`, `${P}:s3:::logs-1/y/*`, `${P}:s3:::c?/*`, `${P}:s3:::c*/z`];
    const kept = withoutCovered(input);
    expect(kept).toEqual([`${P}:s3:::a/*`, `${P}:s3:::ab/*`, `${P}:s3:::c*/z`, `${P}:s3:::c?/*`, `${P}:s3:::logs-*/*`]);
    for (const r of kept) expect(input).toContain(r);
  });

  it('never lets a ? cover a *, which matches more', () => {
    expect(withoutCovered([`${P}:s3:::b?/*`, `${P}:s3:::b*/*`])).toEqual([`${P}:s3:::b*/*`]);
    expect(withoutCovered([`${P}:s3:::b?`, `${P}:s3:::b*`]).sort()).toEqual([`${P}:s3:::b*`]);
    expect(withoutCovered([`${P}:s3:::x/a?c`, `${P}:s3:::x/a*`])).toEqual([`${P}:s3:::x/a*`]);
    expect(withoutCovered([`${P}:s3:::x/a?`, `${P}:s3:::x/a*c`])).toEqual([`${P}:s3:::x/a*c`, `${P}:s3:::x/a?`]);
  });
});

describe('packing statements into managed policies', () => {
  it('fills each policy up to 6,144 characters, cutting a long statement between resources, losing none', () => {
    const resources = Array.from({ length: 400 }, (_, i) => `${P}:s3:::destination-bucket-${i}/*`);
    const chunks = packStatements([statement('WriteDestinations', ['s3:PutObject'], resources), statement('ReadSource', ['s3:GetObject'], [`${P}:s3:::a/*`])]);
    expect(chunks.length).toBeGreaterThan(1);
    const overhead = JSON.stringify({ Version: '2012-10-17', Statement: [] }).length;
    for (const chunk of chunks) expect(overhead + chunk.reduce((n, s) => n + estimatedLength(s), 0)).toBeLessThanOrEqual(MANAGED_POLICY_CHARS);
    expect(chunks.flat().flatMap((s) => s.Resource)).toEqual([...resources, `${P}:s3:::a/*`]);
    const sids = chunks.flat().map((s) => s.Sid);
    expect(new Set(sids).size).toBe(sids.length);
    expect(sids[1]).toBe('WriteDestinationsPart2');
    // Every policy but the last is nearly full.
    for (const chunk of chunks.slice(0, -1)) expect(overhead + chunk.reduce((n, s) => n + estimatedLength(s), 0)).toBeGreaterThan(MANAGED_POLICY_CHARS - 100);
  });
});
