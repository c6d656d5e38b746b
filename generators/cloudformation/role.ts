/**
 * The function's role: a fixed RoleName (other accounts name it in their policies), trusted by
 * Lambda only, with the statements of every part in customer-managed policies of at most
 * 6,144 characters each (an inline policy would hit the role's 10,240-character total first).
 */
import { compactStatements } from './compact.ts';
import { GeneratorError } from './errors.ts';
import { ROLE_ID, roleName } from './names.ts';
import { sub } from './arn.ts';
import type { CfnResource, CfnValue, PolicyStatement } from './types.ts';

export const MANAGED_POLICY_CHARS = 6144;
export const MANAGED_POLICIES_PER_ROLE = 10;
/** `${X.Arn}` becomes a full ARN once deployed: count each substitution at a generous length… */
const SUBSTITUTION_ALLOWANCE = 128;
/** …and the pseudo parameters at their longest (`aws-us-gov`, `ap-southeast-2`, 12 digits). */
const PSEUDO_PARAMETER_CHARS: Record<string, number> = { '${AWS::Partition}': 10, '${AWS::Region}': 14, '${AWS::AccountId}': 12 };

export function roleResources(stackName: string, statements: PolicyStatement[]): Record<string, CfnResource> {
  const chunks = packStatements(compactStatements(statements));
  if (chunks.length > MANAGED_POLICIES_PER_ROLE) throw new PolicyTooLargeError(chunks.length);
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

/** The role needs more managed policies than a role takes; `needed` says how many (placement splits the stack). */
export class PolicyTooLargeError extends GeneratorError {
  constructor(readonly needed: number) {
    super(
      'PolicyTooLarge',
      `the function's role needs ${needed} managed policies of ${MANAGED_POLICY_CHARS} characters; a role takes ${MANAGED_POLICIES_PER_ROLE}: generate the routes as a sharded deployment (switchyard generate) or widen allow-lists with wildcards`,
    );
  }
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

/** Characters IAM counts for a statement (no whitespace), with each `${…}` at its allowance. */
export function estimatedLength(statement: PolicyStatement): number {
  return expandedLength(JSON.stringify(statement)) + 1;
}

function expandedLength(text: string): number {
  const substitutions = text.match(/\$\{[^}]+\}/g) ?? [];
  return text.length + substitutions.reduce((sum, s) => sum + (PSEUDO_PARAMETER_CHARS[s] ?? SUBSTITUTION_ALLOWANCE) - s.length, 0);
}

const POLICY_OVERHEAD = JSON.stringify({ Version: '2012-10-17', Statement: [] }).length;

/**
 * Statements packed into policies of at most 6,144 characters, in order. A statement that
 * does not fit in what is left of a policy is cut between its resources (same actions, same
 * condition, fewer resources per piece), so policies fill up instead of ending half empty.
 */
export function packStatements(statements: PolicyStatement[]): PolicyStatement[][] {
  const chunks: PolicyStatement[][] = [];
  let current: PolicyStatement[] = [];
  let size = POLICY_OVERHEAD;
  const close = (): void => {
    if (current.length > 0) chunks.push(current);
    current = [];
    size = POLICY_OVERHEAD;
  };
  for (const statement of statements) {
    let rest = statement.Resource;
    for (let piece = 1; rest.length > 0; piece++) {
      const sid = piece === 1 ? statement.Sid : `${statement.Sid}Part${piece}`;
      const take = resourcesThatFit({ ...statement, Sid: sid }, rest, MANAGED_POLICY_CHARS - size);
      if (take === 0) {
        if (current.length === 0) throw tooLargeStatement(statement);
        close();
        piece--;
        continue;
      }
      const part = { ...statement, Sid: sid, Resource: rest.slice(0, take) };
      current.push(part);
      size += estimatedLength(part);
      rest = rest.slice(take);
    }
  }
  close();
  return chunks;
}

/** How many of `resources` (from the start) fit in `space` characters as one statement. */
function resourcesThatFit(statement: PolicyStatement, resources: string[], space: number): number {
  let length = estimatedLength({ ...statement, Resource: [] });
  let count = 0;
  for (const resource of resources) {
    const added = expandedLength(JSON.stringify(resource)) + (count > 0 ? 1 : 0);
    if (length + added > space) break;
    length += added;
    count++;
  }
  return count;
}

function tooLargeStatement(statement: PolicyStatement): GeneratorError {
  return new GeneratorError('PolicyTooLarge', `the statement ${statement.Sid} does not fit in a managed policy of ${MANAGED_POLICY_CHARS} characters even with one resource: shorten its resource names`);
}

/**
 * A role's trust policy for an AWS service, confined to this account (confused-deputy guard).
 * API Gateway sends no aws:SourceAccount when it assumes an integration's credentials role, so
 * for it the condition would refuse every call: its role is trusted without one.
 */
export function trustedBy(service: string): { [key: string]: CfnValue } {
  const statement: { [key: string]: CfnValue } = { Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' };
  if (service !== 'apigateway.amazonaws.com') statement.Condition = { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } };
  return { Version: '2012-10-17', Statement: [statement] };
}
