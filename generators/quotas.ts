/**
 * AWS quotas a generated stack must stay within, and how close a template is to each. The
 * generator measures every template it writes and places routes so that none is over.
 */
import type { CfnTemplate, CfnValue } from './cloudformation/types.ts';

export const QUOTAS = {
  /** CloudFormation, per stack. */
  resources: 500,
  outputs: 200,
  parameters: 200,
  /** A template passed by TemplateURL (deploy uploads every template over 51,200 bytes). */
  templateBytes: 1_000_000,
  inlineTemplateBytes: 51_200,
  /** IAM, per role: managed policies attached, characters of each (whitespace not counted), inline characters in all. */
  managedPolicies: 10,
  managedPolicyChars: 6_144,
  inlinePolicyChars: 10_240,
  /** Lambda: environment variables, keys and values together. */
  environmentBytes: 4_096,
  /** EventBridge, per bus, across every stack; pattern length. */
  rules: 300,
  wildcardRules: 30,
  patternChars: 2_048,
  /** S3: lifecycle rules a bucket (the state bucket). */
  lifecycleRules: 1_000,
} as const;

/** A deployed `${X.Arn}` is longer than its text: count each at this length, pseudo parameters at their longest. */
const SUBSTITUTION_ALLOWANCE = 128;
const PSEUDO_PARAMETER_CHARS: Record<string, number> = { '${AWS::Partition}': 10, '${AWS::Region}': 14, '${AWS::AccountId}': 12 };

export interface StackMeasure {
  resources: number;
  outputs: number;
  parameters: number;
  bytes: number;
  managedPolicies: number;
  largestPolicyChars: number;
  inlinePolicyChars: number;
  environmentBytes: number;
  rules: number;
  wildcardRules: number;
  largestPatternChars: number;
}

export interface QuotaBreach {
  /** What is over, in the operator's words, e.g. `500 resources a stack`. */
  quota: string;
  limit: number;
  actual: number;
}

export function measureStack(template: CfnTemplate, body: string): StackMeasure {
  const resources = Object.values(template.Resources);
  const policies = resources.filter((r) => r.Type === 'AWS::IAM::ManagedPolicy');
  const functionRole = template.Resources.RouterFunctionRole;
  // Schedules (batch.schedule) are rules on the default bus too: they count toward its 300.
  const rules = resources.filter((r) => r.Type === 'AWS::Events::Rule');
  const patterns = rules.filter((r) => r.Properties?.EventPattern !== undefined).map((r) => JSON.stringify(r.Properties?.EventPattern));
  const environments = resources
    .filter((r) => r.Type === 'AWS::Lambda::Function')
    .map((r) => environmentBytes((r.Properties?.Environment as { Variables?: Record<string, CfnValue> } | undefined)?.Variables ?? {}));
  return {
    resources: resources.length,
    outputs: Object.keys(template.Outputs).length,
    parameters: Object.keys(template.Parameters).length,
    bytes: Buffer.byteLength(body),
    managedPolicies: ((functionRole?.Properties?.ManagedPolicyArns as CfnValue[] | undefined) ?? []).length,
    largestPolicyChars: Math.max(0, ...policies.map((p) => iamChars(p.Properties?.PolicyDocument ?? {}))),
    inlinePolicyChars: ((functionRole?.Properties?.Policies as Array<{ PolicyDocument: CfnValue }> | undefined) ?? []).reduce((n, p) => n + iamChars(p.PolicyDocument), 0),
    environmentBytes: Math.max(0, ...environments),
    rules: rules.length,
    wildcardRules: patterns.filter((p) => p.includes('"wildcard"')).length,
    largestPatternChars: Math.max(0, ...patterns.map((p) => p.length)),
  };
}

/** The first per-stack quota the measure is over, if any. */
export function stackBreach(m: StackMeasure): QuotaBreach | undefined {
  const checks: Array<[string, number, number]> = [
    [`${QUOTAS.resources} resources a stack`, QUOTAS.resources, m.resources],
    [`${QUOTAS.outputs} outputs a stack`, QUOTAS.outputs, m.outputs],
    [`${QUOTAS.parameters} parameters a stack`, QUOTAS.parameters, m.parameters],
    [`${QUOTAS.templateBytes} bytes a template`, QUOTAS.templateBytes, m.bytes],
    [`${QUOTAS.managedPolicies} managed policies a role`, QUOTAS.managedPolicies, m.managedPolicies],
    [`${QUOTAS.managedPolicyChars} characters a managed policy`, QUOTAS.managedPolicyChars, m.largestPolicyChars],
    [`${QUOTAS.inlinePolicyChars} inline policy characters a role`, QUOTAS.inlinePolicyChars, m.inlinePolicyChars],
    [`${QUOTAS.environmentBytes} bytes of Lambda environment`, QUOTAS.environmentBytes, m.environmentBytes],
    [`${QUOTAS.patternChars} characters an EventBridge pattern`, QUOTAS.patternChars, m.largestPatternChars],
  ];
  const over = checks.find(([, limit, actual]) => actual > limit);
  return over === undefined ? undefined : { quota: over[0], limit: over[1], actual: over[2] };
}

/** Characters IAM counts: the policy as compact JSON, each `Fn::Sub` as its text with substitutions at their allowance. */
export function iamChars(document: CfnValue): number {
  const text = JSON.stringify(document, (_key, value: CfnValue) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && typeof value['Fn::Sub'] === 'string') return value['Fn::Sub'];
    return value;
  });
  return expanded(text);
}

function environmentBytes(variables: Record<string, CfnValue>): number {
  return Object.entries(variables).reduce((n, [key, value]) => {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return n + key.length + expanded(text);
  }, 0);
}

function expanded(text: string): number {
  const substitutions = text.match(/\$\{[^}]+\}/g) ?? [];
  return text.length + substitutions.reduce((sum, s) => sum + (PSEUDO_PARAMETER_CHARS[s] ?? SUBSTITUTION_ALLOWANCE) - s.length, 0);
}
