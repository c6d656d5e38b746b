/**
 * The function's role: a fixed RoleName (other accounts name it in their policies), trusted by
 * Lambda only, with the statements of every part in customer-managed policies of at most
 * 6,144 characters each (an inline policy would hit the role's 10,240-character total first).
 */
import { GeneratorError } from './errors.ts';
import { ROLE_ID, roleName } from './names.ts';
import { sub } from './arn.ts';
import type { CfnResource, CfnValue, PolicyStatement } from './types.ts';

const MANAGED_POLICY_CHARS = 6144;
const MANAGED_POLICIES_PER_ROLE = 10;
/** `${X.Arn}` becomes a full ARN once deployed: count each substitution at a generous length. */
const SUBSTITUTION_ALLOWANCE = 128;

export function roleResources(stackName: string, statements: PolicyStatement[]): Record<string, CfnResource> {
  const chunks = chunkStatements(statements);
  if (chunks.length > MANAGED_POLICIES_PER_ROLE) {
    throw new GeneratorError(
      'PolicyTooLarge',
      `the function's role needs ${chunks.length} managed policies of ${MANAGED_POLICY_CHARS} characters; a role takes ${MANAGED_POLICIES_PER_ROLE}: split the routes into several stacks or widen allow-lists with wildcards`,
    );
  }
  const resources: Record<string, CfnResource> = {};
  const policyIds = chunks.map((_, index) => `RouterFunctionPolicy${index + 1}`);
  chunks.forEach((chunk, index) => {
    resources[policyIds[index] ?? ''] = {
      Type: 'AWS::IAM::ManagedPolicy',
      Properties: {
        Description: `Switchyard router permissions, part ${index + 1} of ${chunks.length} (generated from routes/)`,
        PolicyDocument: { Version: '2012-10-17', Statement: chunk.map(renderStatement) },
      },
    };
  });
  resources[ROLE_ID] = {
    Type: 'AWS::IAM::Role',
    Properties: {
      RoleName: roleName(stackName),
      Description: 'Switchyard router function (least privilege generated from the routes)',
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'lambda.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          },
        ],
      },
      ManagedPolicyArns: policyIds.map((id) => ({ Ref: id })),
    },
  };
  return resources;
}

export function renderStatement(statement: PolicyStatement): CfnValue {
  const rendered: Record<string, CfnValue> = {
    Sid: statement.Sid,
    Effect: statement.Effect,
    Action: statement.Action,
    Resource: statement.Resource.map(sub),
  };
  if (statement.Condition !== undefined) {
    rendered.Condition = Object.fromEntries(
      Object.entries(statement.Condition).map(([operator, entries]) => [
        operator,
        Object.fromEntries(Object.entries(entries).map(([key, value]) => [key, Array.isArray(value) ? value.map(sub) : sub(value)])),
      ]),
    );
  }
  return rendered;
}

function estimatedLength(statement: PolicyStatement): number {
  const text = JSON.stringify(statement);
  const substitutions = text.match(/\$\{[^}]+\}/g) ?? [];
  return text.length + substitutions.reduce((sum, s) => sum + SUBSTITUTION_ALLOWANCE - s.length, 0) + 1;
}

function chunkStatements(statements: PolicyStatement[]): PolicyStatement[][] {
  const overhead = JSON.stringify({ Version: '2012-10-17', Statement: [] }).length;
  const chunks: PolicyStatement[][] = [];
  let current: PolicyStatement[] = [];
  let size = overhead;
  for (const statement of statements) {
    const length = estimatedLength(statement);
    if (current.length > 0 && size + length > MANAGED_POLICY_CHARS) {
      chunks.push(current);
      current = [];
      size = overhead;
    }
    current.push(statement);
    size += length;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
