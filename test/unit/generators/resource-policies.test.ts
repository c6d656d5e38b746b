/**
 * Two resource policies grow with a stack's EventBridge rules: the function's (one statement per
 * AWS::Lambda::Permission, 20 KB in all) and the events dead-letter queue's (every rule's ARN,
 * 8,192 bytes). 100 buckets with 90 suffixes of their own need ~100 rules; generate used to put
 * them all in one stack and say everything fit.
 */
import { describe, expect, it } from 'vitest';
import { FUNCTION_ID } from '../../../generators/cloudformation/names.ts';
import type { CfnResource, CfnTemplate, CfnValue } from '../../../generators/cloudformation/types.ts';
import { generateDeployment } from '../../../generators/deployment.ts';
import { measureStack, QUOTAS, stackBreach } from '../../../generators/quotas.ts';
import { compileRouteFiles } from './synthetic-routes.ts';

const ACCOUNT = '123456789012';
const REGION = 'ap-southeast-2';

/** Buckets each with one EventBridge route of `suffixes` suffixes no other bucket shares: a rule (or more) a bucket. */
function bucketsWithOwnSuffixes(buckets: number, suffixes: number) {
  const files = Object.fromEntries(
    Array.from({ length: buckets }, (_, b) => [
      `routes/r${b}.yaml`,
      [
        `name: r${b}`,
        'source: { bucket: src-' + b + ', trigger: eventbridge }',
        `match: { suffix: [${Array.from({ length: suffixes }, (_, i) => `".b${b}e${i}"`).join(', ')}] }`,
        'allow: { buckets: [dst] }',
        'actions:',
        '  - copy: { to: dst, key: $key }',
        '',
      ].join('\n'),
    ]),
  );
  return compileRouteFiles(files);
}

/** What AWS would hold once deployed, with names as CloudFormation makes them (`<stack>-<logical id>-<13 random>`). */
function deployedArn(template: CfnTemplate, stack: string, value: CfnValue): string {
  const [id] = (value as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
  const resource = template.Resources[id] as CfnResource;
  if (id === FUNCTION_ID) return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${String(resource.Properties?.FunctionName)}`;
  if (resource.Type === 'AWS::SQS::Queue') return `arn:aws:sqs:${REGION}:${ACCOUNT}:${String(resource.Properties?.QueueName)}`;
  return `arn:aws:events:${REGION}:${ACCOUNT}:rule/${`${stack}-${id}`.slice(0, 50)}-ABCDEFGHIJKLM`;
}

function deployedFunctionPolicy(template: CfnTemplate, stack: string): string {
  const statements = Object.entries(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::Lambda::Permission')
    .map(([id, r]) => ({
      Sid: `${stack}-${id}-ABCDEFGHIJKLM`,
      Effect: 'Allow',
      Principal: { Service: r.Properties?.Principal },
      Action: r.Properties?.Action,
      Resource: deployedArn(template, stack, r.Properties?.FunctionName as CfnValue),
      Condition: { ArnLike: { 'AWS:SourceArn': deployedArn(template, stack, r.Properties?.SourceArn as CfnValue) } },
    }));
  return statements.length === 0 ? '' : JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: statements });
}

function deployedQueuePolicies(template: CfnTemplate, stack: string): string[] {
  return Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::SQS::QueuePolicy')
    .map((r) =>
      JSON.stringify(r.Properties?.PolicyDocument, (_key, value: CfnValue) =>
        value !== null && typeof value === 'object' && !Array.isArray(value) && 'Fn::GetAtt' in value ? deployedArn(template, stack, value) : value,
      ),
    );
}

describe("the function's and the events dead-letter queue's resource policies", () => {
  const deployment = generateDeployment(bucketsWithOwnSuffixes(100, 90), { deployAccount: ACCOUNT, region: REGION });
  const shards = deployment.stacks.filter((s) => s.kind === 'shard');

  it('100 buckets of 90 suffixes each need about 100 rules (the case the quotas missed)', () => {
    expect(deployment.rules).toBeGreaterThanOrEqual(100);
  });

  it.for([
    ['function policy', QUOTAS.functionPolicyBytes, (t: CfnTemplate, s: string) => [deployedFunctionPolicy(t, s)]],
    ['queue policy', QUOTAS.queuePolicyBytes, deployedQueuePolicies],
  ] as const)('every shard keeps each %s, as AWS would hold it, within %i bytes', ([, limit, policies]) => {
    for (const shard of shards) {
      for (const policy of policies(shard.template, shard.name)) expect(Buffer.byteLength(policy), shard.name).toBeLessThanOrEqual(limit);
    }
  });

  it('the measure never counts less than AWS would hold', () => {
    for (const shard of shards) {
      expect(shard.measure.functionPolicyBytes).toBeGreaterThanOrEqual(Buffer.byteLength(deployedFunctionPolicy(shard.template, shard.name)));
      expect(shard.measure.largestQueuePolicyBytes).toBeGreaterThanOrEqual(Math.max(...deployedQueuePolicies(shard.template, shard.name).map((p) => Buffer.byteLength(p))));
    }
  });

  it('a stack over either is a breach that names it', () => {
    const [shard] = shards;
    if (shard === undefined) throw new Error('no shard');
    const measure = measureStack(shard.template, shard.body);
    expect(stackBreach({ ...measure, functionPolicyBytes: QUOTAS.functionPolicyBytes + 1 })?.quota).toBe("20480 bytes of a function's resource-based policy");
    expect(stackBreach({ ...measure, largestQueuePolicyBytes: QUOTAS.queuePolicyBytes + 1 })?.quota).toBe('8192 bytes a queue policy');
  });
});
